"""A real browser (Debian's Chromium, driven by Playwright) against the site served by uvicorn.

The browser, its pages and the server are `tests/service/browser.py`'s (see there what
they need, and when a missing one skips the tests).
"""

from __future__ import annotations

import io

import mutagen.mp3
import pytest
from web_testsite import build_site

from postcast.service.web import create_app
from tests.service.browser import local_listener, serving

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SECONDS = 6.0  # the test episode: three chapters of two seconds


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The site on a free local port, served by uvicorn in a thread."""
    site_dir = tmp_path_factory.mktemp("site")
    with local_listener() as (listener, base):
        episode = build_site(site_dir, base, SECONDS)
        with serving(create_app(site_dir), listener, lifespan="off"):
            yield {"base": base, "site": site_dir, "episode": episode}


def _player(page, expression: str):
    return page.evaluate(
        f"() => {{ const player = document.getElementById('player'); return {expression}; }}"
    )


def _open_episode(page, served, fragment: str = "") -> None:
    """Open the episode page and wait until the player knows the audio's duration."""
    page.goto(served["base"] + "episodes/abc123_LW.html" + fragment)
    page.wait_for_function(
        "() => document.getElementById('player').readyState >= 1", timeout=15_000
    )


def _wait_near(page, seconds: float) -> float:
    page.wait_for_function(
        f"() => Math.abs(document.getElementById('player').currentTime - {seconds}) < 0.6",
        timeout=10_000,
    )
    return _player(page, "player.currentTime")


def test_episode_audio_loads_with_the_files_duration(page, served):
    media: list[tuple[int, str | None]] = []
    page.on(
        "response",
        lambda r: (
            media.append((r.status, r.request.headers.get("range")))
            if r.url.endswith(".mp3")
            else None
        ),
    )
    _open_episode(page, served)
    assert _player(page, "player.src") == served["base"] + "episodes/abc123_LW.mp3"
    mp3 = (served["site"] / served["episode"].audio_file).read_bytes()
    expected = mutagen.mp3.MP3(io.BytesIO(mp3)).info.length
    assert abs(_player(page, "player.duration") - expected) < 0.15
    assert abs(_player(page, "player.duration") - SECONDS) < 0.15
    assert any(status == 206 for status, _ in media), media  # the browser used byte ranges


def test_clicking_a_chapter_seeks_the_player(page, served):
    _open_episode(page, served)
    chapters = page.locator("a.chapter")
    assert chapters.all_inner_texts() == ["0:00 Opening", "0:02 The middle", "0:04 The end"]
    chapters.nth(1).click()
    assert 2.0 <= _wait_near(page, 2.0) < 2.6
    assert page.evaluate("() => location.hash") == "#t=2"
    page.wait_for_selector("a.chapter[aria-current='true']")
    assert page.locator("a.chapter[aria-current='true']").inner_text().endswith("The middle")


def test_transcript_is_shown_and_each_cue_seeks(page, served):
    _open_episode(page, served)
    cues = page.locator("p.cue")
    assert cues.count() == 3
    assert all(cues.nth(i).is_visible() for i in range(3))
    assert cues.nth(2).inner_text() == "0:04 Spoken part number 3."
    cues.nth(2).click()
    assert 4.0 <= _wait_near(page, 4.0) < 4.6


def test_deep_link_starts_at_the_time_in_the_address(page, served):
    _open_episode(page, served, "#t=3.5")
    assert abs(_wait_near(page, 3.5) - 3.5) < 0.6


def test_show_page_lists_the_episode_with_a_player(page, served):
    page.goto(served["base"])
    assert page.title() == "The Nonlinear Library"
    audio = page.locator("article.episode audio")
    assert audio.count() == 1
    assert audio.get_attribute("src") == "episodes/abc123_LW.mp3"
    page.locator("article.episode h3 a").click()
    page.wait_for_url(served["base"] + "episodes/abc123_LW.html")
    assert "Players ask for byte ranges to seek." in page.locator("section.notes").inner_text()
