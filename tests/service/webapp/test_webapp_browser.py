"""`postcast web` in a real browser (Debian's Chromium driven by Playwright, no
`playwright install`): search finds an episode by a word of its transcript, the
one-line embed snippet on a forum's page shows the right episode, a published episode's
page plays its MP3 and seeks from its transcript, the admin page's progress bar follows a
render, and a word added to the lexicon on the admin page re-renders the episode saying it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from postcast.config import FeedConfig
from postcast.models import EpisodeAudio, TimedSegment
from postcast.operator_requests import rerender_for_lexicon_changes
from postcast.publishing import publish_site, write_episode_extras
from postcast.service.webapp import create_web_app
from postcast.storage import Library, open_library
from tests.publishing.publishing_samples import tone_mp3
from tests.service.browser import local_listener, serving
from tests.service.webapp.webapp_library import (
    ADMIN_TOKEN,
    Stored,
    add_episode,
    standard_library,
    web_config,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CUE_SECONDS = 6.0  # each transcript cue of the narrated episodes, and of their real MP3
# Two published episodes with real audio and a transcript of several cues; the word
# "Tlaxcalan" is said in the first only (it is no other episode's, nor any other test's).
NARRATED = {
    "walrus": (
        8,
        "Walrus migration, narrated",
        ["Walruses gather on the ice.", "A Tlaxcalan envoy arrives by boat.", "The end."],
    ),
    "tides": (
        9,
        "Tidal patterns, narrated",
        [
            "Tides rise twice a day.",
            "The moon pulls the sea.",
            "Spring tides run high.",
            "Neap tides run low.",
        ],
    ),
}


def _narrate(library: Library, site: Path, number: int, title: str, lines: list[str]) -> Stored:
    """Store a published episode as a render stores it: a real MP3 of one cue per line,
    its WebVTT transcript, and the script it spoke."""
    guid = add_episode(library, site, number, title=title, status="pending").guid
    job = library.render_job(guid)
    assert job is not None
    timings = [
        TimedSegment(i * CUE_SECONDS, (i + 1) * CUE_SECONDS, line) for i, line in enumerate(lines)
    ]
    audio_file = f"episodes/{guid}.mp3"
    (site / audio_file).write_bytes(tone_mp3(CUE_SECONDS * len(lines)))
    audio = EpisodeAudio(str(site / audio_file), CUE_SECONDS * len(lines), 0, timings=timings)
    extras = write_episode_extras(site, guid, audio)
    chapters_file = extras.pop("chapters")
    library.record_render(
        guid,
        job.revision,
        audio,
        audio_file=audio_file,
        transcript_files={mime: path for mime, path in extras.items() if path},
        chapters_file=chapters_file,
        spoken_text=" ".join(lines),
        now=job.pub_date,
    )
    library.mark_published([guid], job.pub_date)
    return Stored(guid, job.post.url, audio_file)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The web app on a free local port (uvicorn in a thread), over the standard library."""
    with local_listener() as (listener, base):
        config = web_config(tmp_path_factory.mktemp("web"))
        config.library.base_url = base
        stored = standard_library(config)
        site = Path(config.library.site_dir)
        with open_library(config.library.database) as library:
            for name, (number, title, lines) in NARRATED.items():
                stored[name] = _narrate(library, site, number, title, lines)
            # Their pages, as a pass publishes them (the other episodes' MP3s are not real).
            narrated = {stored[name].guid for name in NARRATED}
            episodes = [e for e in library.published_episodes() if e.guid in narrated]
            publish_site(site, config.library, [(FeedConfig("main"), episodes)])
        # A forum's post page carrying the one-line snippet (served from the site folder:
        # the embed script and its iframe are under test, not where the host page lives).
        url = stored["zebras"].post_url
        snippet = f'<script src="{base}embed.js" data-url="{url}" async></script>'
        (Path(config.library.site_dir) / "forum-post.html").write_text(
            f"<!doctype html><title>A forum post</title><p>Post text.</p>{snippet}",
            encoding="utf-8",
        )
        with serving(create_web_app(config), listener):
            yield {
                "base": base,
                "stored": stored,
                "database": config.library.database,
                "config": config,
            }


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


def test_search_results_follow_the_typing_without_leaving_the_page(
    page: Any, served: dict[str, Any]
) -> None:
    """htmx: the results replace the page's main part as one types; the address follows,
    the page itself stays (a mark left on its window survives), and nothing breaks CSP."""
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    page.goto(served["base"])
    page.wait_for_function("() => window.htmx !== undefined")
    page.evaluate("() => { window.stayedOnPage = true; }")
    page.locator("input[name=q]").press_sequentially("population", delay=20)
    results = page.locator(".result .title")
    results.first.wait_for(timeout=10_000)
    assert results.all_inner_texts() == ["Counting zebras carefully"]
    page.wait_for_url("**/search?q=population")
    assert page.evaluate("() => window.stayedOnPage") is True
    page.locator("input[name=q]").fill("")
    page.locator("input[name=q]").press_sequentially("xylophonequux", delay=20)
    page.locator(".results .empty").wait_for(timeout=10_000)
    assert page.evaluate("() => window.stayedOnPage") is True
    assert not [text for text in console if "Content Security Policy" in text], console


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


