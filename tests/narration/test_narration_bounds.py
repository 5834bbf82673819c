"""Long text is cut before the voice: segments between sentences, sentences at clauses."""

from __future__ import annotations

from postcast.models import Segment, SegmentKind
from postcast.narration.segments import MAX_SEGMENT_CHARS, SPLIT_PAUSE, finish
from postcast.narration.sentences import MAX_SENTENCE_CHARS, split_sentences


def test_a_long_paragraph_becomes_segments_cut_between_sentences() -> None:
    sentences = [f"Sentence number {n} says a few more words than most." for n in range(100)]
    long = Segment(
        " ".join(sentences), SegmentKind.PARAGRAPH, pause_before=0.8, pause_after=0.6, chapter="C"
    )
    pieces = finish([long, Segment("After.", SegmentKind.PARAGRAPH)])
    split, after = pieces[:-1], pieces[-1]
    assert len(split) > 1 and after.text == "After."
    assert all(len(piece.text) <= MAX_SEGMENT_CHARS for piece in split)
    assert " ".join(piece.text for piece in split) == long.text, "nothing lost or reordered"
    assert all(piece.text.endswith(".") for piece in split), "cut between sentences"
    assert [piece.chapter for piece in split] == ["C"] + [None] * (len(split) - 1)
    assert [piece.pause_before for piece in split] == [0.8] + [0.0] * (len(split) - 1)
    assert [piece.pause_after for piece in split] == [SPLIT_PAUSE] * (len(split) - 1) + [0.6]
    assert {piece.kind for piece in split} == {SegmentKind.PARAGRAPH}


def test_a_short_segment_is_left_alone() -> None:
    short = Segment("Short.  Two  spaces.", SegmentKind.QUOTE, chapter="Q")
    assert finish([short]) == [short]


def test_a_word_longer_than_a_sentence_is_cut() -> None:
    pieces = split_sentences("a" * 1_000 + " then more words.")
    assert all(len(piece) <= MAX_SENTENCE_CHARS for piece in pieces)
    assert "".join(pieces).replace(" ", "") == "a" * 1_000 + "thenmorewords."
