"""Whatever numbers the specific rules left, as spoken words: cardinals, decimals, years
("by 2100", "Eliezer's 2022 post"), releases ("Python 3.12"), powers, scientific notation,
"5k" and "101".

Two passes, `normalize_scientific` (early, before the maths pass takes "x = 3" from
"3e-3") and `normalize_numbers` (late, after every rule that reads a number in context);
`postcast.narration.normalize` runs them in order.
"""

from __future__ import annotations

import re

from postcast.narration.normalize_numeric import find_unit
from postcast.narration.spoken_numbers import cardinal, digits, integer, number, plural, year

_NEXT_TOKEN = re.compile(r"[ \t]?([^\s/]+)")


def unit_follows(match: re.Match[str]) -> bool:
    following = _NEXT_TOKEN.match(match.string, match.end())
    return following is not None and find_unit(following.group(1).rstrip(".,;:!?)²³")) is not None


# "3e-3", "-1e-6." (a sentence's full stop may follow; a decimal point may not).
_SCIENTIFIC = re.compile(r"(?=[-\d])(?<![\w.])(-(?=\d))?(\d+(?:\.\d+)?)[eE]([-+]?\d+)(?![\w]|\.\d)")
_POWER = re.compile(r"(?<=\S)\^([-+]?\d+)|([²³])")
# "v2.1", "RSP v2": a version, said as the word
_VERSION_PREFIX = re.compile(r"(?<![\w.-])v(?=\d)")
_VERSION_WILDCARD = re.compile(r"(?<=\d)\.[xX](?!\w|\.\w)")  # "Node 20.x", "3.x"
_VERSION = re.compile(r"(?=\d)(?<![\w.])\d+(?:\.\d+){2,}(?![\w])")
_SCALE_SUFFIX = re.compile(r"(?=\d)(?<![\w.])(\d+(?:\.\d+)?)(K|k|M|B|T|bn|mn|tn)(?![\w])")
_SUFFIX_WORDS = {"K": "thousand", "k": "thousand", "M": "million", "B": "billion"}
_SUFFIX_WORDS |= {"T": "trillion"}
_SUFFIX_WORDS |= {"bn": "billion", "mn": "million", "tn": "trillion"}
# "3:2", "3.5:1", "1:10,000": a ratio (a time was taken first, where it can be one)
_RATIO_TERM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_RATIO = re.compile(rf"(?=\d)(?<![\w:.,])({_RATIO_TERM}):({_RATIO_TERM})(?![\w:]|[.,]\d)")
_LETTERS_DIGITS = re.compile(r"([A-Za-z])-?(?=\d)|(\d)-?(?=[A-Za-z])")
# "H100s", "T4s": a name ending in a number, in the plural ("H one hundreds")
_NAMES_IN_PLURAL = re.compile(r"(?<=[A-Za-z])(\d{1,6})s\b")
_NUMBER = re.compile(
    r"(?=[-\d.])(?<![\w.,])(-(?=\d))?(\d{1,3}(?:,\d{3})+(?!\d)|\d+)(\.\d+)?(?![\d])|(?=\.)(?<![\w.])\.\d+(?!\d)"
)
_YEAR_CUES = frozenset(
    ("in", "since", "by", "from", "until", "till", "of", "during", "around", "circa", "before",
     "after", "year", "early", "late", "mid", "spring", "summer", "autumn", "fall", "winter",
     "c", "ca")
)  # fmt: skip
# Words after a number that show it is a year ("1994 was"), not a count ("1500 people").
_NOT_COUNTED = frozenset(
    ("the", "a", "an", "and", "or", "but", "to", "in", "on", "at", "by", "for", "from", "of",
     "with", "was", "were", "is", "are", "be", "been", "had", "has", "have", "when", "where",
     "while", "after", "before", "until", "as", "that", "which", "who", "we", "i", "he", "she",
     "they", "it", "there", "this", "saw", "brought", "marked", "onward", "onwards")
)  # fmt: skip
# "the 2008 crisis": after a determiner a modern year names an event, not a count.
_DETERMINERS = frozenset(
    ("the", "a", "an", "this", "that", "his", "her", "their", "its", "our", "my")
)
# "Eliezer's 2022 post": a possessive is a determiner too
_POSSESSIVE_BEFORE = re.compile(r"\w(?:['’]s|s['’])\s$")  # "Priorities' 2024 survey" too
_PREVIOUS_WORD = re.compile(r"([A-Za-z]+)\W*$")
_NEXT_WORD = re.compile(r"\s+([a-z]+)")


