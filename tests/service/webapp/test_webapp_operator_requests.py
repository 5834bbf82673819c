"""What operators ask for in the admin API, acted on by the next pass (real espeak voice,
LAME, SQLite; a local HTTP server stands in for the web): queued URLs, re-renders,
exclusions, fetches asked of sources."""

from __future__ import annotations

import dataclasses
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import feedparser
import pytest
from fastapi.testclient import TestClient

from postcast import pipeline
from postcast.config import Config, SourceConfig, SpeechConfig
from postcast.service.webapp import create_web_app
from tests.fakes.forummagnum_server import FakeForum, article_page
from tests.service.webapp.conftest import AUTH
from tests.service.webapp.webapp_library import web_config

PARAGRAPHS = [
    f"Paragraph {n} explains how the lighthouse keeper kept his records in order." * 2
    for n in range(4)
]


@pytest.fixture(autouse=True)
def _needs_espeak() -> None:
    if shutil.which("espeak-ng") is None:
        if os.environ.get("POSTCAST_REQUIRE_ALL") == "1":
            pytest.fail("espeak-ng is not installed (POSTCAST_REQUIRE_ALL=1 forbids skipping)")
        pytest.skip("espeak-ng is not installed (apt-get install espeak-ng)")


@pytest.fixture
def config(tmp_path: Path) -> Config:
    posts = tmp_path / "posts"
    posts.mkdir()
    for name in ("lighthouse", "orchard"):
        text = f"The {name} story goes on and on, one quiet sentence after another. " * 5
        (posts / f"{name}.md").write_text(
            f"---\ntitle: {name.title()}\nauthor: Ada\ndate: 2025-03-01\n---\n\n{text}\n"
        )
    base = web_config(tmp_path)
    return dataclasses.replace(
        base,
        sources=[SourceConfig(name="drafts", kind="local", path=str(posts))],
        speech=SpeechConfig(engine="espeak", cache_dir=str(tmp_path / "cache")),
    )


@pytest.fixture
def client(config: Config) -> Iterator[TestClient]:
    with TestClient(create_web_app(config)) as test_client:
        yield test_client


def _feed(config: Config) -> dict[str, str]:
    """Title -> enclosure URL of the main feed, as a podcast app parses it."""
    feed = feedparser.parse((Path(config.library.site_dir) / "feed.xml").read_bytes())
    return {entry.title.split(" by ")[0]: entry.enclosures[0].href for entry in feed.entries}


def _episode_id(client: TestClient, title: str) -> int:
    episodes = client.get("/api/admin/episodes", headers=AUTH).json()["episodes"]
    return next(e["id"] for e in episodes if e["title"].startswith(title))


def _render_due(client: TestClient) -> dict[str, bool]:
    episodes = client.get("/api/admin/episodes", headers=AUTH).json()["episodes"]
    return {e["title"]: e["render_due"] for e in episodes}


def _urls(client: TestClient) -> dict[str, dict[str, object]]:
    return {item["url"]: item for item in client.get("/api/admin/urls", headers=AUTH).json()}


def test_queued_urls_are_fetched_rendered_and_published_by_the_next_pass(
    config: Config, client: TestClient
) -> None:
    config.library.allow_private_addresses = True  # the "web" is this machine
    with FakeForum() as server:
        server.add_page(
            "/essays/lighthouse", article_page("Notes", "Grace", "2025-04-03", PARAGRAPHS)
        )
        good, missing = server.url + "/essays/lighthouse", server.url + "/essays/gone"
        for url in (good, missing):
            assert (
                client.post("/api/admin/urls", json={"url": url}, headers=AUTH).status_code == 201
            )
        assert {item["state"] for item in _urls(client).values()} == {"pending"}
        report = pipeline.run_pass(config)

    assert len(report.rendered) == 3  # the two local posts and the article
    assert "Notes" in _feed(config)
    states = _urls(client)
    assert states[good]["state"] == "published" and states[good]["error"] is None
    guid = states[good]["episode_guid"]
    assert isinstance(guid, str) and guid in report.rendered
    assert states[missing]["state"] == "failed" and "404" in str(states[missing]["error"])
    # queued again, a failed URL is tried again; a fetched one stays as it is
    again = client.post("/api/admin/urls", json={"url": missing}, headers=AUTH)
    assert again.status_code == 200 and again.json()["state"] == "pending"
    assert again.json()["error"] is None
    assert client.post("/api/admin/urls", json={"url": good}, headers=AUTH).json()["state"] == (
        "published"
    )


