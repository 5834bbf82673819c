"""The web server in process: content types, HEAD, byte ranges, and no way out of the site."""

from __future__ import annotations

import socket
import subprocess
import sys
import time

import httpx
import pytest
from starlette.testclient import TestClient
from web_testsite import build_site

from postcast.service.web import create_app


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    site_dir = tmp_path_factory.mktemp("site")
    episode = build_site(site_dir, "http://testserver/")
    (site_dir.parent / "secret.txt").write_text("outside the site")
    (site_dir / "escape.txt").symlink_to(site_dir.parent / "secret.txt")
    (site_dir / ".feed.xml.abc.tmp").write_text("half a feed")
    mp3 = (site_dir / episode.audio_file).read_bytes()
    return {"dir": site_dir, "episode": episode, "mp3": mp3}


@pytest.fixture(scope="module")
def client(site):
    with TestClient(create_app(site["dir"])) as client:
        yield client


def test_root_serves_the_show_page(client, site):
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.content == (site["dir"] / "index.html").read_bytes()


def test_feed_is_served_as_rss(client, site):
    response = client.get("/feed.xml")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/rss+xml; charset=utf-8"
    assert response.content == (site["dir"] / "feed.xml").read_bytes()


@pytest.mark.parametrize(
    ("suffix", "content_type"),
    [
        (".mp3", "audio/mpeg"),
        (".vtt", "text/vtt; charset=utf-8"),
        (".srt", "application/x-subrip; charset=utf-8"),
        (".chapters.json", "application/json"),
        (".html", "text/html; charset=utf-8"),
    ],
)
def test_episode_files_have_their_content_types(client, suffix, content_type):
    response = client.get(f"/episodes/abc123_LW{suffix}")
    assert response.status_code == 200
    assert response.headers["content-type"] == content_type


def test_art_answers_head_with_its_size(client, site):
    response = client.head("/art/main.jpg")
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/jpeg"
    assert int(response.headers["content-length"]) == (site["dir"] / "art/main.jpg").stat().st_size
    assert response.content == b""


def test_audio_head_advertises_ranges(client, site):
    response = client.head("/episodes/abc123_LW.mp3")
    assert response.status_code == 200
    assert response.headers["accept-ranges"] == "bytes"
    assert int(response.headers["content-length"]) == len(site["mp3"])


@pytest.mark.parametrize(
    ("header", "start", "end"),  # end inclusive, None = last byte
    [
        ("bytes=0-1", 0, 1),
        ("bytes=0-99", 0, 99),
        ("bytes=1000-1999", 1000, 1999),
        ("bytes=-500", -500, None),
        ("bytes=2000-", 2000, None),
        ("bytes=100-999999999", 100, None),
    ],
)
def test_byte_ranges_return_206_with_exact_bytes(client, site, header, start, end):
    mp3 = site["mp3"]
    size = len(mp3)
    first = start if start >= 0 else size + start
    last = size - 1 if end is None else end
    response = client.get("/episodes/abc123_LW.mp3", headers={"Range": header})
    assert response.status_code == 206
    assert response.headers["content-range"] == f"bytes {first}-{last}/{size}"
    assert int(response.headers["content-length"]) == last - first + 1
    assert response.content == mp3[first : last + 1]


def test_unsatisfiable_range_is_416(client, site):
    size = len(site["mp3"])
    response = client.get("/episodes/abc123_LW.mp3", headers={"Range": f"bytes={size}-"})
    assert response.status_code == 416
    assert response.headers["content-range"] == f"bytes */{size}"


@pytest.mark.parametrize(
    "path",
    [
        "/%2e%2e/secret.txt",
        "/episodes/%2e%2e/%2e%2e/secret.txt",
        "/..%2fsecret.txt",
        "/escape.txt",  # a symlink pointing outside the site
        "/.feed.xml.abc.tmp",  # an atomic write's temporary file
        "/missing.mp3",
    ],
)
def test_nothing_outside_the_site_or_hidden_is_served(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert b"outside the site" not in response.content
    assert b"half a feed" not in response.content


def test_only_reading_methods_are_allowed(client):
    assert client.post("/feed.xml").status_code == 405


def test_health_check(client):
    assert client.get("/healthz").text == "ok"


def test_serve_runs_uvicorn_on_the_given_port(site):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    listener.close()
    command = (
        "import sys; from pathlib import Path; from postcast.service.web import serve; "
        "serve(Path(sys.argv[1]), port=int(sys.argv[2]))"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", command, str(site["dir"]), str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/feed.xml", timeout=2)
                break
            except httpx.TransportError:
                assert process.poll() is None, "serve() exited"
                assert time.monotonic() < deadline, "serve() did not start listening"
                time.sleep(0.1)
        assert response.status_code == 200
        assert response.content == (site["dir"] / "feed.xml").read_bytes()
    finally:
        process.terminate()
        process.wait(timeout=10)