def _power(match: re.Match[str]) -> str:
    exponent = match.group(1) or {"²": "2", "³": "3"}[match.group(2)]
    if exponent in ("2", "3"):
        return " squared" if exponent == "2" else " cubed"
    return f" to the power of {integer(exponent.lstrip('+'))}"


def _scientific(match: re.Match[str]) -> str:
    sign, mantissa, exponent = match.groups()
    exponent = exponent.lstrip("+")
    # "1.2e9 km": the exponent stays digits for the measures pass to read with its unit
    # ("nine kilometers"), as `_expression` leaves "9.8 m/s²"
    power = f"ten to the power of {exponent if unit_follows(match) else integer(exponent)}"
    spoken = power if mantissa == "1" else f"{number(mantissa)} times {power}"
    return f"minus {spoken}" if sign else spoken


def _reads_as_year(match: re.Match[str]) -> bool:
    """A bare four-digit number from 1000 to 2099 is a year unless it counts something."""
    previous = _PREVIOUS_WORD.search(match.string, max(0, match.start() - 30), match.start())
    word = previous.group(1).lower() if previous else ""
    window = max(0, match.start() - 4)
    determiner = word in _DETERMINERS or _POSSESSIVE_BEFORE.search(
        match.string, window, match.start()
    )
    if word in _YEAR_CUES or (determiner and int(match.group(2)) >= 1900):
        return True
    if previous and int(match.group(2)) >= 1900 and _names_an_edition(match, previous):
        return True
    return _counts_nothing_after(match)


def _counts_nothing_after(match: re.Match[str]) -> bool:
    """No counted noun follows the number ("1994 was", "by 2100."), as after a year."""
    following = _NEXT_WORD.match(match.string, match.end())
    return not following or following.group(1) in _NOT_COUNTED


def _word_just_before(match: re.Match[str]) -> str | None:
    """The word one space before the number ("Python" in "Python 3.12"), if there is one."""
    previous = _PREVIOUS_WORD.search(match.string, max(0, match.start() - 30), match.start())
    if not previous or previous.end(1) != match.start() - 1:
        return None
    return previous.group(1)


# "from 2100 to 2200": the second year of a pair
_FUTURE_YEAR_BEFORE = re.compile(r"(?i:\b(?:from|in|by)\s+2[1-9]\d\d\s+(?:to|and|or|through)\s)$")


def _reads_as_future_year(match: re.Match[str]) -> bool:
    """ "by 2100", "the year 2300": past 2099 a number is a year only after a year's cue
    word and before no counted noun ("in 2500 trials" counts)."""
    word = _word_just_before(match)
    if word is None:
        return False
    paired = _FUTURE_YEAR_BEFORE.search(match.string, max(0, match.start() - 30), match.start())
    return (word.lower() in _YEAR_CUES or paired is not None) and _counts_nothing_after(match)


_SENTENCE_START = re.compile(r"(?:^|[.!?:;]\s*|[\"“(]\s*)$")


def _names_an_edition(match: re.Match[str], previous: re.Match[str]) -> bool:
    """ "AI 2027", "EAG 2024", "Vision 2030": a name (an acronym, or a capitalised word
    not starting the sentence) directly before a modern year names an edition of it."""
    word = previous.group(1)
    if previous.end(1) != match.start() - 1 or match.string[previous.end(1)] != " ":
        return False
    if len(word) > 1 and word.isupper():
        return True
    window = max(0, previous.start() - 3)
    starts = _SENTENCE_START.search(match.string, window, previous.start()) is not None
    return word[0].isupper() and word[1:].islower() and not starts


def _number(match: re.Match[str]) -> str:
    sign, whole, fraction = match.group(1), match.group(2), match.group(3)
    written = match.group(0)
    if whole is None:
        return number(written)
    if not sign and not fraction and len(whole) == 4 and 1000 <= int(whole) <= 2099:
        return year(int(whole)) if _reads_as_year(match) else integer(whole)
    if not sign and not fraction and len(whole) == 4 and 2100 <= int(whole) <= 2999:
        return year(int(whole)) if _reads_as_future_year(match) else integer(whole)
    if not fraction and len(whole) > 12 and "," not in whole:
        return ("minus " if sign else "") + digits(whole)  # an identifier, not a quantity
    if not sign and fraction and _numbers_a_release(match):
        return f"{integer(whole)} point {integer(fraction[1:])}"
    return number(written)


