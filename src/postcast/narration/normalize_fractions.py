"""Fractions, scores and tallies: "3/4" is "three quarters", "7/10 runs" "seven out of ten",
"12/15 passed" "twelve out of fifteen", "2 1/2" "two and a half"."""

from __future__ import annotations

import math
import re

from postcast.narration.spoken_numbers import fraction, integer, mixed_fraction, number

_FRACTION_SUFFIX = r"(?:(?:st|nd|rd|th|ST|ND|RD|TH)[sS]?)"  # "1/3rd", "7/10ths"
_MIXED_FRACTION = re.compile(
    rf"(?=\d)(?<![\w/.,])(\d+) (\d+)/(\d+){_FRACTION_SUFFIX}?(?![\w/]|[.,]\d)"
)
# a whole number, its thousands grouped or not ("1/1,000,000")
_WHOLE = r"\d{1,3}(?:,\d{3})+(?!\d)|\d+"
_FRACTION = re.compile(
    rf"(?=\d)(?<![\w/.,])({_WHOLE})(\s?/\s?)({_WHOLE})({_FRACTION_SUFFIX})?(?![\w/]|[.,]\d)"
)


# "3/5 runs", "on 7/10 tasks": a plural noun after a pair of numbers is what they count
PLURAL_FOLLOWS = re.compile(
    r"\s+(?!(?:was|has|this|its|his|plus|versus|across|unless|thus|whereas|perhaps)\b)"
    r"[a-z]{2,}[^s\W]s\b"
)

# "The ratio 5/8 recurs": after a noun that the pair is the value of, an -s word is a verb
_NAMED_BEFORE = re.compile(
    r"\b(?i:ratio|score|rate|fraction|share|odds|split|proportion|grade|rating|result|estimate"
    r"|probability|chance|value|number|figure|answer|mix|balance)\s$"
)


_OF_FOLLOWS = re.compile(r"\s+of\b")
_EVEN_PAIRS = frozenset(["20", "50"])  # "20/20 vision", "a 50/50 chance": said as pairs
# "7/9 correct", "3/20 failed": what a count of trials came to
_OUTCOME_FOLLOWS = re.compile(
    r"\s+(?:(?:were|was|are|is|got)\s+)?(?:passed|failed|correct|incorrect|right|wrong|"
    r"succeeded|completed|solved|replicated|agreed|disagreed|survived|answered|done)\b"
)
_CLAUSE_ENDS = re.compile(r"\s*(?:[.,;:!?)]|$)")


def _fraction(match: re.Match[str]) -> str:
    written_top, written_bottom = match.group(1, 3)
    top, bottom = (int(written.replace(",", "")) for written in (written_top, written_bottom))
    if _out_of(match, top, bottom):
        return f"{integer(written_top)} out of {integer(written_bottom)}"
    if bottom == 0 or top >= bottom >= 10:
        # "50/50", "80/20", "20/20 vision": a pair of numbers, not a fraction.
        return f"{integer(written_top)} {integer(written_bottom)}"
    return fraction(top, bottom)


def _out_of(match: re.Match[str], top: int, bottom: int) -> bool:
    """A pair read "N out of M" rather than as a fraction: a score ("a 7/10 rating", a
    perfect "36/36"), counted things ("3/5 runs", "4/12 respondents") or a tally ("12/15
    passed")."""
    written_top, _slash, written_bottom, suffix = match.groups()
    if written_top == written_bottom and top > 1 and written_top not in _EVEN_PAIRS:
        return True
    if suffix:
        return False
    if 100 <= top < bottom:
        return True  # "1500/1600 on the SAT": nobody says fifteen hundred sixteen-hundredths
    if _OF_FOLLOWS.match(match.string, match.end()) is None and (
        (written_bottom == "10" and 1 < top <= 10) or _a_tally(top, bottom, match)
    ):
        return True
    counted = PLURAL_FOLLOWS.match(match.string, match.end()) and not _NAMED_BEFORE.search(
        match.string, max(0, match.start() - 20), match.start()
    )
    return bool(counted) and 0 < top < bottom <= 100


def _a_tally(top: int, bottom: int, match: re.Match[str]) -> bool:
    """A count out of a total, not a fraction: a pair of small numbers before an outcome
    counts trials, and a fraction left unreduced at the end of a clause is a score ("Score:
    12/15.": nobody writes twelve fifteenths for four fifths)."""
    if not 1 < top < bottom <= 100:
        return False
    if bottom > 4 and _OUTCOME_FOLLOWS.match(match.string, match.end()):
        return True  # "2/3 disagreed" stays "two thirds": halves to quarters are said so
    return math.gcd(top, bottom) > 1 and _CLAUSE_ENDS.match(match.string, match.end()) is not None


_SCORE = re.compile(r"(?=\d)(?<![\w/.,])(\d+\.\d+)\s?/\s?(\d+)(?![\w/]|[.,]\d)")


def normalize_fractions(text: str) -> str:
    """Reads "3/4" -> "three quarters", "2 1/2" -> "two and a half", "1/3rd" -> "one third"."""
    if "/" not in text:
        return text
    # "4.5/5 stars": a decimal over a whole number is a score.
    text = _SCORE.sub(
        lambda found: f"{number(found.group(1))} out of {integer(found.group(2))}", text
    )
    text = _MIXED_FRACTION.sub(
        lambda found: mixed_fraction(*(int(part) for part in found.groups())), text
    )
    return _FRACTION.sub(_fraction, text)
