"""Spoilers, collapsible sections, AI-written blocks, hidden editor notes and dialogues."""

from __future__ import annotations

from narration_samples import assert_clean, body, fixture_post, said, script_of

from postcast.models import SegmentKind


def test_special_blocks_are_announced_and_hidden_ones_never_read() -> None:
    script = script_of(fixture_post("blocks.html"))
    assert [(segment.kind, segment.text) for segment in body(script)] == [
        (SegmentKind.PARAGRAPH, said("Before the puzzle, a warning.")),
        (SegmentKind.PARAGRAPH, said("Spoiler:", "The answer is seven.", "End of spoiler.")),
        (SegmentKind.PARAGRAPH, said("Spoiler:", "The butler did it.", "End of spoiler.")),
        (SegmentKind.ANNOUNCEMENT, said("Full derivation.")),
        (SegmentKind.PARAGRAPH, said("First we square both sides.")),
        (SegmentKind.PARAGRAPH, said("Then we simplify.")),
        (SegmentKind.ANNOUNCEMENT, said("End of collapsible section.")),
        (SegmentKind.ANNOUNCEMENT, said("Older collapsible.")),
        (SegmentKind.PARAGRAPH, said("Hidden by default, read anyway.")),
        (SegmentKind.ANNOUNCEMENT, said("End of collapsible section.")),
        (SegmentKind.ANNOUNCEMENT, said("The following was written by an AI model, Claude.")),
        (SegmentKind.PARAGRAPH, said("Here is a short summary of the argument.")),
        (SegmentKind.PARAGRAPH, said("It has two parts.")),
        (SegmentKind.ANNOUNCEMENT, said("End of AI-written text.")),
        (SegmentKind.PARAGRAPH, said("After the blocks, normal text resumes.")),
    ]
    spoken = " ".join(script.lines())
    assert "TODO" not in spoken and "editor" not in spoken
    assert_clean(script)


def test_dialogue_turns_name_their_speaker_and_carry_a_voice() -> None:
    script = script_of(fixture_post("dialogue.html", title="A dialogue on base rates"))
    segments = body(script)
    assert [(segment.voice, segment.text) for segment in segments] == [
        ("Alice Moreau", said("Alice Moreau:", "I think the forecast is too confident.")),
        ("Alice Moreau", said("The base rate alone says otherwise.")),
        ("Bob Ito", said("Bob Ito:", "Fair, but the base rate is from a different decade.")),
        ("Alice Moreau", said("Alice Moreau:", "Then let us look at the recent decade only.")),
    ]
    assert {segment.kind for segment in segments} == {SegmentKind.DIALOGUE}
    assert script.segments[0].voice is None and script.segments[-1].voice is None
    assert_clean(script)


def test_dialogue_speaker_falls_back_to_the_header_name() -> None:
    html = (
        '<section class="dialogue-message" user-id="u9"><section class="dialogue-message-header">'
        '<b>Chen Wei</b></section><div class="dialogue-message-content"><p>Agreed.</p></div>'
        "</section>"
    )
    [turn] = body(script_of(fixture_post("dialogue.html", html=html)))
    assert (turn.voice, turn.text) == ("Chen Wei", said("Chen Wei:", "Agreed."))


def test_ai_block_without_a_model_name_is_still_announced() -> None:
    html = '<div class="llm-content-block" data-model-name=""><p>Generated text.</p></div>'
    texts = [s.text for s in body(script_of(fixture_post("blocks.html", html=html)))]
    assert texts == [
        said("The following was written by an AI model."),
        said("Generated text."),
        said("End of AI-written text."),
    ]


def test_inline_footnote_in_a_dialogue_turn_follows_the_turn_in_the_narrator_voice() -> None:
    html = (
        '<section class="dialogue-message" display-name="Bob Ito"><div class="dialogue-message-'
        'content"><p>A claim<sup class="footnote-ref"><a href="#fn1">[1]</a></sup>.</p>'
        "<p>And more.</p></div></section>"
        '<section class="footnotes"><ol class="footnotes-list"><li id="fn1" class="footnote-item">'
        "<p>A source.</p></li></ol></section>"
    )
    script = script_of(fixture_post("dialogue.html", html=html), footnotes="inline")
    assert [(segment.voice, segment.text) for segment in body(script)] == [
        ("Bob Ito", said("Bob Ito:", "A claim.")),
        ("Bob Ito", said("And more.")),
        (None, said("Footnote 1:", "A source.")),
    ]


def _spoken(html: str) -> list[tuple[SegmentKind, str]]:
    segments = body(script_of(fixture_post("blocks.html", html=html)))
    return [(segment.kind, segment.text) for segment in segments]


def test_lexical_collapsible_section_reads_its_title_once_then_its_content() -> None:
    html = (
        '<details class="detailsBlock"><summary class="detailsBlockTitle"><p><span>Proof sketch'
        '</span></p></summary><div class="detailsBlockContent"><p><span>Induct on n.</span></p>'
        "</div></details>"
    )
    assert _spoken(html) == [
        (SegmentKind.ANNOUNCEMENT, said("Proof sketch.")),
        (SegmentKind.PARAGRAPH, said("Induct on n.")),
        (SegmentKind.ANNOUNCEMENT, said("End of collapsible section.")),
    ]


def test_a_collapsible_section_without_a_title_or_content_says_no_end() -> None:
    untitled = '<details class="detailsBlock"><p>Induct on n.</p></details>'
    empty = '<details class="detailsBlock"><summary>Proof sketch</summary></details>'
    assert _spoken(untitled) == [(SegmentKind.PARAGRAPH, said("Induct on n."))]
    assert _spoken(empty) == [(SegmentKind.ANNOUNCEMENT, said("Proof sketch."))]


def test_conditional_blocks_are_read_only_when_visible_by_default() -> None:
    html = (
        '<div class="conditionallyVisibleBlock defaultHidden" data-visibility="todo">'
        "<p>TODO: cite the survey</p></div>"
        '<div class="conditionallyVisibleBlock defaultVisible" data-visibility="unset">'
        "<p>Shown to every reader.</p></div>"
    )
    assert _spoken(html) == [(SegmentKind.PARAGRAPH, said("Shown to every reader."))]


def test_llm_block_names_its_model_from_the_attribute() -> None:
    html = (
        '<div class="llm-content-block" data-model-name="Claude Opus 4.1">'
        '<div class="llm-content-block-content"><p><span>A short summary.</span></p></div></div>'
    )
    assert _spoken(html) == [
        (
            SegmentKind.ANNOUNCEMENT,
            said("The following was written by an AI model, Claude Opus 4.1."),
        ),
        (SegmentKind.PARAGRAPH, said("A short summary.")),
        (SegmentKind.ANNOUNCEMENT, said("End of AI-written text.")),
    ]


def test_dialogue_names_with_underscores_and_digits_are_said_as_names() -> None:
    html = (
        '<section class="dialogue-message" message-id="m1" user-id="u1" '
        'display-name="jessica_taylor42" submitted-date="2026-05-01" user-order="1">'
        '<section class="dialogue-message-header"><b>jessica_taylor42</b></section>'
        "<div><p>Shall we start?</p></div></section>"
    )
    script = script_of(fixture_post("blocks.html", html=html))
    turn = body(script)[0]
    assert turn.text == said("jessica taylor 42:", "Shall we start?")
    assert turn.voice == "jessica_taylor42"  # the voice map keys on the stored name
