"""Calendar dates, decades, eras and quarters as a narrator says them (clock times are in
normalize_times.py).

Numeric dates follow US order (month first) unless the first part cannot be a month
("15/01/2020" is the fifteenth of January); ISO dates (2024-03-05) are read month first too.
"""

from __future__ import annotations

import re

from postcast.narration.normalize_fractions import PLURAL_FOLLOWS
from postcast.narration.spoken_numbers import (
    MONTHS,
    decade,
    ordinal,
    range_word,
    two_digit_year,
    year,
)

_MONTH_NUMBERS = {name.lower(): index for index, name in enumerate(MONTHS, start=1)}
_MONTH_NUMBERS.update(
    {name.lower()[:3]: index for index, name in enumerate(MONTHS, start=1)} | {"sept": 9}
)
# "May", "March" and "Mar" are ordinary words too: only their capitalised forms are months.
MONTH = (
    r"(?:(?i:january|february|april|june|july|august|september|october|november|december"
    r"|jan|feb|apr|jun|jul|aug|sept|sep|oct|nov|dec)|May|MAY|March|MARCH|Mar|MAR)"
    r"(?![A-Za-z])\.?"
)
DAY_SUFFIX = r"(?:st|nd|rd|th|ST|ND|RD|TH)"
_SENTENCE_GOES_ON = re.compile(r"\s+[A-Z\"“‘(]|\s*$")

_MONTH_DAY_YEAR = re.compile(
    rf"(?=[JjFfMmAaSsOoNnDd])\b(?P<month>{MONTH})[ \t-]+(?P<day>\d{{1,2}}){DAY_SUFFIX}?(?!\d)"
    rf"(?:(?P<sep>,?[ \t-]+)(?P<year>\d{{4}})(?![\w:]))?"
)
_DAY_MONTH_YEAR = re.compile(
    rf"(?=\d)\b(?P<day>\d{{1,2}}){DAY_SUFFIX}?(?:\s+of)?[ \t-]+"
    rf"(?P<month>{MONTH}|(?i:may)(?=\s+\d{{4}}))"
    rf"(?:(?P<sep>,?\s+)(?P<year>\d{{4}})(?![\w:]))?"
)
_MONTH_YEAR = re.compile(
    rf"(?=[JjFfMmAaSsOoNnDd])\b(?P<month>{MONTH})(?P<sep>,?\s+)(?P<year>\d{{4}}|['’]\d\d)(?![\w:])"
)
_DAY_RANGE = (
    rf"(?P<first>\d{{1,2}}){DAY_SUFFIX}?(?:\s*[-–—]\s*|\s+to\s+)(?P<last>\d{{1,2}}){DAY_SUFFIX}?"
)
_YEAR_AFTER = r"(?:(?P<sep>,?\s+)(?P<year>\d{4})(?![\w:]))?"
# "14–15 May 2026" and "May 14–15": one span of days, read the same way as a single date.
_DAYS_MONTH = re.compile(
    rf"(?=\d)(?<![\w.,/-]){_DAY_RANGE}(?:\s+of)?\s+(?P<month>{MONTH}){_YEAR_AFTER}"
)
_MONTH_DAYS = re.compile(
    rf"(?=[JjFfMmAaSsOoNnDd])\b(?P<month>{MONTH})[ \t]+{_DAY_RANGE}(?![\d:/]){_YEAR_AFTER}"
)
# "Mar 3 – Apr 5", "30 May – 1 June": two whole dates, each read on its own, joined by "to"
_WHOLE_DATE = rf"(?:\b{MONTH}[ \t]+\d{{1,2}}{DAY_SUFFIX}?|\d{{1,2}}{DAY_SUFFIX}?[ \t]+{MONTH})"
_DATE_DASH_DATE = re.compile(
    rf"(?<![\w.,/-]){_WHOLE_DATE}(?P<dash>\s*[-–—]\s*)(?=(?:{MONTH})[ \t]+\d|{_WHOLE_DATE})"
)


