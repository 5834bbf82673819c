"""Whole-script guarantees: no markup ever spoken, every word normalised exactly once."""

from __future__ import annotations

import re

import pytest
from narration_samples import FIXTURES, assert_clean, fixture_post, require_maths_engine, script_of

from postcast.narration import normalize

ALL_FIXTURES = sorted(path.name for path in FIXTURES.glob("*.html"))
_PIECE = re.compile(r"⟦[^⟦⟧]*⟧")


@pytest.mark.parametrize("name", ALL_FIXTURES)
@pytest.mark.parametrize("footnotes", ["end", "inline"])
def test_no_markup_urls_or_markers_reach_the_voice(name: str, footnotes: str) -> None:
    if name.startswith("maths"):
        require_maths_engine()
    assert_clean(script_of(fixture_post(name), footnotes=footnotes))


@pytest.fixture
def marked_normaliser(monkeypatch: pytest.MonkeyPatch) -> None:
    """A normaliser that brackets what it was given, to see what went through it."""
    monkeypatch.setattr(normalize, "normalize_text", lambda text: f"⟦{text}⟧")


@pytest.mark.usefixtures("marked_normaliser")
@pytest.mark.parametrize("name", [n for n in ALL_FIXTURES if not n.startswith("maths")])
def test_every_word_is_normalised_exactly_once(name: str) -> None:
    for text in script_of(fixture_post(name)).lines():
        outside = _PIECE.sub("", text)
        assert not re.search(r"\w|⟦|⟧", outside), text  # nothing unnormalised, nothing twice


@pytest.mark.usefixtures("marked_normaliser")
def test_a_paragraph_is_normalised_as_one_piece_with_its_context() -> None:
    html = "<p>It cost <b>$5</b> million in <i>2024</i>.</p>"
    script = script_of(fixture_post("structure.html", html=html))
    assert script.lines()[1] == "⟦It cost $5 million in 2024.⟧"
    footnote = script_of(fixture_post("footnotes_markdown.html")).lines()[-2]
    assert footnote == "⟦Footnote 2:⟧ ⟦Thanks to the volunteers who spotted it.⟧"
