"""Text normalisation: written forms (numbers, money, dates, URLs...) to spoken words.

Hand-written rules (regular expressions over `num2words`), not NVIDIA's NeMo text processing:
NeMo installs from PyPI wheels (pynini) but compiles its grammars for ~50 s on first use
(0.6 s when cached), then takes ~0.15 s per 30-word paragraph, about two minutes for a
20,000-word post; it also lower-cases month names and drops full stops after "a.m.", which
would break the speech stage's sentence splitting. These rules run in milliseconds.

The passes run most specific first (a URL before its digits, "$2.5 million" before "2.5"),
and every pass leaves sentence punctuation and ordinary words as they were.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from postcast.narration.normalize_context import (
    normalize_approximations,
    normalize_big_o,
    normalize_editors,
    normalize_functions,
    normalize_intervals,
    normalize_lone_currency,
    normalize_named_functions,
    normalize_opinions,
    normalize_orders_of_magnitude,
    normalize_probabilities,
    normalize_street_titles,
)
from postcast.narration.normalize_dates import normalize_dates
from postcast.narration.normalize_day_names import normalize_day_names
from postcast.narration.normalize_fractions import normalize_fractions
from postcast.narration.normalize_money import normalize_money, normalize_money_powers
from postcast.narration.normalize_multiplication import normalize_multiplication
from postcast.narration.normalize_numbers import (
    normalize_numbers,
    normalize_scientific,
    unit_follows,
)
from postcast.narration.normalize_numeric import (
    normalize_feet_and_inches,
    normalize_measures,
    normalize_ordinals,
    normalize_phone_numbers,
    normalize_ranges,
    normalize_round_plurals,
)
from postcast.narration.normalize_times import normalize_times
from postcast.narration.normalize_timestamps import normalize_timestamps
from postcast.narration.normalize_web import normalize_electronic, normalize_identifiers
from postcast.narration.normalize_words import (
    normalize_abbreviations,
    normalize_code_sections,
    normalize_initials,
    normalize_roman,
    normalize_star_ratings,
    normalize_symbols,
)
from postcast.narration.spoken_numbers import number
from postcast.narration.unicode_maths import speak_unicode_maths

_UNICODE_FRACTIONS = {"½": "1/2", "¼": "1/4", "¾": "3/4", "⅓": "1/3", "⅔": "2/3", "⅛": "1/8"}
_UNICODE_FRACTION = re.compile(rf"(\d?)([{''.join(_UNICODE_FRACTIONS)}])")
_NUMBER_SIGN = re.compile(r"(?<![\w&])#(?=\d)")
_LINE_BREAKS = re.compile(r"[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")


# "n!", "(n - k)!": a factorial, after a letter a variable or a closing bracket, never
# after a word ("Wow!") or a number ("scored 5!")
_FACTORIAL = re.compile(r"(?:(?<![\w'’])([b-z])|(?<=\)))!(?=[\s.,;:)]|$)")  # not "a!"
# "x − y": the minus sign (U+2212) between operands is always a minus, never a dash
_MINUS_SIGN = re.compile(r"(?<=[\w)|])\s*−\s*(?=[\w(|])")
# "|x − y|": an absolute value (a table's "| a | b |" has spaces inside its bars)
_ABSOLUTE = re.compile(r"(?<![\w|])\|(?=[\w(])([^|\n]{1,40}?)(?<=[\w)])\|(?![\w|])")

# "thanks to @habryka": a mention is the name ("meet @5pm" keeps its "at", said later)
_MENTION = re.compile(r"(?<![\w@])@(?=[A-Za-z_])")


def _prepare(text: str) -> str:
    text = text.replace("\u00a0", " ")
    if "−" in text:
        text = _MINUS_SIGN.sub(" minus ", text).replace("−", "-")
    if "|" in text:
        text = _ABSOLUTE.sub(r"the absolute value of \1", text)
    if "!" in text:
        text = _FACTORIAL.sub(lambda found: f"{found.group(1) or ''} factorial", text)
    text = _NUMBER_SIGN.sub("number ", text)
    if "@" in text:
        text = _MENTION.sub("", text)
    return _UNICODE_FRACTION.sub(
        lambda found: (
            (found.group(1) + " " if found.group(1) else "") + _UNICODE_FRACTIONS[found.group(2)]
        ),
        text,
    )


# Thousands commas belong to the operand: "2^14=16,384" is never "sixteen,384".
# "3x + 2 = 8": a number times a variable is one operand ("three x"), never the multiplier
# "3x" ("three times") nor "twox"
_TERM = r"\d+(?:\.\d+)?[nxyz](?![A-Za-z\d])"
_OPERAND = rf"(?:{_TERM}|(?:\d{{1,3}}(?:,\d{{3}})+(?!\d)|\d+)(?:\.\d+)?|[A-Za-z](?![A-Za-z]))"
_EXPRESSION = re.compile(
    rf"(?=[\w])(?<![\w.])(?:{_OPERAND})(?:\s*[-+*×÷/=^]\s*{_OPERAND}(?![\w.]\d))+"
)
_OPERATOR_WORDS = {
    "-": "minus",
    "+": "plus",
    "*": "times",
    "×": "times",
    "÷": "divided by",
    "/": "over",
    "=": "equals",
    "^": "to the power of",
}
_SMALL_POWERS = {"2": "squared", "3": "cubed"}
_DIMENSIONS_BEFORE_NOUN = re.compile(r"\d+\s*×\s*\d+")
_NOUN_NEXT = re.compile(r"\s+(?!(?:is|equals|gives|makes|and|or)\b)[a-z]")
_TOKEN = re.compile(rf"{_OPERAND}|[-+*×÷/=^]")
_MINUS_AFTER_POWER = re.compile(r"\^\s*\w+\s*-(?!.*/)")


# "P(AGI by 2030) = 25%": a year after its cue word is not an operand of what follows
_YEAR_THEN_EQUALS = re.compile(r"[12]\d{3}\s*=")
_YEAR_CUE_BEFORE = re.compile(r"(?i:\b(?:in|since|by|from|until|till|during|before|after)\s+)$")


def _expression(match: re.Match[str]) -> str:
    written = match.group(0)
    if _YEAR_THEN_EQUALS.match(written) and _YEAR_CUE_BEFORE.search(
        match.string, max(0, match.start() - 12), match.start()
    ):
        return written  # the year, "equals" and the amount each read by their own passes
    # Without "=", a "-" is a range or a hyphen and a "/" a fraction or date: not arithmetic;
    # but no range starts at a power ("2^10-1", "x^2-y^2" subtract).
    if (
        "=" not in written
        and re.search(r"[-/]|^[A-Za-z\s^+]+$", written)  # "w * x" is a product, "A + B" prose
        and not _MINUS_AFTER_POWER.search(written)
    ):
        return written
    if _DIMENSIONS_BEFORE_NOUN.fullmatch(written) and _NOUN_NEXT.match(match.string, match.end()):
        return written  # "a 3×3 grid": the multiplication pass says "three by three"
    words: list[str] = []
    tokens = _TOKEN.findall(written)
    for token in tokens:
        if token in _OPERATOR_WORDS:
            words.append(_OPERATOR_WORDS[token])
        elif words and words[-1] == _OPERATOR_WORDS["^"] and token in _SMALL_POWERS:
            words[-1] = _SMALL_POWERS[token]
        else:
            words.append(_operand(token))
    if tokens[-1][0].isdigit() and unit_follows(match):
        words[-1] = tokens[-1]  # "g = 9.8 m/s²": the measures pass reads amount and unit
    return " ".join(words)


def _operand(token: str) -> str:
    if not token[0].isdigit():
        return token
    if token[-1].isalpha():
        return f"{number(token[:-1])} {token[-1]}"  # "3x": "three x"
    return number(token)


# "10^6–10^7", "10⁶–10⁷": a range of powers (with a hyphen only between powers of ten: one
# may subtract, "2^3-2^2")
_POWER_RANGE = re.compile(
    r"(?<=\d)(\^[-+]?\d+|[⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+)\s?(?:[–—]|-(?=\s?10[\^⁰¹²³⁴⁵⁶⁷⁸⁹]))\s?"
    r"(?=\d+[\^⁰¹²³⁴⁵⁶⁷⁸⁹])"
)


def normalize_math(text: str) -> str:
    """Reads "1-2=5" -> "one minus two equals five", "2+3" -> "two plus three"."""
    return _EXPRESSION.sub(_expression, text)


# "3 x 10^8": the letter x typed for the times sign of scientific notation
_TIMES_POWER_OF_TEN = re.compile(r"(?<=\d)\s?[xX]\s?(?=10(?:\^|[⁰¹²³⁴⁵⁶⁷⁸⁹⁻]))")


def normalize_power_ranges(text: str) -> str:
    """ "10^6–10^7" -> "10^6 to 10^7" (before the powers are read, one after the other), and
    "3 x 10^8" -> "3 × 10^8"."""
    if "10" not in text:
        return text
    return _TIMES_POWER_OF_TEN.sub(" × ", _POWER_RANGE.sub(r"\1 to ", text))


_PASSES = (
    _prepare,
    normalize_timestamps,  # before the maths rules read "+05:30" as a sum
    normalize_money_powers,
    normalize_power_ranges,
    speak_unicode_maths,
    normalize_street_titles,
    normalize_editors,
    normalize_abbreviations,
    normalize_opinions,
    normalize_orders_of_magnitude,
    normalize_code_sections,
    normalize_probabilities,
    normalize_functions,
    normalize_named_functions,
    normalize_intervals,
    normalize_big_o,
    normalize_identifiers,
    normalize_electronic,
    normalize_scientific,
    normalize_math,
    normalize_star_ratings,
    normalize_times,
    normalize_day_names,
    normalize_dates,
    normalize_round_plurals,
    normalize_money,
    normalize_multiplication,
    normalize_feet_and_inches,
    normalize_measures,
    normalize_fractions,
    normalize_phone_numbers,
    normalize_ranges,
    normalize_ordinals,
    normalize_numbers,
    normalize_roman,
    normalize_initials,
    normalize_lone_currency,
    normalize_approximations,
    normalize_symbols,
)
_PHONEME_BLOCK = re.compile(r"(\[\[.*?\]\])", re.DOTALL)
_DOUBLE_SPACES = re.compile(r"(?=[ \t])(?<=\S)[ \t]{2,}(?=\S)")
_SPACE_BEFORE_STOP = re.compile(r"(?=[ \t])(?:(?<=\w)[ \t]+(?=[.,;:!?](?:\s|$))|(?<=\S)[ \t]+$)")
_SPACE_INSIDE_BRACKETS = re.compile(r"(?<=\()[ \t]+|[ \t]+(?=\))")  # "(%)" said "( percent)"


def normalize_text(text: str) -> str:
    """Return `text` as a careful narrator would say it: every written form in words.

    Piper phoneme blocks (`[[ ... ]]`, from the lexicon) pass through untouched.
    """
    if not text.strip():
        return text
    if "[[" in text:
        parts = _PHONEME_BLOCK.split(text)
        return "".join(part if index % 2 else _normalize(part) for index, part in enumerate(parts))
    return _normalize(text)


def _normalize(text: str) -> str:
    core = text.strip()
    if not core:
        return text
    start = text.index(core)
    return text[:start] + _normalize_core(core) + text[start + len(core) :]


def _normalize_core(text: str) -> str:
    written = text
    for normalize_pass in _PASSES:
        text = normalize_pass(text)
    # Spoken forms are spliced in with spaces around them; tidy the seams.
    text = _SPACE_BEFORE_STOP.sub("", _DOUBLE_SPACES.sub(" ", text))
    text = _SPACE_INSIDE_BRACKETS.sub("", text) if "(" in text else text
    return _capitalised_openings(written, text)


# A sentence after the first that opens on a figure ("It rose. 3 things matter.")
_SENTENCE_GAP = re.compile(r"(?<=[.!?])\s+(?=\S)")
_OPENS_ON_FIGURE = re.compile(r"[\d$£€¥]")


def _capitalised_openings(written: str, spoken: str) -> str:
    """`spoken` with a capital on each later sentence that `written` opened on a figure
    ("It rose. three things matter."). Sentences are paired by count; where the reading
    changed the count ("e.g. 5" said "for example five"), nothing is changed."""
    opened = [bool(_OPENS_ON_FIGURE.match(part)) for part in _SENTENCE_GAP.split(written)]
    if not any(opened[1:]):
        return spoken
    starts = [0] + [gap.end() for gap in _SENTENCE_GAP.finditer(spoken)]
    if len(starts) != len(opened):
        return spoken
    characters = list(spoken)
    for start, on_figure in zip(starts[1:], opened[1:], strict=True):
        if on_figure and characters[start].islower():
            characters[start] = characters[start].upper()
    return "".join(characters)


def normalize_lines(lines: Iterable[str]) -> Iterator[str]:
    """One normalised line per input line, without its line ending; an empty line stays empty.

    Any line-break character inside a line becomes a space, so the output has exactly as
    many lines as the input (the `postcast normalize` command relies on it).
    """
    for line in lines:
        body = line.removesuffix("\n").removesuffix("\r")
        yield _LINE_BREAKS.sub(" ", normalize_text(_LINE_BREAKS.sub(" ", body)))
