"""Multiplication signs in running text: sizes ("2x8" is "two by eight"), multipliers
("4.4x faster", "grew x10"), counts of named machines ("8xA100")."""

from __future__ import annotations

import re

from postcast.narration.normalize_numeric import AMOUNT
from postcast.narration.spoken_numbers import number, range_word

# "2x8", "30x20x10 cm": sizes, each "x" said "by"
_DIMENSIONS = re.compile(
    rf"(?=[\d.])(?<![\w.])(?:{AMOUNT}\s?[x×]\s?)+(?=\d)(?!10(?:\^|\s+to the power))"
)  # "3×10⁸" is scientific notation: "three times ten to the power of eight"
_TIMES_SIGN = re.compile(r"\s?[x×]\s?")
# "8xA100", "8 x A100": a count of machines, "eight A100" ("3 x B" is a product)
_COUNT_OF_NAMED = re.compile(r"(?=\d)(?<![\w.])(\d+)(?:[x×](?=[A-Z])|\s[x×]\s(?=[A-Z]+\d))")
# "3 seeds x 5 models": counted things multiplied, "three seeds by five models"
_COUNTS_BY = re.compile(rf"(?=[\d.])(?<![\w.])({AMOUNT}\s+[A-Za-z]+)\s+[x×]\s+(?=\d)")
# "4.4x", "3-5x", and "2x–3x" with the sign on both ends
_MULTIPLIER = re.compile(
    rf"(?=[\d.])(?<![\w.])({AMOUNT})(?:[x×]?\s?[-–]\s?({AMOUNT}))?[x×](?![\w])"
)
# "grew x10 overall", "a ×2 speedup": the sign before the number is a multiplier too. A
# small number after "x" may be a variable's index ("x1 and x2"): only a multiplier's word
# after it, or a number of ten or more, makes it one
_OPERATOR = r"(?:[-+=*/<>^]|(?:plus|minus|equals|times|over|divided)\b)"  # maths said already
_PREFIX_MULTIPLIER = re.compile(rf"(?<![\w.^])[x×]({AMOUNT})(?![\w^]|[.,]\d)(?!\s*{_OPERATOR})")
_OPERATOR_BEFORE = re.compile(rf"{_OPERATOR}\s*$")
_MULTIPLIER_WORD = re.compile(
    r"\s+(?i:speed-?ups?|faster|slower|more|less|fewer|larger|smaller|bigger|cheaper|longer"
    r"|shorter|increases?|improvements?|reductions?|gains?|boosts?|overall|magnification|zoom)\b"
)


def normalize_multiplication(text: str) -> str:
    """Reads "2x8" -> "2 by 8" (dimensions), "4.4x faster" -> "four point four times faster"."""
    text = _DIMENSIONS.sub(lambda found: _TIMES_SIGN.sub(" by ", found.group(0)), text)
    text = _COUNTS_BY.sub(r"\1 by ", text)
    text = _COUNT_OF_NAMED.sub(r"\1 ", text)
    text = _MULTIPLIER.sub(_multiplier, text)
    return _PREFIX_MULTIPLIER.sub(_prefix_multiplier, text) if "x" in text or "×" in text else text


def _prefix_multiplier(match: re.Match[str]) -> str:
    amount = match.group(1)
    if _OPERATOR_BEFORE.search(match.string, max(0, match.start() - 8), match.start()):
        return match.group(0)  # "x10 + x11": variables
    if float(amount.replace(",", "")) >= 10 or _MULTIPLIER_WORD.match(match.string, match.end()):
        return f"{number(amount)} times"
    return match.group(0)


def _multiplier(match: re.Match[str]) -> str:
    low, high = match.groups()
    if not high:
        return f"{number(low)} times"
    return f"{number(low)} {range_word(match)} {number(high)} times"