def _date_dash_date(match: re.Match[str]) -> str:
    first = match.group(0)[: match.start("dash") - match.start()]
    return f"{first} {range_word(match)} "


_SHORT_DATE = re.compile(r"(?=\d)(?<![\w/.,-])(\d{1,2})/(\d{1,2})(?![\w/-]|[.,]\d)")
# A month/day pair is a date only where a date is expected ("due 3/14"); else a fraction.
_DATE_CUES = frozenset(
    ("on", "until", "till", "since", "before", "after", "due", "through", "thru", "dated",
     "deadline", "starting", "ending", "opens", "closes", "starts", "ends", "begins", "expires",
     "launches", "updated", "edited", "monday", "tuesday", "wednesday", "thursday", "friday",
     "saturday", "sunday")  # "Tuesday 12/3", "Fri, 1/10" (the weekday said in full by then)
)  # fmt: skip
# "rose from 1/3 to 2/3", "cut by 2/3": after these a pair is a date only if the day
# cannot be a common fraction's denominator ("by 3/14").
_WEAK_DATE_CUES = frozenset(("by", "from", "to"))
_WORD_BEFORE = re.compile(r"([A-Za-z]+),?[ \t]+$")
_FOLLOWED_BY_OF = re.compile(r"\s+of\b")
_ISO_DATE = re.compile(r"(?=\d)(?<![\d./-])(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?![\d./-]?\d)")
_NUMERIC_DATE = re.compile(
    r"(?=\d)(?<![\d./-])(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})(?![\d./-]?\d)"
    r"|(?=\d)(?<![\d./-])(\d{1,2})([.-])(\d{1,2})\5(\d{4})(?![\d./-]?\d)"
)
_DECADE = r"(?:\d{2,3}0|['’]\d0|\d0)['’]?s\b"
_DECADES = re.compile(rf"(?=[\d'’])(?<![\w'’.,])({_DECADE})(?:\s*[-–—]\s*({_DECADE}))?")
_ERA = re.compile(
    r"(?=\d)(?<![\w.,])(\d{1,4})\s?(A\.?D|B\.?C\.?E|B\.?C|C\.?E)(\.?)(?![\w])"
    r"|(?=A)\b(A\.?D)\.?\s(\d{1,4})(?![\w.,]?\d)"
)
_QUARTER = re.compile(
    r"(?=[1-4])\b(?P<number>[1-4])Q(?P<short_year>\d{2}|\d{4})\b"
    r"|(?=Q)\bQ(?P<q_number>[1-4])(?:\s?[-–—]\s?Q?(?P<last>[1-4]))?"
    r"(?:\s+(?P<long_year>\d{4})|['’](?P<q_short_year>\d{2}))\b"
)
# "H1 2025": a half of the year
_HALF = re.compile(r"(?=H)\bH(?P<half>[12])\s+(?P<year>\d{4})\b")
# "2020/21", "2023-24": a fiscal or academic year spanning two calendar years
# (after "FY" too: "FY2024-25", a fiscal year)
_SPLIT_YEAR = re.compile(
    r"(?:(?P<fiscal>FY)|(?=[12])(?<![\w./-]))(?P<first>(?:19|20)\d\d)[/–-](?P<second>\d\d)"
    r"(?![\w./-]|[.,]\d)"
)


def period_if_sentence_ends(match: re.Match[str], consumed: str) -> str:
    """A "." to put back when `consumed` (a match's text) swallowed a sentence's full stop."""
    if not consumed.endswith("."):
        return ""
    return "." if _SENTENCE_GOES_ON.match(match.string, match.end()) else ""


def _article(match: re.Match[str]) -> str:
    """ "the " before a spoken date, unless the text has it or another determiner ("on the
    14th", "our Q4 results": "our fourth quarter", not "our the fourth quarter")."""
    window = max(0, match.start() - 8)
    return "" if _DETERMINER_BEFORE.search(match.string, window, match.start()) else "the "


_DETERMINER_BEFORE = re.compile(r"(?i:\b(?:the|our|their|its|this|that|his|her|my|your))\s+$")


