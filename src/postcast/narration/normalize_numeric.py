"""Measures, ranges, ordinals and plain numbers as spoken words (money is in
`normalize_money`, fractions and scores in `normalize_fractions`).

Each `normalize_*` function is one pass over the text; `postcast.narration.normalize` runs
them in order, most specific first, so that "$2.5 million" is money before "2.5" is a number.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from postcast.narration.spoken_numbers import (
    cardinal,
    digits,
    fraction,
    integer,
    mixed_fraction,
    number,
    ordinal,
    range_word,
    year,
)

AMOUNT = r"(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+)"
SCALES = {"thousand": "thousand", "million": "million", "billion": "billion"}
SCALES |= {"trillion": "trillion", "k": "thousand", "m": "million", "mn": "million"}
SCALES |= {"b": "billion", "bn": "billion", "t": "trillion", "tn": "trillion"}
SCALE = r"(?:thousand|million|billion|trillion|(?i:mn|bn|tn|[kmb])(?![A-Za-z])|[tT](?![A-Za-z]))"
SCALE_WORD = r"(?:thousand|million|billion|trillion)"
DASH = r"\s*[-–—]\s*"


@dataclass(frozen=True)
class Unit:
    singular: str
    plural: str
    only_after_slash: bool
    only_attached: bool = False  # "25C" is a temperature, "3 C programs" a language


@cache
def _units() -> dict[str, Unit]:
    rows = files("postcast.narration").joinpath("data/units.tsv").read_text(encoding="utf-8")
    table = {}
    for row in csv.reader(rows.splitlines(), delimiter="\t"):
        if row and not row[0].startswith("#"):
            table[row[0]] = Unit(row[1], row[2], row[3] == "per", row[3] == "attached")
    return table


def find_unit(written: str, after_slash: bool = False) -> Unit | None:
    """The unit written `written` ("kg", "KG", "°C"); None if it is not one we read out."""
    table = _units()
    unit = table.get(written)
    if unit is None and len(written) > 1:
        # "KG", "Km": a case slip; single letters stay case-sensitive ("G" is not "g").
        unit = table.get(written.lower())
    if unit is None or (unit.only_after_slash and not after_slash):
        return None
    return unit


@cache
def _unit_pattern() -> str:
    names = sorted(_units(), key=len, reverse=True)
    return "(?i:" + "|".join(re.escape(name) for name in names) + ")"


@cache
def _measure_regexes() -> tuple[re.Pattern[str], re.Pattern[str]]:
    unit = _unit_pattern()
    amount = rf"(?:(?:\d+ )?\d+/\d+(?=\s?[^\s\d/])|{AMOUNT})"  # one group: "-" signs both
    measure = (
        rf"(?P<amount>{amount})(?:\s(?P<scale>{SCALE_WORD}))?(?P<sep>\s?|-)"
        rf"(?:(?P<unit>{unit})(?P<power>[23²³](?!\d))?(?:/(?P<per>{unit})(?P<per_power>[23²³](?!\d))?)?"
        rf"|/(?P<per_only>{unit}))"
        r"(?![\w])(?:\.(?=[ \t]+[a-z]))?"  # "6 mo. into it": the unit's dot, not a full stop
    )
    signed = measure.replace("(?P<amount>", "(?P<amount>-?", 1)  # "-18°C"
    single = re.compile(rf"(?=[-\d.])(?<![\w.,/-]){signed}")
    ranged = re.compile(rf"(?=[\d.])(?<![\w.,/-])(?P<low>{AMOUNT}){DASH}{measure}")
    return single, ranged


# "a $2M round", "an 8 km walk": an amount between an article and a noun qualifies the noun
# The article may be a compound adjective or two away: "a 6-month, $100k grant".
_ARTICLE_BEFORE = re.compile(r"(?:^|\s)an?\s(?:[\w]+-[\w-]+,?\s){0,2}$", re.IGNORECASE)
_NOUN_AFTER = re.compile(
    r"\s(?!(?:in|of|for|per|a|an|the|and|or|to|from|each|on|at|by|with|is|was|are|were|"
    r"this|that|it|as|than|more|less|worth|back|now|so|but|if|when)\b)"
    # "a 2 TB SSD", "a $5M NGO": an acronym names a thing too; "a $20M Series B" a round
    r"(?:[a-z]|[A-Z]{2,}s?\b|Series [A-Z]\b)"
)


# "(5 min read)": a post's reading time qualifies "read" with or without an article
_READING_TIME = re.compile(r"\s+read\b")


def attributive(match: re.Match[str]) -> bool:
    """Whether the amount `match` found stands before a noun, after "a" or "an"."""
    if _READING_TIME.match(match.string, match.end()):
        return True
    before = match.string[max(0, match.start() - 40) : match.start()]
    return bool(_ARTICLE_BEFORE.search(before) and _NOUN_AFTER.match(match.string, match.end()))


def _speak_amount(amount: str) -> str:
    if amount.startswith("-"):
        return f"minus {_speak_amount(amount[1:])}"
    if "/" in amount:
        whole, _, rest = amount.rpartition(" ")
        top, _, bottom = rest.partition("/")
        if whole:
            return mixed_fraction(int(whole), int(top), int(bottom))
        return fraction(int(top), int(bottom))
    return number(amount)


_SIMPLE_FRACTION = re.compile(r"-?[1-9]\d*/(?:[2-9]|[1-9]\d+)")


def _simple_fraction(amount: str) -> bool:
    """ "1/2", "5/4" with no whole part: so many parts "of a" unit, "three quarters of a mile"."""
    return _SIMPLE_FRACTION.fullmatch(amount) is not None


def _indefinite(noun: str) -> str:
    """ "a mile", "an hour", "an inch" (the units' names: no "a unit" or "an euro" among them)."""
    return f"an {noun}" if noun[0] in "aeiou" or noun.startswith("hour") else f"a {noun}"


_TIME_UNITS = frozenset(("second", "minute", "hour", "millisecond"))


def _per(unit: Unit, power: str | None) -> str:
    """ "per second squared" (an acceleration), "per cubic meter" (a density)."""
    if not power:
        return f"per {unit.singular}"
    squared = power in "2²"
    if unit.singular in _TIME_UNITS:
        return f"per {unit.singular} {'squared' if squared else 'cubed'}"
    return f"per {'square' if squared else 'cubic'} {unit.singular}"


def _speak_measure(match: re.Match[str], low: str | None = None) -> str | None:
    written_unit, per = match.group("unit"), match.group("per") or match.group("per_only")
    unit = find_unit(written_unit) if written_unit else None
    per_unit = find_unit(per, after_slash=True) if per else None
    if (written_unit and unit is None) or (per and per_unit is None) or not (unit or per_unit):
        return None
    if unit and unit.only_attached and (match.group("sep") or match.group("scale")):
        return None
    amount, scale = match.group("amount"), match.group("scale")
    words = [_speak_amount(amount)]
    if low is not None:
        words = [number(low), range_word(match), *words]
    if scale:
        words.append(scale)
    if unit:
        before_noun = match.group("sep") == "-" or attributive(match)  # "a 3-5 yr project"
        singular = (before_noun or (amount == "1" and low is None)) and not scale
        power = {"2": "square ", "²": "square ", "3": "cubic ", "³": "cubic "}
        prefix = power.get(match.group("power") or "", "")
        if match.group("power") and not prefix:
            return None
        named = prefix + (unit.singular if singular else unit.plural)
        if _simple_fraction(amount) and low is None and not scale and not before_noun:
            # "three quarters of a mile" ("a 1/2 kg bag" is "a one half kilogram bag")
            named = f"of {_indefinite(prefix + unit.singular)}"
        words.append(named)
    elif match.group("power"):
        return None
    if per_unit:
        words.append(_per(per_unit, match.group("per_power")))
    return " ".join(words)


_PERCENT_RANGE = re.compile(r"(?=\d)(\d)\s?%\s?[-–—]\s?(?=[\d.]+\s?%)")


# "tokens/s", "requests/hr", "people/km²": a count per unit, after a word rather than a
# number. Only units no one writes as a word after a slash ("and/or", "he/she", "in/out"):
# times, areas (a power makes "m" a metre) and a few masses and sizes.
_PER_UNIT_AFTER_WORD = re.compile(
    r"(?<=[a-z]{2})/(s|sec|min|h|hr|d|day|wk|week|mo|month|yr|year"
    r"|(?:km|m|mi|ft|cm)(?=[2²])|kg|lb|kWh|GB|TB)([2²])?(?![\w/])"
)


def _per_unit_after_word(match: re.Match[str]) -> str:
    unit = find_unit(match.group(1), after_slash=True)
    return f" {_per(unit, match.group(2))}" if unit else match.group(0)


# "3h 45m", "2h30m", "1m30s": a duration in clock units, where "m" is minutes, not metres
_CLOCK_DURATION = re.compile(
    r"(?=\d)(?<![\w.])(?:(?P<h>\d+)h\s?(?P<hm>\d+)m|(?P<m>\d+)m\s?(?P<s>\d+)s)(?![\w])"
)


def _clock_duration(match: re.Match[str]) -> str:
    def unit(count: str, name: str) -> str:
        return f"{cardinal(int(count))} {name}{'' if int(count) == 1 else 's'}"

    if match.group("h"):
        return f"{unit(match.group('h'), 'hour')} {unit(match.group('hm'), 'minute')}"
    return f"{unit(match.group('m'), 'minute')} {unit(match.group('s'), 'second')}"


def normalize_measures(text: str) -> str:
    """Reads "12kg" -> "twelve kilograms", "5-10%" -> "five to ten percent", "2°C", "3 km²"."""
    text = _CLOCK_DURATION.sub(_clock_duration, text)
    single, ranged = _measure_regexes()
    text = _PERCENT_RANGE.sub(r"\1-", text)  # "10%-20%" is said "ten to twenty percent"

    def one(match: re.Match[str]) -> str:
        return _speak_measure(match) or match.group(0)

    def both(match: re.Match[str]) -> str:
        return _speak_measure(match, low=match.group("low")) or match.group(0)

    text = single.sub(one, ranged.sub(both, text))
    return _PER_UNIT_AFTER_WORD.sub(_per_unit_after_word, text) if "/" in text else text


_FEET_INCHES = re.compile(r"(?=\d)(?<![\w.'‘])(\d+)['′]\s?(?:(\d+)(?:\"|″|''))?(?![\w'])")


def normalize_feet_and_inches(text: str) -> str:
    """Reads 6'2" as "six foot two" and 8' as "eight feet"."""
    if "'" not in text and "′" not in text:
        return text
    return _FEET_INCHES.sub(
        lambda found: (
            f"{cardinal(int(found.group(1)))} foot {cardinal(int(found.group(2)))}"
            if found.group(2)
            else f"{cardinal(int(found.group(1)))} {'foot' if found.group(1) == '1' else 'feet'}"
        ),
        text,
    )


_ORDINAL_SUFFIX = r"(?:st|nd|rd|th|ST|ND|RD|TH)"
_PHONE = re.compile(r"(?=[\d(])(?<![\w(-])(?:\(\d{3}\)\s?|\d{3}[-.\s])?\d{3}-\d{4}(?![\w-]|[.,]\d)")
_PHONE_GROUP = re.compile(r"\d+")


# "+44 20 7946 0958", "+1 (555) 010-0100": a country code and two to five groups (an
# international number has 8 to 15 digits, ITU E.164)
_INTERNATIONAL_PHONE = re.compile(
    r"(?<![\w+])\+(\d{1,3})((?:[ .-]\(?\d{1,8}\)?){2,5})(?![\w-]|[.,]\d)"
)


def _international_phone(found: re.Match[str]) -> str:
    groups = _PHONE_GROUP.findall(found.group(2))
    if not 8 <= len(found.group(1)) + sum(map(len, groups)) <= 15:
        return found.group(0)
    return "plus " + ", ".join(digits(group) for group in [found.group(1), *groups])


def normalize_phone_numbers(text: str) -> str:
    """Reads "555-1234", "(555) 123-4567" and "+44 20 7946 0958" digit by digit, a pause
    between the groups."""
    if "+" in text:
        text = _INTERNATIONAL_PHONE.sub(_international_phone, text)
    return _PHONE.sub(
        lambda found: ", ".join(digits(group) for group in _PHONE_GROUP.findall(found.group(0))),
        text,
    )


_RANGE = re.compile(
    rf"(?=[\d.])(?<![\w.,/-])({AMOUNT})({DASH})({AMOUNT})(k|K|M|B|bn)?(?![\w/-]|[.,]\d)"
)
_RANGE_SCALES = {"k": "thousand", "K": "thousand", "M": "million", "B": "billion"}
_RANGE_SCALES |= {"bn": "billion"}


def _is_year(written: str) -> bool:
    return len(written) == 4 and written.isdigit() and 1000 <= int(written) <= 2099


def _range(match: re.Match[str]) -> str:
    low, dash, high, scale = match.groups()
    joined = range_word(match)
    if scale:  # "40–60k": "forty to sixty thousand"
        return f"{number(low)} {joined} {number(high)} {_RANGE_SCALES[scale]}"
    if _is_year(low) and len(high) == 2:
        # "1960-80" is said "nineteen sixty to eighty"; "1998-03" crosses a century.
        if low[:2] + high > low:
            return f"{year(int(low))} {joined} {cardinal(int(high))}"
        high = str(int(low[:2]) + 1) + high
    if _is_year(low) and _is_year(high) and high > low:
        return f"{year(int(low))} {joined} {year(int(high))}"
    ascending = float(high.replace(",", "")) > float(low.replace(",", ""))
    if ascending or "–" in dash or "—" in dash:
        return f"{number(low)} {joined} {number(high)}"
    return f"{number(low)} {number(high)}"  # "6-4", "978-0": a score or a code, not a span


# "1,000s of posts": a round number in the plural, said as a word (the dates pass has
# already read "10s" and "100s" as it reads decades)
_ROUND_PLURAL = re.compile(r"(?<![\w.,$£€])(1(?:0|,?000)*)s(?=\s+of\b)")
_ROUND_PLURALS: tuple[str, ...] = ("tens", "hundreds", "thousands", "tens of thousands")
_ROUND_PLURALS += ("hundreds of thousands", "millions", "tens of millions")
_ROUND_PLURALS += ("hundreds of millions", "billions")


def normalize_round_plurals(text: str) -> str:
    """Reads "1,000s of" -> "thousands of" (not "one thousand seconds of")."""
    return _ROUND_PLURAL.sub(_round_plural, text) if "s of" in text else text


def _round_plural(match: re.Match[str]) -> str:
    zeros = match.group(1).count("0")
    return _ROUND_PLURALS[zeros - 1] if 1 <= zeros <= len(_ROUND_PLURALS) else match.group(0)


def normalize_ranges(text: str) -> str:
    """Reads "5-10" -> "five to ten", "2019–2023" -> "twenty nineteen to twenty twenty-three"."""
    return _RANGE.sub(_range, text)


_ORDINAL = re.compile(rf"(?=\d)(?<![\w.,])(\d{{1,3}}(?:,\d{{3}})+|\d+)({_ORDINAL_SUFFIX})(?![\w])")


def _expected_suffix(value: int) -> str:
    if value % 100 in (11, 12, 13):
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(value % 10, "th")


def _ordinal(match: re.Match[str]) -> str:
    written, suffix = match.groups()
    value = int(written.replace(",", ""))
    if suffix.lower() == _expected_suffix(value):
        return ordinal(value)
    return f"{integer(written)} {suffix}"  # "4rd" is not an ordinal: say what is written


# "4th–5th": a span of ordinals
_ORDINAL_RANGE = re.compile(
    rf"(?=\d)(?<![\w.,])(\d+{_ORDINAL_SUFFIX})\s?[-–—]\s?(?=\d+{_ORDINAL_SUFFIX}(?![\w]))"
)


def normalize_ordinals(text: str) -> str:
    """Reads "21st" -> "twenty-first"; a mismatched suffix ("4rd") is read as written."""
    text = _ORDINAL_RANGE.sub(lambda found: f"{found.group(1)} {range_word(found)} ", text)
    return _ORDINAL.sub(_ordinal, text)
