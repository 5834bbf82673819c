"""Numbers as spoken English words: cardinals, ordinals, years, decimals, fractions, roman.

The words themselves come from `num2words`; this module adds the narrator's choices around
it (digit-by-digit reading, "oh" in years, fraction names, no commas inside a number).
"""

from __future__ import annotations

import re
from functools import lru_cache

from num2words import num2words

DIGIT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_LONGEST_NAMED = 36  # digits; num2words names numbers up to the undecillions
_FRACTION_SINGULAR = {2: "half", 4: "quarter"}
_FRACTION_PLURAL = {2: "halves", 4: "quarters"}
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
# num2words takes about 0.1 ms a call, and a post says the same numbers again and again.
_cached = lru_cache(maxsize=4096)
# "between 5 and 10": a dash after "between" is said "and", elsewhere "to".
_BETWEEN = re.compile(r"\bbetween\s+(?:the\s+)?$", re.IGNORECASE)
_ROMAN_CANONICAL = re.compile(r"M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})")


def _clean(words: str) -> str:
    # num2words separates thousands groups with commas; inside a number they only add pauses.
    return words.replace(",", "")


def range_word(match: re.Match[str]) -> str:
    """The word that joins a range written with a dash (`match` is the range): "and"
    after "between" ("between 2020 and 2024"), "to" everywhere else."""
    before = match.string[max(0, match.start() - 16) : match.start()]
    return "and" if _BETWEEN.search(before) else "to"


@_cached
def cardinal(number: int) -> str:
    """123 -> "one hundred and twenty-three"; negatives say "minus"."""
    if number < 0:
        return "minus " + cardinal(-number)
    if number >= 10**_LONGEST_NAMED:
        return digits(str(number))
    return _clean(num2words(number))


@_cached
def ordinal(number: int) -> str:
    """21 -> "twenty-first"."""
    if number >= 10**_LONGEST_NAMED:
        return digits(str(number)) + "th"
    return _clean(num2words(number, to="ordinal"))


def digits(text: str) -> str:
    """Reads "0042" -> "zero zero four two" (identifiers, leading zeros, long digit strings)."""
    return " ".join(DIGIT_WORDS[int(char)] for char in text if char.isdecimal())


@_cached
def year(number: int) -> str:
    """1994 -> "nineteen ninety-four", 2006 -> "two thousand and six", 1506 -> "fifteen oh six"."""
    if number < 100:
        return cardinal(number)
    return _clean(num2words(number, to="year")).replace("oh-", "oh ")


def two_digit_year(text: str) -> str:
    """The "98" of 01/07/98 or '98: "ninety-eight", "05" -> "oh five"."""
    return "oh " + DIGIT_WORDS[int(text[1])] if text.startswith("0") else cardinal(int(text))


def decade(number: int) -> str:
    """1980 -> "nineteen eighties", 2000 -> "two thousands", 80 -> "eighties"."""
    if number < 100:
        return plural(cardinal(number))
    if number in (100, 1000):
        return "hundreds" if number == 100 else "thousands"  # "100s of examples"
    if number % 100 == 0:
        return plural(year(number) if number % 1000 else cardinal(number))
    return plural(year(number))


def plural(words: str) -> str:
    """A number's words in the plural: "twenty" -> "twenties", "six" -> "sixes"."""
    if words.endswith("y"):
        return words[:-1] + "ies"
    if words.endswith("x"):
        return words + "es"
    return words + "s"


def integer(text: str) -> str:
    """A written integer ("1,234", "004", "-7") in words; leading zeros are read digit by digit."""
    negative = text.startswith(("-", "−"))
    body = text.lstrip("-−").replace(",", "")
    # Leading zeros mark codes; past the largest named scale a number can only be read out.
    as_digits = (len(body) > 1 and body.startswith("0")) or len(body) > _LONGEST_NAMED
    words = digits(body) if as_digits else cardinal(int(body))
    return "minus " + words if negative else words


def decimal(text: str) -> str:
    """Reads "12.050" -> "twelve point zero five zero", ".5" -> "point five"."""
    whole, _, fraction = text.partition(".")
    head = integer(whole) if whole.strip("-−") else ("minus" if whole else "")
    spoken = f"{head} point {digits(fraction)}" if fraction else head
    return spoken.strip()


def number(text: str) -> str:
    """Any written number with optional sign, thousands commas and decimals."""
    return decimal(text) if "." in text else integer(text)


def fraction(numerator: int, denominator: int) -> str:
    """3/4 -> "three quarters", 1/3 -> "one third", 5/1 -> "five over one", 7/256 -> "seven
    over two hundred and fifty-six"."""
    power_of_ten = str(denominator).rstrip("0") == "1"
    if denominator == 1 or (denominator > 100 and not power_of_ten):
        # "7/256": "seven over two hundred and fifty-six", not "seven two hundred and
        # fifty-sixths"; hundredths, thousandths and millionths keep their names
        return f"{cardinal(numerator)} over {cardinal(denominator)}"
    denominator_name = ordinal(denominator)
    if denominator >= 100 and power_of_ten:
        # num2words says "one hundredth"; after a numerator the "one" would be said twice.
        denominator_name = denominator_name.removeprefix("one ")
    if numerator == 1:
        name = _FRACTION_SINGULAR.get(denominator) or denominator_name
        return f"one {name}"
    name = _FRACTION_PLURAL.get(denominator) or denominator_name + "s"
    return f"{cardinal(numerator)} {name}"


def mixed_fraction(whole: int, numerator: int, denominator: int) -> str:
    """2 1/2 -> "two and a half"."""
    part = fraction(numerator, denominator)
    if numerator == 1 and denominator != 1:
        part = "a " + part.removeprefix("one ")
    return f"{cardinal(whole)} and {part}"


def roman_value(text: str) -> int | None:
    """Reads "XIV" -> 14; None when `text` is not a well-formed roman numeral."""
    if not text or not _ROMAN_CANONICAL.fullmatch(text):
        return None
    values = [_ROMAN_VALUES[char] for char in text]
    total = 0
    for value, following in zip(values, [*values[1:], 0], strict=True):
        total += -value if value < following else value
    return total
