"""`postcast web` in a real browser (Debian's Chromium driven by Playwright, no
`playwright install`): search finds an episode by a word of its transcript, the
one-line embed snippet on a forum's page shows the right episode, and the admin page's
progress bar follows a render."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from postcast.service.webapp import create_web_app
from postcast.storage import open_library
from tests.service.browser import local_listener, serving
from tests.service.webapp.webapp_library import (
    ADMIN_TOKEN,
    Stored,
    standard_library,
    web_config,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The web app on a free local port (uvicorn in a thread), over the standard library."""
    with local_listener() as (listener, base):
        config = web_config(tmp_path_factory.mktemp("web"))
        config.library.base_url = base
        stored = standard_library(config)
        # A forum's post page carrying the one-line snippet (served from the site folder:
        # the embed script and its iframe are under test, not where the host page lives).
        url = stored["zebras"].post_url
        snippet = f'<script src="{base}embed.js" data-url="{url}" async></script>'
        (Path(config.library.site_dir) / "forum-post.html").write_text(
            f"<!doctype html><title>A forum post</title><p>Post text.</p>{snippet}",
            encoding="utf-8",
        )
        with serving(create_web_app(config), listener):
            yield {"base": base, "stored": stored, "database": config.library.database}


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
