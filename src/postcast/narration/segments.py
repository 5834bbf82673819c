"""Building segments: each piece of text is normalised exactly once, pauses by kind.

Post text is normalised as a whole paragraph (so "$5 million" keeps its context); the
narrator's own words ("Quote:", "Footnote 3:") are normalised on their own and joined on.
A segment longer than `MAX_SEGMENT_CHARS` is split between sentences: the audio stage
masters a segment whole, so its memory grows with the longest segment.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from typing import TypedDict, Unpack

from postcast.models import Segment, SegmentKind
from postcast.narration import normalize
from postcast.narration.sentences import split_sentences
from postcast.narration.spoken import sentence, speak_urls, tidy

Kind = SegmentKind


class SegmentFields(TypedDict, total=False):
    """The optional `Segment` fields a builder passes on, so mypy checks each call."""

    pause_after: float
    pause_before: float
    voice: str | None
    chapter: str | None


# Seconds of silence after a segment of each kind; headings and display maths also get
# silence before them, so a listener hears the structure.
PAUSE_AFTER = {
    Kind.INTRO: 1.0,
    Kind.HEADING: 0.8,
    Kind.PARAGRAPH: 0.6,
    Kind.LIST_ITEM: 0.4,
    Kind.QUOTE: 0.6,
    Kind.FOOTNOTE: 0.6,
    Kind.TABLE: 0.5,
    Kind.IMAGE: 0.6,
    Kind.CODE: 0.6,
    Kind.MATH: 0.6,
    Kind.EMBED: 0.6,
    Kind.ANNOUNCEMENT: 0.5,
    Kind.DIALOGUE: 0.6,
    Kind.OUTRO: 0.0,
}
PAUSE_BEFORE = {Kind.HEADING: 0.8, Kind.MATH: 0.4, Kind.OUTRO: 1.0}
SECTION_BREAK = 1.2  # an <hr>
# About a minute of speech: mastering one costs some 200 MB (2.8 MB per second of audio).
MAX_SEGMENT_CHARS = 1000
SPLIT_PAUSE = 0.35  # between the pieces of a split paragraph, as between its sentences
_WORDS = re.compile(r"\w")


def said(words: str) -> str:
    """The normalised form of one piece of text (the only call to the normaliser)."""
    return normalize.normalize_text(words)


def make(text: str, kind: Kind, **fields: Unpack[SegmentFields]) -> Segment:
    """A segment of already-normalised `text` with the pauses its kind gets."""
    pauses: SegmentFields = {
        "pause_after": PAUSE_AFTER[kind],
        "pause_before": PAUSE_BEFORE.get(kind, 0.0),
    }
    merged: SegmentFields = {**pauses, **fields}
    return Segment(text=text, kind=kind, **merged)


def prose(raw: str, kind: Kind, **fields: Unpack[SegmentFields]) -> Segment | None:
    """A segment of raw post text: tidied, URLs named, normalised; None when nothing to say."""
    text = speak_urls(tidy(raw))
    if not _WORDS.search(text):
        return None
    return make(opening_case(text, said(text)), kind, **fields)


def pause(seconds: float) -> Segment:
    """A silence with no words (an <hr>); `finish` folds it into the segment before."""
    return Segment(text="", kind=Kind.ANNOUNCEMENT, pause_after=seconds)


def prefixed(segments: list[Segment], words: str) -> list[Segment]:
    """The narrator's `words` said before the first segment ("Quote:", "2.")."""
    if not segments:
        return segments
    first = segments[0]
    opening = opening_case(words, said(words))
    return [dataclasses.replace(first, text=f"{opening} {first.text}"), *segments[1:]]


def opening_case(raw: str, spoken: str) -> str:
    """`spoken` with a capital first letter where `raw` opened on a digit or a symbol
    ("1. Introduction", "$5 is enough"): the words said for it start lower-case, and the
    transcript shows them at the start of a line. A lower-case start the author chose
    ("iPhone sales", "where x is the input", "@gwern") stays as it is."""
    first = next((char for char in raw if char.isalnum()), "")
    if first and not first.islower() and spoken[:1].islower():
        return spoken[0].upper() + spoken[1:]
    return spoken


def suffixed(segments: list[Segment], words: str) -> list[Segment]:
    """The narrator's `words` said after the last segment ("End quote.")."""
    if not segments:
        return segments
    last = segments[-1]
    return [*segments[:-1], dataclasses.replace(last, text=f"{sentence(last.text)} {said(words)}")]


def restyled(
    segments: Iterable[Segment], kind: Kind, **fields: Unpack[SegmentFields]
) -> list[Segment]:
    """Paragraphs and list items inside a quote, footnote or dialogue turn take its kind."""
    plain = (Kind.PARAGRAPH, Kind.LIST_ITEM)
    return [
        dataclasses.replace(segment, kind=kind, **fields)
        if segment.kind in plain
        else dataclasses.replace(segment, **fields)
        for segment in segments
    ]


def finish(segments: Iterable[Segment]) -> list[Segment]:
    """Drop word-less pauses, giving their silence to the segment before; split long
    segments between sentences."""
    done: list[Segment] = []
    for segment in segments:
        if segment.text:
            done.extend(_bounded(segment))
        elif done:
            longer = max(done[-1].pause_after, segment.pause_after)
            done[-1] = dataclasses.replace(done[-1], pause_after=longer)
    return done


def _bounded(segment: Segment) -> list[Segment]:
    """`segment` as pieces of at most MAX_SEGMENT_CHARS, cut between sentences (and a
    sentence too long for one piece between clauses, then words): the chapter and the
    pause before go with the first piece, the pause after with the last."""
    if len(segment.text) <= MAX_SEGMENT_CHARS:
        return [segment]
    pieces = _packed(split_sentences(segment.text))
    last = len(pieces) - 1
    return [
        dataclasses.replace(
            segment,
            text=piece,
            chapter=segment.chapter if index == 0 else None,
            pause_before=segment.pause_before if index == 0 else 0.0,
            pause_after=segment.pause_after if index == last else SPLIT_PAUSE,
        )
        for index, piece in enumerate(pieces)
    ]


def _packed(sentences: list[str]) -> list[str]:
    """Consecutive sentences joined into pieces of at most MAX_SEGMENT_CHARS."""
    pieces: list[str] = []
    for sentence_text in sentences:
        if pieces and len(pieces[-1]) + 1 + len(sentence_text) <= MAX_SEGMENT_CHARS:
            pieces[-1] = f"{pieces[-1]} {sentence_text}"
        else:
            pieces.append(sentence_text)
    return pieces
