"""Footnotes in CKEditor, markdown-it, Substack and WordPress markup: markers never read, notes
announced."""

from __future__ import annotations

import pytest
from narration_samples import assert_clean, body, fixture_post, said, script_of

from postcast.models import Script, SegmentKind

CKEDITOR_NOTES = [
    said("Footnote 1:", "In the one tournament I looked at, at least."),
    said("Footnote 2:", "The reference class matters more than the exact number."),
    said("See the second section for why."),
]
MARKDOWN_NOTES = [
    said("Footnote 1:", "It asked about the past week instead of the past month."),
    said("Footnote 2:", "Thanks to the volunteers who spotted it."),
]


def _texts(name: str, **narration: object) -> list[str]:
    return [segment.text for segment in body(script_of(fixture_post(name), **narration))]


def test_ckeditor_notes_are_read_after_the_body_before_the_outro() -> None:
    script = script_of(fixture_post("footnotes_ckeditor.html"))
    segments = body(script)
    assert [segment.text for segment in segments] == [
        said(
            "Forecasters who write down their reasoning tend to be better calibrated, "
            "though the effect is small."
        ),
        said("Two habits seem to matter most:"),
        said("Starting from a base rate."),
        said("Updating in small steps."),
        said("That is all."),
        *CKEDITOR_NOTES,
    ]
    notes = segments[-3:]
    assert {segment.kind for segment in notes} == {SegmentKind.FOOTNOTE}
    assert notes[0].chapter == "Footnotes"
    assert notes[0].pause_before > 0
    assert script.segments[-1].kind is SegmentKind.OUTRO
    assert_clean(script)


def test_markdown_it_notes_lose_their_back_links() -> None:
    script = script_of(fixture_post("footnotes_markdown.html"))
    assert [segment.text for segment in body(script)] == [
        said(
            "The first version of the survey had a typo in question four. "
            "We fixed it in the second wave."
        ),
        said("Results follow below."),
        *MARKDOWN_NOTES,
    ]
    assert_clean(script)


def test_inline_notes_follow_the_block_that_cites_them() -> None:
    assert _texts("footnotes_ckeditor.html", footnotes="inline") == [
        said(
            "Forecasters who write down their reasoning tend to be better calibrated, "
            "though the effect is small."
        ),
        CKEDITOR_NOTES[0],
        said("Two habits seem to matter most:"),
        said("Starting from a base rate."),
        *CKEDITOR_NOTES[1:],
        said("Updating in small steps."),
        said("That is all."),
    ]


def test_inline_notes_for_markdown_markup() -> None:
    texts = _texts("footnotes_markdown.html", footnotes="inline")
    assert texts[1:3] == MARKDOWN_NOTES
    assert texts[3] == said("Results follow below.")


def test_inline_notes_wait_for_the_end_of_a_quote() -> None:
    html = (
        '<blockquote><p>Calibration is a skill<sup class="footnote-ref"><a href="#fn1" '
        'id="fnref1">[1]</a></sup>.</p><p>It can be trained.</p></blockquote><p>Next.</p>'
        '<section class="footnotes"><ol class="footnotes-list"><li id="fn1" class="footnote-item">'
        '<p>Mostly. <a href="#fnref1" class="footnote-backref">↩︎</a></p></li></ol></section>'
    )
    post = fixture_post("footnotes_markdown.html", html=html)
    assert [segment.text for segment in body(script_of(post, footnotes="inline"))] == [
        said("Quote:", "Calibration is a skill."),
        said("It can be trained.", "End quote."),
        said("Footnote 1:", "Mostly."),
        said("Next."),
    ]


