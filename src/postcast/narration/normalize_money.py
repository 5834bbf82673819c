"""Money as spoken words: "$4,500", "£1.20", "$5-10 million", "a $2M round", "40 EUR".

One pass, `normalize_money`, run before the measures and numbers passes (see
`postcast.narration.normalize`), so that "$2.5 million" is money before "2.5" is a number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from postcast.narration.normalize_numeric import (
    AMOUNT,
    DASH,
    SCALE,
    SCALE_WORD,
    SCALES,
    attributive,
    find_unit,
)
from postcast.narration.spoken_numbers import cardinal, number, range_word


@dataclass(frozen=True)
class Currency:
    singular: str
    plural: str
    cent: str | None = None
    cents: str | None = None


_DOLLAR = Currency("dollar", "dollars", "cent", "cents")
CURRENCIES = {
    "$": _DOLLAR,
    "£": Currency("pound", "pounds", "penny", "pence"),
    "€": Currency("euro", "euros", "cent", "cents"),
    "¥": Currency("yen", "yen"),
    "₩": Currency("won", "won"),
    "₹": Currency("rupee", "rupees"),
    "₽": Currency("ruble", "rubles"),
    "₿": Currency("bitcoin", "bitcoin"),
    "US$": Currency("US dollar", "US dollars", "cent", "cents"),
    "A$": Currency("Australian dollar", "Australian dollars", "cent", "cents"),
    "C$": Currency("Canadian dollar", "Canadian dollars", "cent", "cents"),
    "NZ$": Currency("New Zealand dollar", "New Zealand dollars", "cent", "cents"),
    "HK$": Currency("Hong Kong dollar", "Hong Kong dollars", "cent", "cents"),
}
_SYMBOLS = "$£€¥₩₹₽₿"  # every currency written with a sign (US$, A$... hold "$")
_CURRENCY = rf"(?:US\$|A\$|C\$|NZ\$|HK\$|[{_SYMBOLS}])"
_MONEY_SOURCE = (
    rf"(?=[{_SYMBOLS}UACNH])(?<![\w$])(?P<cur>{_CURRENCY})\s?(?P<amount>{AMOUNT})"
    rf"(?:\s?(?P<scale>{SCALE}))?(?![\w])"
)
_MONEY_PLAIN = re.sub(r"\(\?P<\w+>", "(?:", _MONEY_SOURCE)


def _speak_money(currency: Currency, amount: str, scale: str | None) -> str:
    if scale:
        return f"{number(amount)} {SCALES[scale.lower()]} {currency.plural}"
    whole, _, cents = amount.replace(",", "").partition(".")
    if len(cents) > 2 and cents[2:].strip("0") == "":
        cents = cents[:2]
    if len(cents) > 2 or (cents and currency.cent is None):
        return f"{number(amount)} {currency.plural}"
    units = int(whole or "0")
    hundredths = int(cents.ljust(2, "0")) if cents else 0
    parts = []
    if units or not hundredths:
        parts.append(f"{cardinal(units)} {currency.singular if units == 1 else currency.plural}")
    if hundredths:
        parts.append(
            f"{cardinal(hundredths)} {currency.cent if hundredths == 1 else currency.cents}"
        )
    return " and ".join(parts)


# "$2.50/1M tokens", "$0.06/1k", "$15 per 1M": a price per so many of something
_PER_COUNT = rf"(?P<per_count>\d{{1,3}})\s?(?P<per_scale>{SCALE})(?=\s|[.,;:!?)]|$)"
_MONEY = re.compile(
    rf"(?P<range_a>{_MONEY_PLAIN}){DASH}(?P<range_b>(?:{_CURRENCY})?\s?{AMOUNT}"
    rf"(?:\s?{SCALE})?(?![\w]))"
    rf"|{_MONEY_SOURCE}(?:(?P<per_sep>/|\sper\s)(?:(?P<per>[A-Za-z]+)\b|{_PER_COUNT}))?"
)
_MONEY_SINGLE = re.compile(_MONEY_SOURCE)
_AMOUNT_WITH_SCALE = re.compile(rf"(?P<amount>{AMOUNT})(?:\s?(?P<scale>{SCALE}))?")


def _money(match: re.Match[str]) -> str:
    if match.group("range_a"):
        return _money_range(match)
    currency = CURRENCIES[match.group("cur")]
    amount, scale = match.group("amount"), match.group("scale")
    spoken = _attributive_money(currency, amount, scale) if attributive(match) else None
    spoken = spoken or _speak_money(currency, amount, scale)
    per = match.group("per")
    if per:
        unit = find_unit(per, after_slash=True)
        spoken += f" per {unit.singular if unit else per}"  # "$5/share": "five dollars per share"
    elif match.group("per_count"):
        count, scale = int(match.group("per_count")), SCALES[match.group("per_scale").lower()]
        spoken += f" per {scale}" if count == 1 else f" per {cardinal(count)} {scale}"
    return spoken


def _attributive_money(currency: Currency, amount: str, scale: str | None) -> str | None:
    """An amount that qualifies a noun, said as "a ten-dollar bill" is: "a two million
    dollar round", "a ninety-nine cent app"; None where that reading does not apply."""
    if scale or "." not in amount:
        words = f"{number(amount)} {SCALES[scale.lower()]}" if scale else number(amount)
        return f"{words} {currency.singular}"
    whole, _, cents = amount.partition(".")
    if whole.strip("0") == "" and len(cents) == 2 and currency.cent and int(cents):
        return f"{cardinal(int(cents))} {currency.cent}"
    return None


