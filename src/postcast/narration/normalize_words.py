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
    kind: str  # "title" (before a name), "number" (before a number), "word" or "lead" (anywhere)


@cache
def _abbreviations() -> tuple[dict[str, Abbreviation], re.Pattern[str]]:
    path = files("postcast.narration").joinpath("data/abbreviations.tsv")
    table = {}
    for row in csv.reader(path.read_text(encoding="utf-8").splitlines(), delimiter="\t"):
        if row and not row[0].startswith("#"):
            table[row[0]] = Abbreviation(row[1], row[2])
    for written, entry in list(table.items()):
        # "Approx. 40%": a word abbreviation starting a sentence. Not the short ones:
        # "V. Krakovna" is an initial, "Ca." California.
        capitalised = written[0].upper() + written[1:]
        letters = sum(char.isalpha() for char in written)
        if entry.kind in ("word", "lead") and written[0].islower() and letters >= 3:
            table.setdefault(capitalised, Abbreviation(entry.spoken.capitalize(), entry.kind))
    names = sorted(table, key=len, reverse=True)
    alternatives = "|".join(re.escape(name) for name in names)
    return table, re.compile(rf"(?<![\w.&/])(?:{alternatives})(?![\w&])")


_BEFORE_NAME = re.compile(r"\s+[A-Z]")
# where a sentence starts: the text's start, or after a full stop and any closing quote
_SENTENCE_START = re.compile(r"(?:^\s*|[.!?][\"'”’)]*\s+)$")
# "No. 5", "Vol. II"; a lone "I" is the pronoun ("No. I disagree").
_TEXT_FOLLOWS = re.compile(r"\s*\S")  # looked for at a position, not in a copy of the rest
_BEFORE_NUMBER = re.compile(r"\s?[#(]?\d|\s(?!I\b)[IVXLCDM]+\b")  # "Eq. (4)" too


def _abbreviation(match: re.Match[str]) -> str:
    written = match.group(0)
    entry = _abbreviations()[0][written]
    after = match.end()
    if entry.kind == "title" and not _BEFORE_NAME.match(match.string, after):
        return written
    if entry.kind == "number":
        if not _BEFORE_NUMBER.match(match.string, after):
            return written
        return entry.spoken.capitalize() if starts_sentence(match) else entry.spoken
    if entry.kind == "title":
        return entry.spoken.capitalize() if written[0].isupper() else entry.spoken
    if entry.kind == "lead" and _TEXT_FOLLOWS.match(match.string, after):
        return entry.spoken  # "vs. Tier 2", "e.g. Anthropic": what follows is the same sentence
    spoken = entry.spoken
    if written[0].isupper() and starts_sentence(match):  # "FWIW, it holds."
        spoken = spoken[0].upper() + spoken[1:]
    return spoken + period_if_sentence_ends(match, written)


def starts_sentence(match: re.Match[str]) -> bool:
    """Whether `match` opens a sentence: "FWIW, it holds", '"Yes." IMO it does'."""
    window = max(0, match.start() - 20)  # not the whole text before: it would be quadratic
    return _SENTENCE_START.search(match.string, window, match.start()) is not None


def normalize_abbreviations(text: str) -> str:
    """Reads "e.g." -> "for example", "Dr. Evil" -> "doctor Evil", "No. 5" -> "number 5"."""
    pattern = _abbreviations()[1]
    return pattern.sub(_abbreviation, text)


# "501(c)(3)", "401(k)", "Section 230(c)(1)", "3(b)(ii)": a numbered section and its parts,
# said as people say them: "five oh one c three", "four fifty-seven b", "two thirty c one"
_CODE_SECTION = re.compile(
    r"(?=\d)(?<![\w.(])(\d{1,4})(\([a-z]\)(?:\((?:[a-z]|[ivx]{2,4}|\d{1,2})\))*)(?!\w)"
)
_SECTION_PART = re.compile(r"\(([a-z]+|\d+)\)")


def _section_number(written: str) -> str:
    """ "501" -> "five oh one", "230" -> "two thirty", "1031" -> "ten thirty-one"."""
    if len(written) < 3 or written[0] == "0":
        return cardinal(int(written))
    head, tail = cardinal(int(written[:-2])), written[-2:]
    if tail == "00":
        return f"{head} hundred"
    return (
        f"{head} oh {cardinal(int(tail[1]))}" if tail[0] == "0" else f"{head} {cardinal(int(tail))}"
    )


def _section_part(written: str) -> str:
    """ "3" -> "three", "ii" -> "two" (a roman numeral), "c" -> "c" (a letter, said as one)."""
    if written.isdigit():
        return cardinal(int(written))
    value = roman_value(written.upper()) if len(written) > 1 else None
    return cardinal(value) if value else written


def _code_section(match: re.Match[str]) -> str:
    parts = [_section_part(part) for part in _SECTION_PART.findall(match.group(2))]
    return " ".join([_section_number(match.group(1)), *parts])