def month_name(written: str) -> str:
    return MONTHS[_MONTH_NUMBERS[written.rstrip(".").lower()] - 1]


def _year_part(match: re.Match[str]) -> str:
    written = match.group("year")
    if not written:
        return ""
    comma = "," if "," in match.group("sep") else ""
    if written[0] in "'’":  # "Jan '24"
        return f"{comma} {two_digit_year(written[1:])}"
    return f"{comma} {year(int(written))}"


def _month_day_year(match: re.Match[str]) -> str:
    day = int(match.group("day"))
    if not 1 <= day <= 31:
        return match.group(0)
    return f"{month_name(match.group('month'))} {ordinal(day)}{_year_part(match)}"


def _day_month_year(match: re.Match[str]) -> str:
    day = int(match.group("day"))
    if not 1 <= day <= 31:
        return match.group(0)
    article = _article(match)
    month = month_name(match.group("month"))
    spoken = f"{article}{ordinal(day)} of {month}{_year_part(match)}"
    return spoken + period_if_sentence_ends(match, match.group(0))


def _day_span(match: re.Match[str]) -> tuple[int, int] | None:
    first, last = int(match.group("first")), int(match.group("last"))
    return (first, last) if 1 <= first < last <= 31 else None


def _days_month(match: re.Match[str]) -> str:
    days = _day_span(match)
    if days is None:
        return match.group(0)
    article = _article(match)
    month = month_name(match.group("month"))
    joined = range_word(match)
    spoken = f"{article}{ordinal(days[0])} {joined} the {ordinal(days[1])} of {month}"
    return spoken + _year_part(match) + period_if_sentence_ends(match, match.group(0))


def _month_days(match: re.Match[str]) -> str:
    days = _day_span(match)
    if days is None:
        return match.group(0)
    month = month_name(match.group("month"))
    joined = range_word(match)
    return f"{month} {ordinal(days[0])} {joined} {ordinal(days[1])}{_year_part(match)}"


def _short_date(match: re.Match[str]) -> str:
    before = _WORD_BEFORE.search(match.string, max(0, match.start() - 20), match.start())
    cue = before.group(1).lower() if before else ""
    month, day = int(match.group(1)), int(match.group(2))
    if cue not in _DATE_CUES and (cue not in _WEAK_DATE_CUES or day < 13):
        return match.group(0)
    if _FOLLOWED_BY_OF.match(match.string, match.end()):
        return match.group(0)  # "by 1/3 of the budget": a fraction
    if month < day <= 12 and PLURAL_FOLLOWS.match(match.string, match.end()):
        # "on 7/10 tasks": a score ("starting 9/1 students", "on 1/15 applications" dates)
        return match.group(0)
    if not (1 <= month <= 12 and 1 <= day <= 31) or (month == 1 and day < 10):
        return match.group(0)  # "1/4" after "by" is more often a fraction than 4 January
    return f"{MONTHS[month - 1]} {ordinal(day)}"


def _month_year(match: re.Match[str]) -> str:
    return f"{month_name(match.group('month'))}{_year_part(match)}"


def _spoken_date(month: int, day: int, written_year: str, day_first: bool) -> str | None:
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    spoken_year = (
        year(int(written_year)) if len(written_year) == 4 else two_digit_year(written_year)
    )
    if day_first:
        return f"the {ordinal(day)} of {MONTHS[month - 1]} {spoken_year}"
    return f"{MONTHS[month - 1]} {ordinal(day)} {spoken_year}"


def _iso_date(match: re.Match[str]) -> str:
    written_year, _, month, day = match.groups()
    spoken = _spoken_date(int(month), int(day), written_year, day_first=False)
    return spoken or match.group(0)


def _numeric_date(match: re.Match[str]) -> str:
    groups = match.groups()
    first, second, written_year = groups[0:3] if groups[0] else (groups[3], groups[5], groups[6])
    day_first = int(first) > 12
    month, day = (int(second), int(first)) if day_first else (int(first), int(second))
    return _spoken_date(month, day, written_year, day_first) or match.group(0)


