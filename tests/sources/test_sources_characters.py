"""Characters XML forbids are taken out of every text field a source hands on."""

from __future__ import annotations

from datetime import UTC, datetime

from lxml import etree

from postcast.models import Post
from postcast.sources.characters import without_unsafe_characters


def _post(**fields: object) -> Post:
    base: dict[str, object] = {
        "source": "lw",
        "post_id": "p1",
        "title": "A title",
        "authors": ("Ada",),
        "posted_at": datetime(2026, 11, 1, tzinfo=UTC),
        "url": "https://example.org/p1",
        "html": "<p>Words.</p>",
    }
    return Post(**{**base, **fields})  # type: ignore[arg-type]


def test_every_text_field_is_cleaned_and_separators_become_spaces() -> None:
    dirty = _post(
        title="Tabs\x0band\x00 null\x7f",
        authors=("Ada\x1fLovelace", "Bo\ud800b"),
        html="<p>one\x0ctwo\ufffe \ud83dthree\uffff</p>",
        tags=("ai\x08",),
        markdown="x\x01y",
    )
    clean = without_unsafe_characters(dirty)
    assert clean.title == "Tabs and null"
    assert clean.authors == ("Ada Lovelace", "Bob")
    assert clean.html == "<p>one two three</p>"
    assert clean.tags == ("ai",) and clean.markdown == "xy"
    for text in (clean.title, *clean.authors, clean.html, *clean.tags):
        etree.Element("x").text = text  # what the feed writer does: no ValueError now


def test_tabs_newlines_and_ordinary_text_stay_as_they_are() -> None:
    post = _post(title="Ça va\tbien", html="<p>line\r\nnext \U0001f600 \u00a0\u2028</p>")
    assert without_unsafe_characters(post) is post