def normalize_code_sections(text: str) -> str:
    """ "501(c)(3)" -> "five oh one c three" (before the maths pass reads "(3)" as a group)."""
    return _CODE_SECTION.sub(_code_section, text) if "(" in text else text


_ROMAN_KEYWORDS = frozenset(
    ("chapter", "part", "volume", "vol.", "book", "section", "act", "scene", "appendix", "phase",
     "stage", "season", "episode", "article", "title", "type", "class", "level", "tier", "grade",
     "war", "round", "step", "lecture", "unit", "canto", "psalm", "figure", "table", "exhibit",
     "annex", "division", "category", "schedule", "amendment", "bowl", "number")
)  # fmt: skip
# Found by the numeral first (an upper-case letter starts it, so the scan is quick), then
# judged by the word before it.
_ROMAN = re.compile(r"(?<=[A-Za-z.][ \t])([IVXLCDM]+)\b(?![\w'’-])")
_WORD_BEFORE = re.compile(r"([A-Za-z]+\.?)[ \t]$")


def _roman(match: re.Match[str]) -> str:
    numeral = match.group(1)
    before = _WORD_BEFORE.search(match.string, max(0, match.start() - 20), match.start())
    value = roman_value(numeral)
    if before is None or value is None:
        return numeral
    word = before.group(1)
    if word.lower() == "number" and numeral == "I":
        return numeral  # "a number I like": the pronoun
    if word.lower() in _ROMAN_KEYWORDS:
        return cardinal(value)  # "Chapter IV", "World War II"
    name = word[0].isupper() and word[1:].islower() and not word.endswith(".")
    if name and (len(numeral) > 1 or numeral == "V") and set(numeral) <= set("IVXL"):
        # "Henry VIII", "Henry V"; other single letters ("Malcolm X", "Sam and I") stay.
        return f"the {ordinal(value)}"
    return numeral


def normalize_roman(text: str) -> str:
    """Reads "Chapter IV" -> "Chapter four", "World War II" -> "World War two", "Louis XIV"."""
    return _ROMAN.sub(_roman, text)


_INITIALS = re.compile(r"(?=[A-Z])(?<![\w.])((?:[A-Z]\.\s?){2,})(?=([A-Z][a-z]+))")
_MIDDLE_INITIAL = re.compile(r"(?=[A-Z])\b([A-Z][a-z]+ [A-Z])\.\s(?=([A-Z][a-z]+))")
_DOTTED_ACRONYM = re.compile(r"(?=[A-Za-z])(?<![\w.])((?:[A-Za-z]\.){2,})(?=\s+[a-z]|[,;:)])")
_SENTENCE_STARTERS = frozenset(
    ("The", "This", "That", "These", "Those", "It", "He", "She", "They", "We", "You", "There",
     "Then", "But", "And", "So", "If", "In", "On", "At", "As", "When", "What", "Why", "How",
     "A", "An", "Our", "My", "His", "Her", "Their", "One")
)  # fmt: skip


def _initials(match: re.Match[str]) -> str:
    if match.group(2) in _SENTENCE_STARTERS:
        return match.group(0)  # "in 1066 A.D. It was": the dot ends a sentence
    return match.group(1).replace(" ", "").rstrip(".") + " "


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
    text = _INITIALS.sub(_initials, text)
    text = _MIDDLE_INITIAL.sub(_middle_initial, text)
    return _DOTTED_ACRONYM.sub(lambda found: found.group(1).rstrip("."), text)