# "Python 3.10", "Table 4.12", "version 2.11": a release or a numbered part, whose parts are
# numbers ("three point ten"), not a decimal's digits ("three point one zero")
_SENTENCE_OPENERS = frozenset(
    ("about", "around", "over", "under", "only", "just", "nearly", "almost", "roughly", "some",
     "then", "so", "if", "since", "until", "between", "within", "after", "before", "up")
)  # fmt: skip
# capitalised only because they open a sentence ("In 101 cases", "At 3.45")
_NOT_A_NAME = _NOT_COUNTED | _SENTENCE_OPENERS
_NUMBERING_WORDS = frozenset(
    ("version", "section", "figure", "table", "chapter", "equation", "step", "part", "release")
)


def _numbers_a_release(match: re.Match[str]) -> bool:
    fraction = match.group(3)
    if len(fraction) != 3 or fraction[1] == "0":
        return False  # one digit reads the same either way; "22.04" keeps its "zero four"
    word = _word_just_before(match)
    if word is None:
        return False
    if word.lower() in _NUMBERING_WORDS:
        return True
    # A capitalised word is a name ("Python"), unless it only starts the sentence ("At 3.45")
    return word[0].isupper() and word.lower() not in _NOT_A_NAME


# "ran a 5k", "runs 5k in 20min", "a 10k race", "a 4K display": a race's distance or a
# screen's resolution, said "five K", not "five thousand" (things run need their noun:
# "runs 5k jobs")
_RACE_BEFORE = re.compile(
    r"\b(?:(?:ran|run|running|runs|did|do)\s+(?:a|the|my|another)|ran|runs|running)\s+$"
)
_THINGS_AFTER = re.compile(r"\s+[a-z]+s\b")
_RACE_AFTER = re.compile(
    r"\s+(?:run|race|display|monitor|screen|TV|video|resolution|footage|camera|stream)s?\b"
)


def _scale_suffix(match: re.Match[str]) -> str:
    amount, suffix = match.groups()
    start = max(0, match.start() - 20)
    race_before = _RACE_BEFORE.search(match.string, start, match.start()) and not (
        _THINGS_AFTER.match(match.string, match.end())
    )
    if suffix in ("k", "K") and (race_before or _RACE_AFTER.match(match.string, match.end())):
        return f"{number(amount)} K"
    return f"{number(amount)} {_SUFFIX_WORDS[suffix]}"


def normalize_scientific(text: str) -> str:
    """Reads "3e-3" -> "three times ten to the power of minus three" (before the maths pass,
    which would otherwise take "x = 3" and leave "e-3")."""
    return _SCIENTIFIC.sub(_scientific, text) if "e" in text or "E" in text else text


# "a 101-level intro", "EA 101", "Room 101": the idiom for a first course (or a room),
# "one oh one"; "In 101 cases" counts
_FIRST_COURSE = re.compile(
    r"(?<![\w.,])101(?=-level|\s(?:level|course|class|intro|guide)\b)"
    r"|\b(?P<name>[A-Z][A-Za-z]*) 101\b(?![.,]?\d)"
)


def _first_course(match: re.Match[str]) -> str:
    name = match.group("name")
    if name is None:
        return "one oh one"
    if name.lower() in _NOT_A_NAME:
        return match.group(0)
    return f"{name} one oh one"


def normalize_numbers(text: str) -> str:
    """Whatever numbers the specific rules left: cardinals, decimals, years, versions, powers."""
    if not any(char.isdigit() for char in text) and "²" not in text and "³" not in text:
        return text
    text = _FIRST_COURSE.sub(_first_course, text) if "101" in text else text
    text = _POWER.sub(_power, text)
    text = _VERSION_PREFIX.sub("version ", text)
    text = _VERSION_WILDCARD.sub(" point x", text)
    text = _VERSION.sub(lambda found: " point ".join(map(integer, found.group(0).split("."))), text)
    text = _SCALE_SUFFIX.sub(_scale_suffix, text)
    text = _RATIO.sub(lambda found: f"{number(found.group(1))} to {number(found.group(2))}", text)
    text = _NAMES_IN_PLURAL.sub(lambda found: " " + plural(cardinal(int(found.group(1)))), text)
    text = _LETTERS_DIGITS.sub(r"\1\2 ", text)
    return _NUMBER.sub(_number, text)