def _sign_in(page: Any, base: str) -> None:
    page.goto(base + "admin")
    page.fill("#token", ADMIN_TOKEN)
    page.click("#login button[type=submit]")
    page.wait_for_selector("#login-state:text-is('signed in')")


def _playing_past(page: Any, seconds: float) -> float:
    """Wait until the player is playing beyond `seconds`; its time then."""
    page.wait_for_function(
        f"() => {{ const p = document.getElementById('player');"
        f" return !p.paused && p.currentTime > {seconds}; }}",
        timeout=15_000,
    )
    return float(page.evaluate("() => document.getElementById('player').currentTime"))


def test_an_episode_page_plays_and_seeks_from_its_transcript(
    page: Any, served: dict[str, Any]
) -> None:
    """Real playback of the real MP3 through `postcast web`: time runs, and a transcript
    cue moves the player to its start, where it goes on playing."""
    stored: Stored = served["stored"]["tides"]
    page.goto(f"{served['base']}episodes/{stored.guid}.html")
    player = page.locator("#player")
    page.wait_for_function("() => document.getElementById('player').readyState >= 1")
    assert player.evaluate("p => p.src") == served["base"] + str(stored.audio_file)
    assert player.evaluate("p => [p.paused, p.currentTime]") == [True, 0]
    lines = NARRATED["tides"][2]
    assert abs(player.evaluate("p => p.duration") - CUE_SECONDS * len(lines)) < 0.15
    box = player.bounding_box()  # Chromium's own controls: the play button is leftmost
    player.click(position={"x": 20, "y": box["height"] / 2})
    before = _playing_past(page, 0.5)
    assert before < CUE_SECONDS  # still in the first cue: nothing seeked it yet
    cue = page.locator("p.cue").nth(2)
    start = float(cue.get_attribute("data-start"))
    assert (start, float(cue.get_attribute("data-end"))) == (2 * CUE_SECONDS, 3 * CUE_SECONDS)
    assert cue.inner_text() == f"0:{start:02.0f} {lines[2]}"
    cue.click()
    # The cue's own span, [start, end): a seek that did nothing stays in the first cue.
    page.wait_for_function(
        f"() => {{ const t = document.getElementById('player').currentTime;"
        f" return t >= {start} && t < {start + CUE_SECONDS}; }}",
        timeout=10_000,
    )
    assert page.evaluate("() => location.hash") == f"#t={start:g}"
    assert start + 0.5 < _playing_past(page, start + 0.5) < start + CUE_SECONDS
    page.wait_for_selector("p.cue[aria-current='true']")
    assert page.locator("p.cue[aria-current='true']").inner_text() == cue.inner_text()


def test_a_lexicon_word_added_on_the_admin_page_re_renders_the_episode_saying_it(
    page: Any, served: dict[str, Any]
) -> None:
    """The page saves the word; the next pass marks for re-render the episode whose
    transcript says it, and no other."""
    walrus, tides = served["stored"]["walrus"].guid, served["stored"]["tides"].guid
    word = "Tlaxcalan"
    transcripts = {
        guid: page.context.request.get(f"{served['base']}episodes/{guid}.vtt").text()
        for guid in (walrus, tides)
    }
    assert word in transcripts[walrus] and word not in transcripts[tides]
    with open_library(served["database"]) as library:
        assert library.episodes_needing_render(guid=walrus) == []
        assert word not in {change.word for change in library.lexicon_changes()}
    _sign_in(page, served["base"])
    page.fill("#word", word)
    page.fill("#ipa", "tlɑʃkˈɑlən")
    page.fill("#respelling", "tlash-KAH-lun")
    page.click("#lexicon-form button[type=submit]")
    page.wait_for_selector("#lexicon-state:text-is('saved')")
    row = page.locator("#lexicon tr", has_text=word)
    row.wait_for()
    assert row.locator("td").all_inner_texts()[:3] == [word, "tlɑʃkˈɑlən", "tlash-KAH-lun"]
    with open_library(served["database"]) as library:
        assert library.operator_lexicon()[word] == ("tlɑʃkˈɑlən", "tlash-KAH-lun")
        assert library.operator_requests_waiting()  # `postcast run` starts a pass for it
        assert word in {change.word for change in library.lexicon_changes()}
        # What the next pass does first (`passes.apply_operator_requests`).
        assert rerender_for_lexicon_changes(served["config"], library) == [walrus]
        assert [job.guid for job in library.episodes_needing_render(guid=walrus)] == [walrus]
        assert library.episodes_needing_render(guid=tides) == []
        assert word not in {change.word for change in library.lexicon_changes()}
    # The episode list shows the walrus episode queued for its re-render, its audio kept.
    page.click("#filter button[type=submit]")
    walrus_row = page.locator("#episodes tr", has_text=NARRATED["walrus"][1])
    walrus_row.locator("td", has_text="re-render queued").wait_for()
    tides_state = page.locator("#episodes tr", has_text=NARRATED["tides"][1]).locator("td").nth(1)
    assert walrus_row.locator("td").nth(1).inner_text().endswith("· re-render queued")
    assert "queued" not in tides_state.inner_text()
