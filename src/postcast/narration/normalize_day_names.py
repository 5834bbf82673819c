"""Named days and months as a narrator says them: "Mon–Fri", "Jan–Jun 2026",
"Sat., Jan. 4", "apply by Fri.".

A pass of its own, run just before `normalize_dates` (see `postcast.narration.normalize`):
spans must be read before the date rules turn "Jan 2025" into words.
"""

from __future__ import annotations

import re

from postcast.narration.normalize_dates import (
    DAY_SUFFIX,
    MONTH,
    month_name,
    period_if_sentence_ends,
)
from postcast.narration.spoken_numbers import range_word, year

_WEEKDAYS = {"mon": "Monday", "tue": "Tuesday", "tues": "Tuesday", "wed": "Wednesday"}
_WEEKDAYS |= {"thu": "Thursday", "thur": "Thursday", "thurs": "Thursday", "fri": "Friday"}
_WEEKDAYS |= {"sat": "Saturday", "sun": "Sunday"}
_WEEKDAY = "(?:Mon|Tues?|Wed|Thu(?:rs?)?|Fri|Sat|Sun)"
# "Mon–Fri": a span of weekdays (a lone "Sun" or "Wed" may be a word or a name)
_WEEKDAY_RANGE = re.compile(rf"\b({_WEEKDAY})\.?\s?[-–—]\s?({_WEEKDAY})\b\.?")

# "Jan–Jun 2026", "Jan 2025–Mar 2026": a span of months, each with its year or not
_MONTH_SPAN = re.compile(
    rf"(?<![\w-])(?P<first>{MONTH})(?:\s(?P<first_year>\d{{4}}))?\s?[-–—]\s?"
    rf"(?P<last>{MONTH})(?:\s(?P<last_year>\d{{4}}))?(?![\w-])"
)


def _month_span(match: re.Match[str]) -> str:
    first, last = (month_name(match.group(part)) for part in ("first", "last"))
    first += f" {year(int(match.group('first_year')))}" if match.group("first_year") else ""
    last += f" {year(int(match.group('last_year')))}" if match.group("last_year") else ""
    return f"{first} {range_word(match)} {last}" + period_if_sentence_ends(match, match.group(0))


# "Sat., Jan. 4", "Fri 14 March", "Tue 12/3": an abbreviated weekday before a date (alone,
# "Sun." may be the star and "Wed" a word; "the Sun 5 March" is a newspaper)
_WEEKDAY_BEFORE_DATE = re.compile(
    rf"(?<!the )(?<!The )\b({_WEEKDAY})\.?(?=,?\s+(?:{MONTH}|\d{{1,2}}{DAY_SUFFIX}?\s+{MONTH}"
    r"|\d{1,2}/\d{1,2}(?![\d/])))"
)

# "apply by Fri.", "every Wed": an abbreviated weekday where a day is expected
_WEEKDAY_AFTER_CUE = re.compile(
    rf"\b(?P<cue>by|on|until|till|before|after|next|this|last|every) (?P<day>{_WEEKDAY})\b\.?"
)


# "Dec 1 (Mon)": a weekday on its own in brackets
_WEEKDAY_IN_BRACKETS = re.compile(rf"(?<=\()({_WEEKDAY})\.?(?=\))")


def _full_weekday(match: re.Match[str]) -> str:
    return _WEEKDAYS[match.group(1).lower()]


def _weekday_after_cue(match: re.Match[str]) -> str:
    day = _WEEKDAYS[match.group("day").lower()]
    return f"{match.group('cue')} {day}" + period_if_sentence_ends(match, match.group(0))


def _weekday_range(match: re.Match[str]) -> str:
    first, last = (_WEEKDAYS[day.lower()] for day in match.groups())
    spoken = f"{first} {range_word(match)} {last}"
    return spoken + period_if_sentence_ends(match, match.group(0))


def normalize_day_names(text: str) -> str:
    """Abbreviated weekdays and months in spans, before dates and after cue words."""
    if "-" in text or "–" in text or "—" in text:
        text = _WEEKDAY_RANGE.sub(_weekday_range, text)
        text = _MONTH_SPAN.sub(_month_span, text)
    text = _WEEKDAY_BEFORE_DATE.sub(_full_weekday, text)
    if "(" in text:
        text = _WEEKDAY_IN_BRACKETS.sub(_full_weekday, text)
    return _WEEKDAY_AFTER_CUE.sub(_weekday_after_cue, text)