@pytest.mark.parametrize("place", ["end", "inline"])
def test_each_note_is_read_once_even_when_cited_twice(place: str) -> None:
    html = (
        '<p>One<sup class="footnote-ref"><a href="#fn1">[1]</a></sup>.</p>'
        '<p>Again<sup class="footnote-ref"><a href="#fn1">[1]</a></sup>.</p>'
        '<p>Uncited.</p><section class="footnotes"><ol class="footnotes-list">'
        '<li id="fn1" class="footnote-item"><p>Shared.</p></li>'
        '<li id="fn2" class="footnote-item"><p>Never cited.</p></li></ol></section>'
    )
    texts = _texts_of(html, place)
    assert texts.count(said("Footnote 1:", "Shared.")) == 1
    assert texts[-1] == said("Footnote 2:", "Never cited.")


def _texts_of(html: str, place: str) -> list[str]:
    post = fixture_post("footnotes_markdown.html", html=html)
    return [segment.text for segment in body(script_of(post, footnotes=place))]


def test_substack_and_hand_made_markers_are_silent_and_notes_numbered_in_order() -> None:
    script = script_of(fixture_post("footnotes_substack.html"), footnotes="inline")
    assert [segment.text for segment in body(script)] == [
        said("Most community groups meet monthly. Ours met weekly for a season."),
        said("Footnote 1:", "Based on the groups that answered our survey."),
        said("A hand-written marker also counts."),
        said("Footnote 2:", "Written by hand in the editor."),
    ]
    assert_clean(script)


def test_lexical_footnotes_are_notes_and_bracketed_numbers_elsewhere_are_citations() -> None:
    html = (
        "<p><span>Scaling holds</span>"
        '<span class="footnote-reference" data-footnote-reference="" data-footnote-index="1" '
        'data-footnote-id="ab12" role="doc-noteref" id="fnrefab12"><sup><a href="#fnab12">[1]'
        "</a></sup></span><span>, as argued in [1].</span></p>"
        '<ol class="footnote-section footnotes" data-footnote-section="" role="doc-endnotes">'
        '<li class="footnote-item" data-footnote-item="" data-footnote-index="1" '
        'data-footnote-id="ab12" role="doc-endnote" id="fnab12">'
        '<span class="footnote-back-link" data-footnote-back-link="" data-footnote-id="ab12">'
        '<sup><strong><a href="#fnrefab12">^</a></strong></sup></span>'
        '<div class="footnote-content" data-footnote-content="" data-footnote-id="ab12">'
        "<p><span>Up to a point.</span></p></div></li></ol>"
    )
    post = fixture_post("footnotes_ckeditor.html", html=html)
    assert [segment.text for segment in body(script_of(post))] == [
        said("Scaling holds, as argued in reference 1."),
        said("Footnote 1:", "Up to a point."),
    ]


# Substack and WordPress posts as ForumMagnum stores them from RSS: its sanitiser drops <a> ids,
# <sup> attributes and the classes of the note's <div> and the <ol>.
SANITISED_SUBSTACK = (
    '<p>Text here<a class="footnote-anchor" href="#footnote-1" target="_self">1</a>. '
    "More text.</p>"
    '<p>Then a second claim<a class="footnote-anchor" href="#footnote-2" target="_self">2</a>.</p>'
    "<p>The end.</p>"
    '<div><a href="#footnote-anchor-1" class="footnote-number" target="_self">1</a>'
    '<div class="footnote-content"><p>The note.</p><p>It goes on.</p></div></div>'
    '<div><a href="#footnote-anchor-2" class="footnote-number" target="_self">2</a>'
    '<div class="footnote-content"><p>The second note.</p></div></div>'
)
SUBSTACK_NOTES = [
    said("Footnote 1:", "The note."),
    said("It goes on."),
    said("Footnote 2:", "The second note."),
]
SANITISED_WORDPRESS = (
    '<p>Some claim<sup><a href="#9f3c1a2b">1</a></sup>.</p>'
    '<p>Another<sup><a href="#e71d-04">2</a></sup>.</p><p>The end.</p>'
    '<ol><li id="9f3c1a2b">The WP note. <a href="#9f3c1a2b-link">↩︎</a></li>'
    '<li id="e71d-04">The other note. <a href="#e71d-04-link">Return</a></li></ol>'
)


