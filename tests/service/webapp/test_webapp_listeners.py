"""Listeners' pages and the public API: home, feeds, episode pages, narrations, the embed."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from postcast.config import Config
from postcast.publishing.pages import render_index
from postcast.service.webapp import create_web_app
from postcast.storage import open_library
from tests.service.webapp.webapp_library import BASE_URL, Stored, add_episode


def test_home_lists_feeds_and_published_episodes(
    client: TestClient, stored: dict[str, Stored]
) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert 'href="/feed/main"' in page.text and 'href="/feed.xml"' in page.text
    assert "Counting zebras carefully" in page.text
    for hidden in ("Still pending quokka", "Failed quokka", "Excluded quokka post"):
        assert hidden not in page.text
    assert f'href="/{stored["zebras"].audio_file.replace(".mp3", ".html")}"' in page.text


def test_every_page_has_the_head_of_the_published_sites_pages(
    config: Config, stored: dict[str, Stored]
) -> None:
    config.library.language = "fr"
    published = render_index(config.library, "art.jpg", [], [])
    head = published[: published.index("<title>")]  # written once, in publishing's _page.html
    assert '<html lang="fr">' in head and '<meta name="viewport"' in head
    embed = "/embed?url=" + stored["zebras"].post_url
    with TestClient(create_web_app(config)) as client:
        for url in ("/", "/feed/main", "/search?q=zebras", embed):
            assert client.get(url).text.startswith(head), url


def test_home_is_paginated(config: Config) -> None:
    site = Path(config.library.site_dir)
    with open_library(config.library.database) as library:
        for number in range(1, 26):
            add_episode(library, site, number, title=f"Episode number {number:02d}")
    with TestClient(create_web_app(config)) as client:
        first, second = client.get("/").text, client.get("/", params={"page": 2}).text
        assert client.get("/", params={"page": 0}).status_code == 422
        assert client.get("/", params={"page": "x"}).status_code == 422
    assert "Episode number 25" in first and "Episode number 06" in first
    assert "Episode number 05" not in first and 'rel="next"' in first
    assert "Episode number 05" in second and "Episode number 01" in second
    assert "Episode number 06" not in second and 'rel="next"' not in second
    assert 'rel="prev" href="?page=1"' in second


def test_post_text_is_escaped_and_javascript_links_are_not_live(client: TestClient) -> None:
    for page in (client.get("/").text, client.get("/search", params={"q": "tricky"}).text):
        assert "<script>alert(1)</script>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert "javascript:" not in page


def test_feed_page_lists_the_feed_and_unknown_feeds_are_404(client: TestClient) -> None:
    page = client.get("/feed/main")
    assert page.status_code == 200
    assert "Counting zebras carefully" in page.text and 'href="/feed.xml"' in page.text
    assert client.get("/feed/nonexistent").status_code == 404


def test_episode_pages_media_and_ranges_come_from_the_site_folder(
    client: TestClient, config: Config, stored: dict[str, Stored]
) -> None:
    site = Path(config.library.site_dir)
    (site / "episodes/post1_LW.html").write_text("<p>episode page</p>", encoding="utf-8")
    (site / ".hidden.tmp").write_text("temporary", encoding="utf-8")
    assert client.get("/episodes/post1_LW.html").text == "<p>episode page</p>"
    media = client.get("/" + str(stored["zebras"].audio_file), headers={"Range": "bytes=0-2"})
    assert media.status_code == 206 and media.content == b"ID3"
    assert media.headers["content-type"] == "audio/mpeg"
    assert client.get("/.hidden.tmp").status_code == 404
    assert client.get("/episodes/post1_LW.vtt").headers["content-type"].startswith("text/vtt")


def test_pages_send_a_content_security_policy(
    client: TestClient, stored: dict[str, Stored]
) -> None:
    for path in ("/", "/feed/main", "/search?q=quokka"):
        headers = client.get(path).headers
        assert "script-src 'self'" in headers["content-security-policy"]
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff"
    embed = client.get("/embed", params={"url": stored["zebras"].post_url}).headers
    assert "frame-ancestors *" in embed["content-security-policy"]
    assert "x-frame-options" not in embed


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("zebras", "published"),
        ("pending", "pending"),
        ("rendered", "rendering"),
        ("failed", "failed"),
        ("excluded", "excluded"),
    ],
)
def test_narrations_report_each_status(
    client: TestClient, stored: dict[str, Stored], name: str, status: str
) -> None:
    response = client.get("/api/narrations", params={"url": stored[name].post_url})
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == status and body["guid"] == stored[name].guid
    if status == "published":
        assert body["audio_url"] == f"{BASE_URL}episodes/post1_LW.mp3"
        assert body["transcript_url"] == f"{BASE_URL}episodes/post1_LW.vtt"
        assert body["page_url"] == f"{BASE_URL}episodes/post1_LW.html"
        assert body["duration"] == 65.0
    else:
        assert body["audio_url"] is None and body["duration"] is None


def test_narrations_match_url_variants_and_allow_cors(
    client: TestClient, stored: dict[str, Stored]
) -> None:
    url = stored["zebras"].post_url
    for variant in (url + "/", url + "#comments"):
        response = client.get(
            "/api/narrations", params={"url": variant}, headers={"Origin": "https://forum.example"}
        )
        assert response.json()["guid"] == stored["zebras"].guid
        assert response.headers["access-control-allow-origin"] == "*"


def test_narrations_refusals(client: TestClient) -> None:
    missing = client.get("/api/narrations", params={"url": "https://example.org/never"})
    assert missing.status_code == 404 and missing.json()["detail"] == "not narrated"
    assert client.get("/api/narrations").status_code == 422
    assert client.get("/api/narrations", params={"url": "x" * 2049}).status_code == 422
    assert client.post("/api/narrations", params={"url": "x"}).status_code == 405


def test_embed_shows_the_narration_or_not_narrated_yet(
    client: TestClient, stored: dict[str, Stored]
) -> None:
    page = client.get("/embed", params={"url": stored["zebras"].post_url}).text
    assert 'data-guid="post1_LW"' in page and f'src="{BASE_URL}episodes/post1_LW.mp3"' in page
    for url in (stored["pending"].post_url, stored["excluded"].post_url, "https://x.example/"):
        page = client.get("/embed", params={"url": url}).text
        assert "Not narrated yet" in page and "<audio" not in page
    assert client.get("/embed").status_code == 422


def test_embed_script_inserts_the_iframe(client: TestClient) -> None:
    script = client.get("/embed.js")
    assert script.status_code == 200
    assert script.headers["content-type"].startswith("text/javascript")
    assert '"/embed?url=" + encodeURIComponent(postUrl)' in script.text


def test_search_page_shows_highlighted_results(client: TestClient) -> None:
    page = client.get("/search", params={"q": "quokka"}).text
    assert "Counting zebras carefully" in page and "<mark>quokka</mark>" in page
    assert "No episode matches" in client.get("/search", params={"q": "nothinglikeit"}).text
    assert client.get("/search", params={"q": "x" * 201}).status_code == 422
    assert client.get("/search").status_code == 200  # the empty form
