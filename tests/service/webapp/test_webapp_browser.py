"""`postcast web` in a real browser (Debian's Chromium driven by Playwright, no
`playwright install`): search finds an episode by a word of its transcript, the
one-line embed snippet on a forum's page shows the right episode, and the admin page's
progress bar follows a render."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from postcast.service.webapp import create_web_app
from postcast.storage import open_library
from tests.service.webapp.webapp_library import (
    ADMIN_TOKEN,
    Stored,
    standard_library,
    web_config,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    missing = [] if CHROMIUM.exists() else ["the Debian package chromium"]
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing.append("the PyPI package playwright")
    if missing:
        reason = "browser tests need " + " and ".join(missing)
        if os.environ.get("POSTCAST_REQUIRE_ALL", "") not in ("", "0"):
            pytest.fail(reason + " (POSTCAST_REQUIRE_ALL is set)")
        pytest.skip(reason)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The web app on a free local port (uvicorn in a thread), over the standard library."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    base = f"http://127.0.0.1:{listener.getsockname()[1]}/"
    root = tmp_path_factory.mktemp("web")
    config = web_config(root)
    config.library.base_url = base
    stored = standard_library(config)
    # A forum's post page carrying the one-line snippet (served from the site folder: the
    # embed script and its iframe are what is under test, not where the host page lives).
    snippet = f'<script src="{base}embed.js" data-url="{stored["zebras"].post_url}" async></script>'
    (Path(config.library.site_dir) / "forum-post.html").write_text(
        f"<!doctype html><title>A forum post</title><p>Post text.</p>{snippet}", encoding="utf-8"
    )
    server = uvicorn.Server(uvicorn.Config(create_web_app(config), log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield {"base": base, "stored": stored, "database": config.library.database}
    server.should_exit = True
    thread.join(timeout=10)
    listener.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    page.close()
    assert errors == [], f"JavaScript errors: {errors}"


def test_search_finds_an_episode_by_a_word_of_its_transcript(
    page: Any, served: dict[str, Any]
) -> None:
    page.goto(served["base"])
    page.fill("input[name=q]", "population")  # said in the transcript only
    page.press("input[name=q]", "Enter")
    page.wait_for_url("**/search?q=population")
    results = page.locator(".result .title")
    assert results.all_inner_texts() == ["Counting zebras carefully"]
    assert page.locator(".result .snippet mark").first.inner_text().lower() == "population"


def test_the_embed_snippet_shows_the_right_episode(page: Any, served: dict[str, Any]) -> None:
    stored: dict[str, Stored] = served["stored"]
    page.goto(served["base"] + "forum-post.html")
    frame = page.frame_locator("iframe[title='Listen to this post']")
    player = frame.locator(".player")
    player.wait_for(timeout=10_000)
    assert player.get_attribute("data-guid") == stored["zebras"].guid
    assert frame.locator(".title").inner_text() == "Counting zebras carefully"
    audio = frame.locator("audio").get_attribute("src")
    assert audio == served["base"] + str(stored["zebras"].audio_file)


def test_the_admin_page_shows_a_render_advancing(page: Any, served: dict[str, Any]) -> None:
    """Rows written as a render in another process writes them; the bar follows."""
    guid = served["stored"]["pending"].guid
    page.goto(served["base"] + "admin")
    page.fill("#token", ADMIN_TOKEN)
    page.click("#login button[type=submit]")
    page.wait_for_selector("#progress-state:has-text('Following renders')")
    item = page.locator("#progress li", has_text="Still pending quokka")
    with open_library(served["database"]) as library:
        for done in (5, 30):
            library.record_progress(guid, "rendering", "speech", done, 40)
            item.locator(f".stage:text-is('speech {done} / 40')").wait_for()
            assert item.locator("progress").evaluate("bar => [bar.value, bar.max]") == [done, 40]
        library.record_progress(guid, "finished", "audio", 1, 1)
        item.locator(".stage:text-is('finished')").wait_for()
    assert item.locator("progress").evaluate("bar => bar.value / bar.max") == 1