def _script_of(html: str, place: str) -> Script:
    return script_of(fixture_post("footnotes_markdown.html", html=html), footnotes=place)


def test_sanitised_substack_notes_are_read_at_the_end() -> None:
    script = _script_of(SANITISED_SUBSTACK, "end")
    segments = body(script)
    assert [segment.text for segment in segments] == [
        said("Text here. More text."),
        said("Then a second claim."),
        said("The end."),
        *SUBSTACK_NOTES,
    ]
    assert {segment.kind for segment in segments[-3:]} == {SegmentKind.FOOTNOTE}
    assert segments[-3].chapter == "Footnotes"
    assert_clean(script)


def test_sanitised_substack_notes_inline_follow_their_paragraph() -> None:
    script = _script_of(SANITISED_SUBSTACK, "inline")
    assert [segment.text for segment in body(script)] == [
        said("Text here. More text."),
        *SUBSTACK_NOTES[:2],
        said("Then a second claim."),
        SUBSTACK_NOTES[2],
        said("The end."),
    ]
    assert_clean(script)


def test_substack_note_without_its_own_div_is_still_a_note() -> None:
    html = (
        '<p>Claim<a class="footnote-anchor" href="#footnote-1">1</a>.</p>'
        '<a href="#footnote-anchor-1" class="footnote-number">1</a>'
        '<div class="footnote-content"><p>Loose.</p></div>'
    )
    assert _texts_of(html, "end") == [said("Claim."), said("Footnote 1:", "Loose.")]


def test_sanitised_wordpress_notes_are_read_at_the_end_without_back_links() -> None:
    script = _script_of(SANITISED_WORDPRESS, "end")
    segments = body(script)
    assert [segment.text for segment in segments] == [
        said("Some claim."),
        said("Another."),
        said("The end."),
        said("Footnote 1:", "The WP note."),
        said("Footnote 2:", "The other note."),
    ]
    assert {segment.kind for segment in segments[-2:]} == {SegmentKind.FOOTNOTE}
    assert_clean(script)


def test_sanitised_wordpress_notes_inline_follow_their_paragraph() -> None:
    assert _texts_of(SANITISED_WORDPRESS, "inline") == [
        said("Some claim."),
        said("Footnote 1:", "The WP note."),
        said("Another."),
        said("Footnote 2:", "The other note."),
        said("The end."),
    ]


@pytest.mark.parametrize("glyph", ["↩", "↩\ufe0e", "↩\ufe0f"])
def test_back_link_glyphs_never_reach_the_voice(glyph: str) -> None:
    html = (
        '<p>Claim<sup><a href="#note-a">1</a></sup>.</p>'
        f'<ol><li id="note-a"><p>Linked back. <a href="#ref-a">{glyph}</a></p>'
        f"<p>A stray one too. {glyph}</p></li></ol>"
        f'<ol><li>An ordinary item. <a href="#top">{glyph}</a></li></ol>'
    )
    script = _script_of(html, "end")
    texts = [segment.text for segment in body(script)]
    assert texts[-2:] == [said("Footnote 1:", "Linked back."), said("A stray one too.")]
    assert_clean(script)


@pytest.mark.parametrize("place", ["end", "inline"])
def test_ordered_list_with_ids_but_no_markers_stays_a_list(place: str) -> None:
    html = (
        '<p>See <a href="#step-1">the first step</a>.</p>'
        '<ol><li id="step-1">Gather the data.</li><li id="step-2">Fit the model.</li></ol>'
    )
    segments = body(_script_of(html, place))
    assert [segment.kind for segment in segments[1:]] == [SegmentKind.LIST_ITEM] * 2
    assert all(segment.kind is not SegmentKind.FOOTNOTE for segment in segments)
    assert "Gather the data." in segments[1].text


