"""Full-text search: what it finds, how it ranks, and that its snippets are safe HTML."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from postcast.config import Config
from postcast.service.webapp import create_web_app, search
from postcast.storage import open_library
from tests.service.webapp.webapp_library import Stored, add_episode


def _guids(client: TestClient, q: str) -> list[str]:
    response = client.get("/api/search", params={"q": q})
    assert response.status_code == 200, response.text
    return [result["guid"] for result in response.json()["results"]]


def test_search_finds_published_episodes_by_a_transcript_word(
    client: TestClient, stored: dict[str, Stored]
) -> None:
    found = _guids(client, "quokka")
    assert set(found) == {stored["zebras"].guid, stored["hostile"].guid}
    # pending, failed, excluded and rendered-not-published episodes are not listed


def test_search_finds_by_title_author_and_tag(
    client: TestClient, stored: dict[str, Stored]
) -> None:
    assert _guids(client, "zebras") == [stored["zebras"].guid]
    assert _guids(client, "Grace Hopper") == [stored["zebras"].guid]
    assert _guids(client, "epistemology") == [stored["tagged"].guid]
    assert _guids(client, "forecast") == [stored["tagged"].guid]  # stemmed / prefix


def test_every_word_must_match_and_operators_are_plain_words(client: TestClient) -> None:
    assert _guids(client, "quokka calibration") == []
    for hostile in ('"', "quokka OR", "NEAR(", "*", "title:zebras", "-quokka", "a'b", "\\"):
        assert client.get("/api/search", params={"q": hostile}).status_code == 200


def test_a_title_match_outranks_a_transcript_match(tmp_path: Path, config: Config) -> None:
    site = Path(config.library.site_dir)
    with open_library(config.library.database) as library:
        add_episode(library, site, 1, title="Ordinary talk", transcript="walrus " * 3)
        add_episode(library, site, 2, title="Walrus facts", transcript="about seals")
    with TestClient(create_web_app(config)) as client:
        results = client.get("/api/search", params={"q": "walrus"}).json()["results"]
    assert [r["title"] for r in results] == ["Walrus facts", "Ordinary talk"]
    assert results[0]["rank"] > results[1]["rank"]


def test_snippets_highlight_the_words_and_escape_the_text(
    client: TestClient, stored: dict[str, Stored]
) -> None:
    results = client.get("/api/search", params={"q": "tricky"}).json()["results"]
    assert [r["guid"] for r in results] == [stored["hostile"].guid]
    snippet = results[0]["snippet_html"]
    assert "<mark>Tricky</mark>" in snippet
    text = snippet.replace("<mark>", "").replace("</mark>", "")
    # SQLite's snippet keeps the title's tags as text (escaped); PostgreSQL's drops them.
    assert "<" not in text and ">" not in text


def test_highlight_escapes_everything_but_its_own_marks() -> None:
    snippet = search.highlight("a <b>\x02word\x03</b> & 'c'")
    assert str(snippet) == "a &lt;b&gt;<mark>word</mark>&lt;/b&gt; &amp; &#39;c&#39;"


def test_indexed_text_cannot_forge_a_highlight(config: Config) -> None:
    site = Path(config.library.site_dir)
    with open_library(config.library.database) as library:
        add_episode(library, site, 1, title="Forged \x02mark\x03 here", transcript="ostrich")
    with TestClient(create_web_app(config)) as client:
        result = client.get("/api/search", params={"q": "ostrich"}).json()["results"][0]
    assert "\x02" not in result["snippet_html"]
    assert result["snippet_html"].count("<mark>") == 1


def test_the_index_follows_the_episodes_table(config: Config, client: TestClient) -> None:
    context = client.app.state.web  # type: ignore[attr-defined]
    site = Path(config.library.site_dir)
    assert search.refresh(context.engine, context.store) == 0  # nothing changed since startup
    with open_library(config.library.database) as library:
        add_episode(library, site, 30, title="Late arrival", transcript="platypus")
    assert _guids(client, "platypus") == []  # not yet indexed: refreshed every 30 s
    context.reindex_now()
    assert _guids(client, "platypus") == ["post30_LW"]
    with context.engine.begin() as connection:
        connection.exec_driver_sql("DELETE FROM episodes WHERE guid = 'post30_LW'")
        left = connection.exec_driver_sql("SELECT count(*) FROM episode_search").scalar()
    assert left == 7  # the standard library's seven episodes (every state is indexed)
    assert _guids(client, "platypus") == []


def test_search_refusals(client: TestClient) -> None:
    assert client.get("/api/search").status_code == 422
    assert client.get("/api/search", params={"q": "x" * 201}).status_code == 422
    assert client.get("/api/search", params={"q": "quokka", "limit": 0}).status_code == 422
    assert client.get("/api/search", params={"q": "quokka", "limit": 51}).status_code == 422
    assert client.get("/api/search", params={"q": "quokka", "offset": -1}).status_code == 422
    assert client.get("/api/search", params={"q": ""}).json()["results"] == []


def test_search_pages_through_results(config: Config) -> None:
    site = Path(config.library.site_dir)
    with open_library(config.library.database) as library:
        for number in range(1, 6):
            add_episode(library, site, number, title=f"Heron {number}", transcript="heron")
    with TestClient(create_web_app(config)) as client:
        first = _guids(client, "heron")
        paged = [
            client.get("/api/search", params={"q": "heron", "limit": 2, "offset": o}).json()
            for o in (0, 2, 4)
        ]
    assert len(first) == 5
    assert [r["guid"] for page in paged for r in page["results"]] == first


def test_text_snippets_cut_around_the_first_match() -> None:
    transcript = " ".join(f"w{n}" for n in range(200)) + " Forecasting matters " + "tail " * 50
    snippet = search.text_snippet("Title", transcript, ["forecast"])
    assert snippet.startswith("…") and snippet.endswith("…")
    assert "\x02Forecasting\x03 matters" in snippet and "w0 " not in snippet
    only_title = search.text_snippet("Forecast notes", "nothing here", ["forecast"])
    assert only_title == "\x02Forecast\x03 notes — nothing here"


def test_ranked_title_then_author_then_tag_then_transcript(config: Config) -> None:
    site = Path(config.library.site_dir)
    with open_library(config.library.database) as library:
        add_episode(library, site, 1, title="Notes", transcript="about a heron or two")
        add_episode(library, site, 2, title="More", tags=("Heron",), transcript="wading")
        add_episode(library, site, 3, title="Birds", authors=("Ada Heron",), transcript="x")
        add_episode(library, site, 4, title="The heron", transcript="grey")
    with TestClient(create_web_app(config)) as client:
        results = client.get("/api/search", params={"q": "heron"}).json()["results"]
    assert [r["title"] for r in results] == ["The heron", "Birds", "More", "Notes"]


def test_text_snippets_mark_words_that_start_like_a_query_word_only() -> None:
    snippet = search.text_snippet(
        "T", "a microforecast, then forecasts and Forecasting", ["forecast"]
    )
    assert snippet == "a microforecast, then \x02forecasts\x03 and \x02Forecasting\x03"
