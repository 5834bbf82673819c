"""Sentence splitting: abbreviations stay whole, long runs are cut at clauses."""

from __future__ import annotations

from postcast.speech.sentences import MAX_SENTENCE_CHARS, split_sentences


def test_splits_at_sentence_ends() -> None:
    text = "It rained. Did it stop? Not at all! We stayed in."
    assert split_sentences(text) == ["It rained.", "Did it stop?", "Not at all!", "We stayed in."]


def test_abbreviations_and_decimals_stay_inside_a_sentence() -> None:
    text = "Some charities, e.g. the big ones, i.e. most, grew 3.5 times. Dr. Smith agreed."
    assert split_sentences(text) == [
        "Some charities, e.g. the big ones, i.e. most, grew 3.5 times.",
        "Dr. Smith agreed.",
    ]


def test_whitespace_is_normalised_and_empty_text_has_no_sentences() -> None:
    assert split_sentences("  One\n sentence,\tspread out.  ") == ["One sentence, spread out."]
    assert split_sentences("") == []
    assert split_sentences(" \n ") == []


def test_text_without_final_punctuation_is_one_sentence() -> None:
    assert split_sentences("A heading with no full stop") == ["A heading with no full stop"]


def test_long_runs_are_cut_at_clauses_then_words() -> None:
    clauses = ", ".join(f"clause number {n} of a very long list" for n in range(40)) + "."
    pieces = split_sentences(clauses)
    assert len(pieces) > 1
    assert all(len(piece) <= MAX_SENTENCE_CHARS for piece in pieces)
    assert all(piece.endswith((",", ".")) for piece in pieces), "cut after a comma"
    assert " ".join(pieces) == clauses, "nothing lost or reordered"
    words = " ".join(f"word{n}" for n in range(300))
    cut = split_sentences(words)
    assert all(len(piece) <= MAX_SENTENCE_CHARS for piece in cut)
    assert " ".join(cut) == words