# Lexical's hovernote (2026): a note anchored to highlighted words instead of a "[n]" marker,
# as ForumMagnum's HovernoteNode writes it; the sanitiser may keep only its role and id.
HOVERNOTE = (
    '<p>Before <span class="hovernote" data-hovernote="" data-footnote-id="abc123" '
    'role="doc-noteref" id="fnrefabc123">the highlighted words</span> after.</p>'
    '<p>A regular note<span class="footnote-reference" data-footnote-reference="" '
    'data-footnote-id="def456" data-footnote-index="2" role="doc-noteref" id="fnrefdef456">'
    '<sup><a href="#fndef456">[2]</a></sup></span>.</p>'
    '<ol class="footnote-section footnotes" data-footnote-section="" role="doc-endnotes">'
    '<li class="footnote-item" data-footnote-item="" data-footnote-id="abc123" '
    'data-footnote-index="1" role="doc-endnote" id="fnabc123">'
    '<span class="footnote-back-link" data-footnote-back-link="" data-footnote-id="abc123">'
    '<sup><strong><a href="#fnrefabc123">^</a></strong></sup></span>'
    '<div class="footnote-content" data-footnote-content=""><p>The hovernote body.</p></div></li>'
    '<li class="footnote-item" data-footnote-item="" data-footnote-id="def456" '
    'data-footnote-index="2" role="doc-endnote" id="fndef456">'
    '<span class="footnote-back-link" data-footnote-back-link="" data-footnote-id="def456">'
    '<sup><strong><a href="#fnrefdef456">^</a></strong></sup></span>'
    '<div class="footnote-content" data-footnote-content=""><p>The regular body.</p></div></li>'
    "</ol>"
)
HOVERNOTE_SANITISED = HOVERNOTE.replace(' class="hovernote" data-hovernote=""', "")


@pytest.mark.parametrize("html", [HOVERNOTE, HOVERNOTE_SANITISED], ids=["stored", "sanitised"])
def test_a_hovernotes_words_are_read_and_its_note_names_them(html: str) -> None:
    script = _script_of(html, "end")
    assert [segment.text for segment in body(script)] == [
        said("Before the highlighted words after."),
        said("A regular note."),
        said("Footnote 1, on “the highlighted words”:", "The hovernote body."),
        said("Footnote 2:", "The regular body."),
    ]
    assert_clean(script)


def test_a_hovernotes_note_follows_its_paragraph_inline() -> None:
    assert _texts_of(HOVERNOTE, "inline") == [
        said("Before the highlighted words after."),
        said("Footnote 1, on “the highlighted words”:", "The hovernote body."),
        said("A regular note."),
        said("Footnote 2:", "The regular body."),
    ]


def test_a_long_highlight_is_not_repeated_before_its_note() -> None:
    words = "a whole sentence of highlighted words that runs on well past a short phrase"
    html = HOVERNOTE.replace("the highlighted words", words)
    assert _texts_of(html, "end")[2] == said("Footnote 1:", "The hovernote body.")


def test_a_highlight_holding_maths_is_read_but_not_named_before_its_note() -> None:
    maths = '<span class="math-tex">\\(x^2\\)</span>'
    html = HOVERNOTE.replace("the highlighted words", f"the square {maths}")
    texts = _texts_of(html, "end")
    assert texts[0] == said("Before the square x squared after.")
    assert texts[2] == said("Footnote 1:", "The hovernote body.")


@pytest.mark.parametrize("marker", ["[a]", "(iv)", "†"])
def test_a_bare_reference_around_a_marker_is_still_a_marker(marker: str) -> None:
    html = HOVERNOTE_SANITISED.replace("the highlighted words", marker)
    assert _texts_of(html, "end")[:3] == [
        said("Before after."),
        said("A regular note."),
        said("Footnote 1:", "The hovernote body."),
    ]