def test_a_url_refused_when_fetched_shows_why(config: Config, client: TestClient) -> None:
    """Queued while private addresses were allowed; the pass runs with them refused."""
    permissive = dataclasses.replace(
        config, library=dataclasses.replace(config.library, allow_private_addresses=True)
    )
    with TestClient(create_web_app(permissive)) as admin, FakeForum() as server:
        server.add_page("/a", article_page("Notes", "Grace", "2025-04-03", PARAGRAPHS))
        url = server.url + "/a"
        assert admin.post("/api/admin/urls", json={"url": url}, headers=AUTH).status_code == 201
        pipeline.run_pass(config)
    refused = _urls(client)[url]
    assert refused["state"] == "failed"
    assert "is not a public address" in str(refused["error"])
    assert "Notes" not in _feed(config)


def test_re_render_one_makes_new_audio_under_the_same_guid(
    config: Config, client: TestClient
) -> None:
    pipeline.run_pass(config)
    before = _feed(config)
    assert not any(_render_due(client).values())
    cached = sorted((Path(config.speech.cache_dir or "") / "speech").rglob("*.flac"))
    answer = client.post(
        f"/api/admin/episodes/{_episode_id(client, 'Lighthouse')}/rerender", headers=AUTH
    )
    assert answer.status_code == 202 and answer.json()["title"].startswith("Lighthouse")
    assert answer.json()["render_due"] is True
    assert client.post("/api/admin/episodes/99999/rerender", headers=AUTH).status_code == 404
    # The list shows it queued (its audio still published) and no other.
    assert [title for title, due in _render_due(client).items() if due] == [answer.json()["title"]]

    report = pipeline.run_pass(config)
    assert len(report.rendered) == 1 and not report.failed
    assert not any(_render_due(client).values())
    after = _feed(config)
    assert after.keys() == before.keys()
    assert after["Lighthouse"] != before["Lighthouse"] and after["Orchard"] == before["Orchard"]
    # every sentence came from the cache: nothing new was spoken
    assert sorted((Path(config.speech.cache_dir or "") / "speech").rglob("*.flac")) == cached
    assert pipeline.run_pass(config).rendered == []


def test_an_excluded_episode_leaves_the_feeds_and_a_restored_one_comes_back(
    config: Config, client: TestClient
) -> None:
    pipeline.run_pass(config)
    assert set(_feed(config)) == {"Lighthouse", "Orchard"}
    path = f"/api/admin/episodes/{_episode_id(client, 'Orchard')}"
    client.post(f"{path}/exclude", json={"reason": "the author opted out"}, headers=AUTH)
    pipeline.run_pass(config)
    assert set(_feed(config)) == {"Lighthouse"}
    assert client.get(path, headers=AUTH).json()["episode"]["status"] == "excluded"

    client.post(f"{path}/restore", json={"reason": "asked back"}, headers=AUTH)
    report = pipeline.run_pass(config)
    assert report.rendered == []  # its audio was kept
    assert set(_feed(config)) == {"Lighthouse", "Orchard"}


def test_a_fetch_asked_of_a_source_is_answered_by_the_next_pass(
    config: Config, client: TestClient
) -> None:
    assert client.post("/api/admin/sources/drafts/fetch", headers=AUTH).status_code == 404
    pipeline.run_pass(config)
    asked = client.post("/api/admin/sources/drafts/fetch", headers=AUTH)
    assert asked.status_code == 202
    (source,) = client.get("/api/admin/sources", headers=AUTH).json()
    assert source["fetch_requested_at"] == asked.json()["fetch_requested_at"]
    pipeline.run_pass(config)
    (source,) = client.get("/api/admin/sources", headers=AUTH).json()
    assert source["fetch_requested_at"] is None and source["last_success_at"] is not None