def _decade_words(written: str) -> str:
    return decade(int(written.strip("'’").removesuffix("s").strip("'’")))


# "in '02", "class of ’98": a year written with its century left out
_SHORT_YEAR = re.compile(r"(?=['’])(?<![\w'’])['’](\d\d)\b(?!['’]|[.,]\d)")


# "'24–'25", "the '23-'24 season": two such years, a range
_SHORT_YEAR_RANGE = re.compile(
    r"(?=['’])(?<![\w'’])['’](\d\d)\s?[-–—]\s?['’](\d\d)\b(?!['’]|[.,]\d)"
)


_QUOTE_CLOSES = re.compile(r"[^\n'’]{0,200}?\w['’](?!\w)")


def _short_year(match: re.Match[str]) -> str:
    if _QUOTE_CLOSES.match(match.string, match.end()):
        return match.group(0)  # "'12 points'": a quotation opening, not a year
    return two_digit_year(match.group(1))


def _short_year_range(match: re.Match[str]) -> str:
    first, second = match.groups()
    return f"{two_digit_year(first)} {range_word(match)} {two_digit_year(second)}"


def _decades(match: re.Match[str]) -> str:
    first, second = match.groups()
    if not second:
        return _decade_words(first)
    return f"{_decade_words(first)} {range_word(match)} {_decade_words(second)}"


def _era(match: re.Match[str]) -> str:
    number, era, dot, prefix_era, prefix_number = match.groups()
    if prefix_era:
        return f"{_dotted(prefix_era)} {year(int(prefix_number))}"
    return f"{year(int(number))} {_dotted(era)}" + period_if_sentence_ends(match, dot)


def _dotted(letters: str) -> str:
    # "A.D" (no final dot) makes the voice spell the letters without ending the sentence.
    return ".".join(letters.replace(".", ""))


def _quarter(match: re.Match[str]) -> str:
    written_year = (
        match.group("short_year") or match.group("long_year") or match.group("q_short_year")
    )
    spoken_year = (
        year(int(written_year)) if len(written_year) == 4 else two_digit_year(written_year)
    )
    article = _article(match)
    first = ordinal(int(match.group("number") or match.group("q_number")))
    if match.group("last"):  # "Q1–Q3 2025"
        last = ordinal(int(match.group("last")))
        first = f"{first} {range_word(match)} the {last}"
    return f"{article}{first} quarter of {spoken_year}"


def _half(match: re.Match[str]) -> str:
    article = _article(match)
    which = "first" if match.group("half") == "1" else "second"
    return f"{article}{which} half of {year(int(match.group('year')))}"


def _split_year(match: re.Match[str]) -> str:
    fiscal, first, second = match.group("fiscal", "first", "second")
    if int(second) != (int(first) + 1) % 100:
        return match.group(0)  # not consecutive years: a range or a code, read elsewhere
    spoken = f"{year(int(first))} {range_word(match)} {two_digit_year(second)}"
    return f"{fiscal} {spoken}" if fiscal else spoken


def normalize_dates(text: str) -> str:
    """Dates, decades, eras and quarters to words; plain years are left to the number rules."""
    if not any(char.isdigit() for char in text):
        return text
    for pattern, speak in (
        (_DATE_DASH_DATE, _date_dash_date),
        (_ISO_DATE, _iso_date),
        (_NUMERIC_DATE, _numeric_date),
        (_SHORT_DATE, _short_date),
        (_DAYS_MONTH, _days_month),
        (_MONTH_DAYS, _month_days),
        (_MONTH_DAY_YEAR, _month_day_year),
        (_DAY_MONTH_YEAR, _day_month_year),
        (_MONTH_YEAR, _month_year),
        (_DECADES, _decades),
        (_SHORT_YEAR_RANGE, _short_year_range),
        (_SHORT_YEAR, _short_year),
        (_ERA, _era),
        (_QUARTER, _quarter),
        (_HALF, _half),
        (_SPLIT_YEAR, _split_year),
    ):
        text = pattern.sub(speak, text)
    return text
