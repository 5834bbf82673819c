"""Abbreviations, initials, roman numerals and symbols as a narrator says them.

Abbreviations come from `data/abbreviations.tsv`. A full stop that belongs to an abbreviation
is dropped unless it also ends the sentence, so the speech stage still splits sentences right.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from postcast.narration.normalize_dates import period_if_sentence_ends
from postcast.narration.spoken_numbers import cardinal, ordinal, roman_value


@dataclass(frozen=True)
class Abbreviation:
    spoken: str
    kind: str  # "title" (before a name), "number" (before a number) or "word" (anywhere)


@cache
def _abbreviations() -> tuple[dict[str, Abbreviation], re.Pattern[str]]:
    path = files("postcast.narration").joinpath("data/abbreviations.tsv")
    table = {}
    for row in csv.reader(path.read_text(encoding="utf-8").splitlines(), delimiter="\t"):
        if row and not row[0].startswith("#"):
            table[row[0]] = Abbreviation(row[1], row[2])
    names = sorted(table, key=len, reverse=True)
    alternatives = "|".join(re.escape(name) for name in names)
    return table, re.compile(rf"(?<![\w.&/])(?:{alternatives})(?![\w&])")


_BEFORE_NAME = re.compile(r"\s+[A-Z]")
_BEFORE_NUMBER = re.compile(r"\s?#?\d")


def _abbreviation(match: re.Match[str]) -> str:
    written = match.group(0)
    entry = _abbreviations()[0][written]
    after = match.end()
    if entry.kind == "title" and not _BEFORE_NAME.match(match.string, after):
        return written
    if entry.kind == "number":
        return entry.spoken + " " if _BEFORE_NUMBER.match(match.string, after) else written
    if entry.kind == "title":
        return entry.spoken
    return entry.spoken + period_if_sentence_ends(match, written)


def normalize_abbreviations(text: str) -> str:
    """Reads "e.g." -> "for example", "Dr. Evil" -> "doctor Evil", "No. 5" -> "number 5"."""
    pattern = _abbreviations()[1]
    text = pattern.sub(_abbreviation, text)
    return _SAINT_OR_STREET.sub(_saint_or_street, text)


_SAINT_OR_STREET = re.compile(r"\bSt\b\.?(?=\s|$)")
_AFTER_NAME = re.compile(r"[A-Z][a-z]+\s$")


def _saint_or_street(match: re.Match[str]) -> str:
    # "Elm St." is a street; "St. Louis" (not after a name) a saint.
    if _AFTER_NAME.search(match.string, 0, match.start()):
        return "Street" + period_if_sentence_ends(match, match.group(0))
    if _BEFORE_NAME.match(match.string, match.end()):
        return "Saint"
    return match.group(0)


_ROMAN_KEYWORDS = (
    "chapter|part|volume|vol\\.|book|section|act|scene|appendix|phase|stage|season|episode|"
    "article|title|type|class|level|tier|grade|war|round|step|lecture|unit|canto|psalm|"
    "figure|table|exhibit|annex|division|category|schedule|amendment|world war"
)
_KEYWORD_ROMAN = re.compile(rf"\b((?i:{_ROMAN_KEYWORDS}))\s+([IVXLCDM]+)\b(?![\w'’-])")
# A name and a numeral of two or more letters: "Henry VIII", "Pope Benedict XVI". Single
# letters ("Malcolm X", "Sam and I") are left alone.
_NAME_ROMAN = re.compile(r"\b([A-Z][a-z]+)\s([IVXL]{2,})\b(?![\w'’-])")


def _keyword_roman(match: re.Match[str]) -> str:
    value = roman_value(match.group(2))
    return f"{match.group(1)} {cardinal(value)}" if value else match.group(0)


def _name_roman(match: re.Match[str]) -> str:
    value = roman_value(match.group(2))
    return f"{match.group(1)} the {ordinal(value)}" if value else match.group(0)


def normalize_roman(text: str) -> str:
    """Reads "Chapter IV" -> "Chapter four", "World War II" -> "World War two", "Louis XIV"."""
    return _NAME_ROMAN.sub(_name_roman, _KEYWORD_ROMAN.sub(_keyword_roman, text))


_INITIALS = re.compile(r"(?<![\w.])((?:[A-Z]\.\s?){2,})(?=[A-Z][a-z])")
_MIDDLE_INITIAL = re.compile(r"(?<=[A-Z][a-z] )([A-Z])\.\s(?=([A-Z][a-z]+))")
_DOTTED_ACRONYM = re.compile(r"(?<![\w.])((?:[A-Za-z]\.){2,})(?=\s+[a-z]|[,;:)])")
_SENTENCE_STARTERS = frozenset(
    ("The", "This", "That", "These", "Those", "It", "He", "She", "They", "We", "You", "There",
     "Then", "But", "And", "So", "If", "In", "On", "At", "As", "When", "What", "Why", "How",
     "A", "An", "Our", "My", "His", "Her", "Their", "One")
)  # fmt: skip


def _middle_initial(match: re.Match[str]) -> str:
    if match.group(2) in _SENTENCE_STARTERS:
        return match.group(0)  # "Plan B. Then": the dot ends a sentence
    return match.group(1) + " "


def normalize_initials(text: str) -> str:
    """Reads "C. S. Lewis" -> "C.S Lewis", "John F. Kennedy" -> "John F Kennedy", "U.S. law".

    The dots inside stay so the voice spells the letters; the last one goes, so no sentence
    ends in the middle of a name.
    """
    if "." not in text:
        return text
    text = _INITIALS.sub(lambda found: found.group(1).replace(" ", "").rstrip(".") + " ", text)
    text = _MIDDLE_INITIAL.sub(_middle_initial, text)
    return _DOTTED_ACRONYM.sub(lambda found: found.group(1).rstrip("."), text)


_SYMBOLS = (
    (re.compile(r"\s*(?:->|→|⇒|=>)\s*"), " to "),
    (re.compile(r"\s*(?:>=|≥)\s*"), " greater than or equal to "),
    (re.compile(r"\s*(?:<=|≤)\s*"), " less than or equal to "),
    (re.compile(r"\s*(?:!=|≠)\s*"), " not equal to "),
    (re.compile(r"\s*(?:>>|≫)\s*(?=\w)"), " much greater than "),
    (re.compile(r"\s*(?:<<|≪)\s*(?=\w)"), " much less than "),
    (re.compile(r"(?<=[\w)])\s*>\s*(?=[\w(])"), " greater than "),
    (re.compile(r"(?<=[\w)])\s*<\s*(?=[\w(])"), " less than "),
    (re.compile(r"\s*≈\s*"), " approximately "),
    (re.compile(r"(?<![\w~])~\s?(?=\w)"), "about "),
    (re.compile(r"\s*=\s*"), " equals "),
    (re.compile(r"\s*&\s*"), " and "),
    (re.compile(r"\s*\+\s*"), " plus "),
    (re.compile(r"\s*±\s*"), " plus or minus "),
    (re.compile(r"\s*×\s*"), " times "),
    (re.compile(r"\s*÷\s*"), " divided by "),
    (re.compile(r"\s*%"), " percent"),
    (re.compile(r"\s*[°º]"), " degrees"),
    (re.compile(r"§\s*"), "section "),
    (re.compile(r"(?<![\w])@(?=\w)"), "at "),
    (re.compile(r"(?<=[A-Za-z])[ \t]?/[ \t]?(?=[A-Za-z])"), " slash "),
)


def normalize_symbols(text: str) -> str:
    """Symbols left after the other rules: "&" -> "and", "->" -> "to", "~5" -> "about five"."""
    for pattern, spoken in _SYMBOLS:
        if pattern.search(text):
            text = pattern.sub(spoken, text)
    return text