_PER_WORDS = "person|capita|head|user|day|week|month|year|hour|minute|second|annum"
_SYMBOLS = (  # (characters that must occur, pattern, spoken form), applied in this order
    ("⇔⟺↔⟷<", r"\s*(?:<=>|⇔|⟺|↔|⟷)\s*", " if and only if "),  # in prose, logic's arrows
    ("⇒⟹", r"\s*[⇒⟹]\s*", " implies "),
    ("-=→", r"\s*(?:->|→|=>)\s*", " to "),
    # ">100B params", "(≥90%)": a bound written on an amount in prose, not a comparison
    # (after a lone letter, "x ≤y" is one)
    (">", r"(?<=[\s(])(?<!\b[A-Za-z] )>(?=\w)", "more than "),
    ("≥", r"(?<=[\s(])(?<!\b[A-Za-z] )≥(?=\w)", "at least "),
    ("≤", r"(?<=[\s(])(?<!\b[A-Za-z] )≤(?=\w)", "at most "),
    ("<", r"(?<=[\s(])(?<!\b[A-Za-z] )<(?=\w)", "less than "),
    (">≥", r"\s*(?:>=|≥)\s*", " greater than or equal to "),
    ("<≤", r"\s*(?:<=|≤)\s*", " less than or equal to "),
    ("!≠", r"\s*(?:!=|≠)\s*", " not equal to "),
    (">≫", r"\s*(?:>>|≫)\s*(?=\w)", " much greater than "),
    ("<≪", r"\s*(?:<<|≪)\s*(?=\w)", " much less than "),
    (">", r"(?<=[\w)])\s*>\s*(?=[\w(])", " greater than "),
    ("<", r"(?<=[\w)])\s*<\s*(?=[\w(])", " less than "),
    ("≈", r"\s*≈\s*", " approximately "),
    ("~", r"(?:^|(?<=[.!?]\s))~\s?(?=\w)", "Roughly "),  # "~60% of users ..." starts a sentence
    ("~", r"(?<![\w~])~\s?(?=\w)", "roughly "),  # "a ~30% chance": "a about" would jar
    ("=", r"\s*=\s*", " equals "),
    ("&", r"\s*&\s*", " and "),
    ("+", r"\s*\+\s*", " plus "),
    ("±", r"\s*±\s*", " plus or minus "),
    ("×", r"\s*×\s*", " times "),
    ("÷", r"\s*÷\s*", " divided by "),
    ("%", r"\s*%", " percent"),
    ("‰", r"\s*‰", " per mille"),
    ("\u0304", r"(?<=\w)\u0304", " bar"),  # "x̄" (a combining macron): "x bar"
    ("™®", r"[™®]", ""),  # said by nobody reading aloud ("Acme®"), "registered" by the voice
    ("°º", r"\s*[°º]C\b", " degrees Celsius"),
    ("°º", r"\s*[°º]F\b", " degrees Fahrenheit"),
    ("°º", r"\s*[°º]", " degrees"),
    ("§", r"§§\s*", "sections "),  # "§§3–4"
    ("§", r"§\s*", "section "),
    # "¶4" (its number already words); one after a word is a permalink mark, dropped
    ("¶", r"(?<!\w)¶\s?(?=\w)", "paragraph "),
    ("¶", r"\s*¶", ""),
    ("@", r"(?<![\w])@[ \t]?(?=\w)", "at "),  # "meet @5pm", "16k GPUs @ 700W each"
    # "DALYs/person/year": a rate, "per person per year"; "read/write" stays a slash
    ("/", rf"(?<=[A-Za-z])/(?=(?:{_PER_WORDS})\b)", " per "),
    # "AWF / LTFF", "5pm PT / 8pm ET": a slash set apart by spaces offers alternatives
    ("/", r"(?<=\w)[ \t]+/[ \t]+(?=\w)", " or "),
    ("/", r"(?<=[A-Za-z])[ \t]?/[ \t]?(?=[A-Za-z])", " slash "),
)
_SYMBOL_RULES = tuple(
    (set(chars), re.compile(source), spoken) for chars, source, spoken in _SYMBOLS
)


# "#EffectiveAltruism" (Lexical's hashtags are plain text), "the #general channel": the
# words, humps apart; "hashtag" would be wrong for a channel, and the sign is not read aloud
_HASHTAG = re.compile(r"(?<![\w#&/])#([A-Za-z][A-Za-z0-9_]*)")
_CAMEL_HUMP = re.compile(r"(?<=[a-z])(?=[A-Z])|_")


# Ratings: "4.5★" is "4.5 stars", "a 5★ hotel" a "5-star hotel", "★★★★☆" four of five.
_STARS = "★⭐"
_ANY_STAR = _STARS + "☆"  # "☆": an empty star, a rating's missing point
_RATED = re.compile(rf"(?<![\w.])(\d+(?:\.\d+)?)\s?[{_STARS}]\ufe0f?(?![{_ANY_STAR}])")
_BEFORE_NOUN = re.compile(
    r"\s+(?!(?:by|from|on|in|at|for|of|and|or|to|with|is|was|are|were|rating|overall)\b)[a-z]"
)
_LONE_STAR = re.compile(rf"[ \t]*[{_ANY_STAR}]\ufe0f?")
_STAR_ROW = re.compile(rf"(?<![{_ANY_STAR}])[{_ANY_STAR}](?:\ufe0f?[{_ANY_STAR}]){{1,9}}\ufe0f?")


def _rated(found: re.Match[str]) -> str:
    if _BEFORE_NOUN.match(found.string, found.end()):
        return f"{found[1]}-star"
    return f"{found[1]} {'star' if found[1] == '1' else 'stars'}"


def _star_row(found: re.Match[str]) -> str:
    full = sum(found[0].count(star) for star in _STARS)
    if "☆" not in found[0]:
        return f"{full} stars"
    return f"{full} out of {full + found[0].count('☆')} stars"


def normalize_star_ratings(text: str) -> str:
    """Star ratings in words (the digits left for the numbers pass); a lone star is
    decoration and goes with the other symbols."""
    if not any(star in text for star in _ANY_STAR):
        return text
    text = _STAR_ROW.sub(_star_row, _RATED.sub(_rated, text))
    return _LONE_STAR.sub("", text)


def normalize_symbols(text: str) -> str:
    """Symbols left after the other rules: "&" -> "and", "->" -> "to", "~5" -> "about five"."""
    if "#" in text:
        text = _HASHTAG.sub(lambda found: _CAMEL_HUMP.sub(" ", found.group(1)), text)
    present = set(text)
    for triggers, pattern, spoken in _SYMBOL_RULES:
        if triggers & present:
            text = pattern.sub(spoken, text)
            present = set(text)
    return text