def _money_range(match: re.Match[str]) -> str:
    first = _MONEY_SINGLE.fullmatch(match.group("range_a"))
    second_text = match.group("range_b")
    assert first is not None  # range_a is built from the same pattern
    currency = CURRENCIES[first.group("cur")]
    second = _MONEY_SINGLE.fullmatch(second_text)
    if second:
        other = CURRENCIES[second.group("cur")]
        low = _speak_money(currency, first.group("amount"), first.group("scale"))
        high = _speak_money(other, second.group("amount"), second.group("scale"))
        return f"{low} {range_word(match)} {high}"
    bare = _AMOUNT_WITH_SCALE.fullmatch(second_text.strip())
    if bare is None:
        return match.group(0)
    high = _speak_money(currency, bare.group("amount"), bare.group("scale"))
    low_amount, low_scale = first.group("amount"), first.group("scale")
    if not low_scale and (bare.group("scale") or "." not in low_amount + bare.group("amount")):
        # "$5-10" and "$5-10 million": the currency is said once, after the second amount.
        return f"{number(low_amount)} {range_word(match)} {high}"
    return f"{_speak_money(currency, low_amount, low_scale)} {range_word(match)} {high}"


_CODES = {"USD": "US$", "EUR": "€", "GBP": "£", "JPY": "¥", "AUD": "A$", "CAD": "C$"}
_CODES |= {"NZD": "NZ$", "HKD": "HK$", "INR": "₹", "KRW": "₩", "RUB": "₽", "BTC": "₿"}
_MONEY_AFTER = re.compile(
    rf"(?=[\d.])(?<![\w.,])(?P<amount>{AMOUNT})(?:\s?(?P<scale>{SCALE_WORD}))?"
    rf"(?:\s?(?P<symbol>[£€¥₩₹₽₿])|\s(?P<code>{'|'.join(_CODES)}))(?![\w])"
)


def _money_after(match: re.Match[str]) -> str:
    symbol = match.groupdict().get("symbol") or _CODES[match.group("code")]
    return _speak_money(CURRENCIES[symbol], match.group("amount"), match.group("scale"))


# "USD 1.2 million", "EUR 500": a currency's code before the amount
_CODE_BEFORE = re.compile(
    rf"(?<![\w$])(?P<code>{'|'.join(_CODES)})\s?(?P<amount>{AMOUNT})"
    rf"(?:\s?(?P<scale>{SCALE}))?(?![\w.,]?\d|[\w])"
)


# "3.50 dollars": a price in cents, written with the currency's name ("pounds" may weigh)
_PRICE_IN_WORDS = re.compile(r"(?=\d)(?<![\w.,])(\d+\.\d\d)\s(dollars|euros)\b")


def _price_in_words(match: re.Match[str]) -> str:
    currency = _DOLLAR if match.group(2) == "dollars" else CURRENCIES["€"]
    return _speak_money(currency, match.group(1), None)


# "WELLBYs/$1k", "lives/$1M": a count per amount of money
_PER_AMOUNT = re.compile(rf"(?<=[A-Za-z])/(?={_CURRENCY}\d)")


# "$10^9", "$1e9", "£2 × 10^6": an amount written as a power of ten, its currency said
# after it once the powers are read ("ten to the power of nine dollars")
_MONEY_POWER = re.compile(
    rf"(?<![\w$])(?P<cur>{_CURRENCY})\s?(?P<power>\d+(?:\.\d+)?"
    r"(?:\s?[x×*]\s?10\^[-−]?\d+|[eE][+-]?\d+|\^[-−]?\d+))(?![\w^]|\.\d)"
)


def normalize_money_powers(text: str) -> str:
    """Reads "$10^9" as "10^9 dollars", for the passes that say powers of ten."""
    if not any(symbol in text for symbol in _SYMBOLS):  # nearly all text: no regex scan
        return text
    return _MONEY_POWER.sub(lambda m: f"{m['power']} {CURRENCIES[m['cur']].plural}", text)


def normalize_money(text: str) -> str:
    """Reads "$4,500" -> "four thousand five hundred dollars", "£1.20" -> "one pound and ..."."""
    text = _PER_AMOUNT.sub(" per ", text) if "/" in text else text
    text = _MONEY_AFTER.sub(_money_after, _MONEY.sub(_money, text))
    text = _CODE_BEFORE.sub(_money_after, text)
    return _PRICE_IN_WORDS.sub(_price_in_words, text) if "s" in text else text
