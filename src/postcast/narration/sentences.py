"""Split text into sentences the voice can say in one breath (`postcast.speech` splits
each segment with these rules; the narration uses them to keep segments short)."""

from __future__ import annotations

import re

from sentencex import segment as sentencex_segment

# Past this many characters a neural voice drifts and a whole take is lost on one
# glitch; long unpunctuated runs (tables read aloud, lists) are cut at a clause.
MAX_SENTENCE_CHARS = 400
_CLAUSE_BREAKS = re.compile(r"(?<=[,;:—–)])\s+")


def split_sentences(text: str, language: str = "en") -> list[str]:
    """Sentences of `text` in order, stripped, none empty, none over MAX_SENTENCE_CHARS.

    sentencex keeps abbreviations ("e.g.", "Dr.", "U.S.") and decimals inside a sentence.
    """
    sentences: list[str] = []
    for sentence in sentencex_segment(language, text):
        sentence = " ".join(sentence.split())
        if sentence:
            sentences.extend(_cut_long(sentence))
    return sentences


def _cut_long(sentence: str) -> list[str]:
    if len(sentence) <= MAX_SENTENCE_CHARS:
        return [sentence]
    pieces: list[str] = []
    current = ""
    for clause in _clauses(sentence):
        if current and len(current) + 1 + len(clause) > MAX_SENTENCE_CHARS:
            pieces.append(current)
            current = clause
        else:
            current = f"{current} {clause}" if current else clause
    if current:
        pieces.append(current)
    return pieces


def _clauses(sentence: str) -> list[str]:
    """Clauses at punctuation; a clause still too long is cut between words."""
    result: list[str] = []
    for clause in _CLAUSE_BREAKS.split(sentence):
        current: list[str] = []
        length = -1  # of " ".join(current)
        for word in _words(clause):
            if current and length + 1 + len(word) > MAX_SENTENCE_CHARS:
                result.append(" ".join(current))
                current, length = [], -1
            current.append(word)
            length += 1 + len(word)
        if current:
            result.append(" ".join(current))
    return result


def _words(clause: str) -> list[str]:
    """Words of `clause`, a "word" longer than a sentence may be (a hash, a run of
    letters) cut into pieces of MAX_SENTENCE_CHARS."""
    return [
        word[start : start + MAX_SENTENCE_CHARS]
        for word in clause.split()
        for start in range(0, len(word), MAX_SENTENCE_CHARS)
    ]
