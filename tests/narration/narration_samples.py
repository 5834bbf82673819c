"""Shared helpers for the narration tests: fixture posts, the clean-text check, the maths gate."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import pytest

from postcast.config import LibraryConfig, NarrationConfig
from postcast.models import Post, Script, Segment
from postcast.narration import narrate
from postcast.narration.math_speech import engine_problem, speak_maths
from postcast.narration.maths import maths_sources
from postcast.narration.normalize import normalize_text
from postcast.narration.segments import opening_case

FIXTURES = Path(__file__).parent / "fixtures"
MATHS_FIXTURES = sorted(path.name for path in FIXTURES.glob("maths_*.html"))

# Markup, styling, links and markers that must never reach the voice.
FORBIDDEN = (
    "[1]",
    "[2]",
    "http",
    "www.",
    "<",
    ">",
    "{",
    "}",
    "\\",
    "mjx",
    "MathJax",
    "TEX-",
    "::before",
    "padding",
    "font-size",
    "display:",
    "^",
    "↩",
    "¶",
    "$",
    "data-",
)


def fixture_post(name: str, *, markdown: str | None = None, **fields: object) -> Post:
    """A post whose body is `fixtures/<name>`; a `<stem>.md` beside it is its Markdown."""
    path = FIXTURES / name
    twin = path.with_suffix(".md")
    if markdown is None and twin.exists() and path.suffix != ".md":
        markdown = twin.read_text(encoding="utf-8")
    values: dict[str, object] = {
        "source": "test",
        "post_id": "p1",
        "title": "Notes from a year of planning",
        "authors": ("Mira Okafor",),
        "posted_at": datetime(2025, 3, 4, 12, 0, tzinfo=UTC),
        "url": "https://www.lesswrong.com/posts/p1/notes",
        "html": path.read_text(encoding="utf-8"),
        "forum_name": "LessWrong",
        "markdown": markdown,
    }
    values.update(fields)
    return Post(**values)  # type: ignore[arg-type]


def script_of(post: Post, **narration: object) -> Script:
    return narrate(post, LibraryConfig(), NarrationConfig(**narration))  # type: ignore[arg-type]


def body(script: Script) -> list[Segment]:
    """The segments between the intro and the outro."""
    return list(script.segments[1:-1])


def said(*pieces: str) -> str:
    """What the narrator says for pieces each normalised on its own, joined by spaces (each
    opening as a segment's words do: "1." is "One.")."""
    return " ".join(opening_case(piece, normalize_text(piece)) for piece in pieces)


def assert_clean(script: Script) -> None:
    for segment in script.segments:
        assert segment.text == segment.text.strip() and segment.text, segment
        assert "  " not in segment.text, segment
        for bad in FORBIDDEN:
            assert bad not in segment.text, (bad, segment.text)


def require_maths_engine() -> None:
    """Skip when Node.js or the engine is missing, unless POSTCAST_REQUIRE_ALL=1: then fail.

    When present, the engine is first given every fixture's equations in one call, so the
    tests after it share one Node start instead of paying one each.
    """
    problem = engine_problem()
    if problem is None:
        _warm_engine()
        return
    reason = f"maths speech engine unavailable: {problem} (run `npm ci` at the repo root)"
    if os.environ.get("POSTCAST_REQUIRE_ALL") == "1":
        pytest.fail(f"{reason}; POSTCAST_REQUIRE_ALL=1 forbids skipping")
    pytest.skip(reason)


@cache
def _warm_engine() -> None:
    sources = []
    for name in MATHS_FIXTURES:
        post = fixture_post(name)
        sources += maths_sources(post.html, post.markdown)
    speak_maths(sources)
