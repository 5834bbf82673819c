"""Listening figures in `postcast web`: the MP3s it serves are counted (ranges of one
listener once, bots not), and the figures come back as JSON and as an author's page."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi.testclient import TestClient

from tests.service.webapp.webapp_library import Stored

PHONE = {"User-Agent": "AppleCoreMedia/1.0.0.21A329 (iPhone; CPU OS 17_0 like Mac OS X)"}
TODAY = datetime.now(UTC).date().isoformat()


def _audio(stored: Stored) -> str:
    assert stored.audio_file is not None
    return "/" + stored.audio_file


def _figures(client: TestClient, path: str) -> dict:
    response = client.get("/api/downloads" + path)
    assert response.status_code == 200, response.text
    return response.json()


def test_served_mp3s_are_counted_once_per_listener(
    client: TestClient, stored: dict[str, Stored]
) -> None:
    audio = _audio(stored["zebras"])
    probe = client.get(audio, headers=PHONE | {"Range": "bytes=0-1"})
    assert probe.status_code == 206 and len(probe.content) == 2
    assert _figures(client, "")["downloads"] == 0  # two bytes are not a listen
    for byte_range in ("bytes=0-39", "bytes=40-66"):
        assert client.get(audio, headers=PHONE | {"Range": byte_range}).status_code == 206
    assert client.get(audio, headers=PHONE).status_code == 200  # and the whole file again
    client.get(audio, headers={"User-Agent": "Googlebot/2.1 (+http://www.google.com/bot.html)"})
    client.head(audio, headers={"User-Agent": "Overcast/3.0 (+http://overcast.fm/)"})
    client.get(audio, headers={"User-Agent": "Overcast/3.0 (+http://overcast.fm/)"})
    library = _figures(client, "?days=2")
    assert library["downloads"] == 2  # the phone and Overcast
    assert library["daily"][-1] == {"day": TODAY, "downloads": 2}
    assert library["episodes"][0]["guid"] == stored["zebras"].guid
    assert library["episodes"][0]["downloads"] == 2
    episode = _figures(client, f"/episodes?guid={stored['zebras'].guid}")
    assert episode["downloads"] == 2 and len(episode["daily"]) == 30


def test_figures_per_feed_and_per_author(client: TestClient, stored: dict[str, Stored]) -> None:
    client.get(_audio(stored["tagged"]), headers=PHONE)
    feed = _figures(client, "/feeds/main")
    assert feed["downloads"] == 1
    assert {e["guid"] for e in feed["episodes"]} >= {stored["tagged"].guid, stored["zebras"].guid}
    ada = _figures(client, "/authors/Ada%20Lovelace")
    assert ada["downloads"] == 1
    assert {e["guid"] for e in ada["episodes"]} == {stored["tagged"].guid, stored["hostile"].guid}
    assert _figures(client, "/authors/grace%20hopper")["downloads"] == 0  # any case


def test_unknown_subjects_are_404(client: TestClient, stored: dict[str, Stored]) -> None:
    assert client.get("/api/downloads/authors/Nobody").status_code == 404
    assert client.get("/api/downloads/feeds/nope").status_code == 404
    assert client.get("/api/downloads/episodes?guid=nope").status_code == 404
    # Only published episodes have figures, whatever their author.
    assert client.get(f"/api/downloads/episodes?guid={stored['pending'].guid}").status_code == 404
    assert client.get("/author/Nobody").status_code == 404
    assert client.get("/api/downloads?days=0").status_code == 422


def test_the_author_page_charts_downloads_and_escapes_names(
    client: TestClient, stored: dict[str, Stored]
) -> None:
    client.get(_audio(stored["zebras"]), headers=PHONE)
    page = client.get("/author/Grace%20Hopper?days=7")
    assert page.status_code == 200
    html = page.text
    assert "<h1>Grace Hopper</h1>" in html
    spaced = client.get("/author/%20grace%20HOPPER%20")  # as a link may spell it
    assert spaced.status_code == 200 and "<h1>Grace Hopper</h1>" in spaced.text
    assert "<strong>1</strong> download of 1 episode" in html
    assert html.count('<rect class="bar"') == 7
    assert f"{TODAY}: 1 download</title>" in html
    assert "Counting zebras carefully" in html
    # The hostile post's title is an author's too: escaped there as everywhere.
    ada = client.get("/author/Ada%20Lovelace").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Tricky title" in ada
    assert "<script>alert(1)</script>" not in ada


def test_episode_lists_link_each_author_to_their_page(client: TestClient) -> None:
    home = client.get("/").text
    assert '<a href="/author/Grace%20Hopper">Grace Hopper</a>' in home
