"""Tokens whose reading depends on the words around them.

"St." is Saint before a name and Street after one, "Dr." Doctor or Drive likewise; "P(doom)"
is a probability; "$" alone is the currency's name; a "~" after "roughly" is not said twice;
"[0.21, 0.43]" after "CI" is an interval, "0.21 to 0.43"; "IMO" is "in my opinion" unless it
is the olympiad ("IMO gold", "at the IMO").
"""

from __future__ import annotations

import re

from postcast.narration.normalize_dates import period_if_sentence_ends
from postcast.narration.normalize_money import CURRENCIES
from postcast.narration.normalize_words import starts_sentence

_BEFORE_NAME = re.compile(r"\s+[A-Z][a-z]")
_AFTER_NAME = re.compile(r"[A-Z][a-z]+\s$")
# After "Elm St." these words start the next sentence; they are no saint's name.
_SENTENCE_STARTERS = frozenset(
    ("The", "This", "That", "These", "Those", "It", "He", "She", "They", "We", "You", "There",
     "Then", "But", "And", "So", "If", "In", "On", "At", "As", "When", "What", "Why", "How",
     "A", "An", "Our", "My", "His", "Her", "Their", "I", "Its", "After", "Before")
)  # fmt: skip
_STREET_WORDS = {"St": ("Saint", "Street"), "Dr": ("Doctor", "Drive")}
_SAINT_OR_STREET = re.compile(r"(?=[SD])\b(St|Dr)\b(\.?)(?=\s|$|[,;:!?)])")
_NEXT_WORD = re.compile(r"\s+([A-Z][a-z]*)")


def _saint_or_street(match: re.Match[str]) -> str:
    before_title, after_name = _STREET_WORDS[match.group(1)]
    # a window, not the whole text before: one enormous paragraph stays linear
    window = max(0, match.start() - 40)
    follows_name = _AFTER_NAME.search(match.string, window, match.start()) is not None
    following = _NEXT_WORD.match(match.string, match.end())
    precedes_name = following is not None and following.group(1) not in _SENTENCE_STARTERS
    if precedes_name:
        return before_title  # "St. Louis", "Ask Dr. Okafor"
    if follows_name:
        return after_name + period_if_sentence_ends(match, match.group(0))  # "Elm St. The"
    return match.group(0)


def normalize_street_titles(text: str) -> str:
    """Reads "St. Louis" -> "Saint Louis", "Elm St." -> "Elm Street", "Oak Dr." -> "Oak Drive"."""
    if "St" not in text and "Dr" not in text:
        return text
    return _SAINT_OR_STREET.sub(_saint_or_street, text)


# "P(doom)", "p(AGI by 2030)", "P(A|B)": a probability, "P of doom", "P of A given B".
# (an event may hold one call of its own: "P(Y | do(X))")
_EVENT = r"(?:[^()|\n]|\([^()|\n]{0,30}\)){1,60}?"
# Bayes' rule, "P(E|H)P(H)/P(E)": probabilities side by side multiply, a slash divides
_PROBABILITY = re.compile(
    rf"(?<![\w(])[Pp]\(\s*({_EVENT})\s*(?:\|\s*({_EVENT})\s*)?\)(\s*/\s*(?=[Pp]\(|\d))?"
)
_PROBABILITY_NEXT = re.compile(r"[Pp]\(")


def _probability(match: re.Match[str]) -> str:
    event, condition, divided = match.groups()
    spoken = f"P of {event}" + (f" given {condition}" if condition else "")
    if divided:
        return spoken + " over "
    return spoken + (" times " if _PROBABILITY_NEXT.match(match.string, match.end()) else "")


def normalize_probabilities(text: str) -> str:
    """Reads "P(doom)" -> "P of doom" and "P(A|B)" -> "P of A given B"."""
    return _PROBABILITY.sub(_probability, text) if "(" in text else text


# "f(x)", "g(2)", "x(t)", "f(x, y)": a one-letter function applied to a short argument (in
# plain text; beside Unicode maths, unicode_maths.py reads Greek arguments too)
_ARGUMENT = r"[A-Za-z0-9.]{1,6}"
_APPLIED = re.compile(rf"(?<![\w.(])([a-z])\(\s*({_ARGUMENT}(?:\s*,\s*{_ARGUMENT}){{0,2}})\s*\)")
_ARGUMENT_COMMA = re.compile(r"\s*,\s*")


def normalize_functions(text: str) -> str:
    """Reads "f(x) = 3x + 2" -> "f of x = 3x + 2" and "f(x, y)" -> "f of x and y"."""
    return _APPLIED.sub(_applied, text) if "(" in text else text


def _applied(match: re.Match[str]) -> str:
    return f"{match[1]} of {_arguments(match[2])}"


def _arguments(written: str) -> str:
    """ "x, y" -> "x and y", "a, b, c" -> "a, b and c"."""
    *others, last = _ARGUMENT_COMMA.split(written)
    return f"{', '.join(others)} and {last}" if others else last


# "log(x)", "sqrt(2)", "Var(X)": a named function, its argument read by the other passes
_NAMED_FUNCTIONS = {
    "log": "log of", "ln": "the natural log of", "exp": "the exponential of",
    "sqrt": "the square root of", "sin": "sine of", "cos": "cosine of", "tan": "tan of",
    "tanh": "tanh of", "max": "the max of", "min": "the min of", "argmax": "the argmax of",
    "argmin": "the argmin of", "softmax": "softmax of", "sigmoid": "sigmoid of",
    "Var": "the variance of", "Cov": "the covariance of", "Pr": "the probability of",
}  # fmt: skip
_NAMED = re.compile(
    rf"(?<![\w.])({'|'.join(_NAMED_FUNCTIONS)})\(\s*([^()\n]{{1,30}}?)\s*\)(?![\w(])"
)
# "x_i", "a_1", "D_KL": a letter's subscript typed with an underscore ("snake_case" is code)
_SUBSCRIPT = re.compile(r"(?<![\w.])([A-Za-z])_(\d{1,2}|[a-z]{1,2}|[A-Z]{1,3})(?![\w])")


def normalize_named_functions(text: str) -> str:
    """Reads "log(x)" -> "log of x", "sqrt(2)" -> "the square root of 2", "x_i" -> "x sub i"."""
    if "_" in text:
        text = _SUBSCRIPT.sub(r"\1 sub \2", text)
    return _NAMED.sub(_named, text) if "(" in text else text


_THE_BEFORE = re.compile(r"\b(?i:the)\s+$")


def _named(match: re.Match[str]) -> str:
    spoken = _NAMED_FUNCTIONS[match[1]]
    if _THE_BEFORE.search(match.string, max(0, match.start() - 5), match.start()):
        spoken = spoken.removeprefix("the ")  # "the max(a, b)": "the" said once
    return f"{spoken} {_arguments(match[2])}"


# "95% CI [0.21, 0.43]", "(HDI: -1.2, 3.4)": an interval's two ends. In square brackets two
# amounts with a decimal point, sign or percent are one anywhere (whole numbers may be
# citations); in round ones (a point, a pair) only after the word that says so.
_END = r"[-−]?\d[\d,]*(?:\.\d+)?%?"
_INTERVAL = re.compile(rf"\[\s*({_END})\s*,\s*({_END})\s*\]|\(\s*({_END})\s*,\s*({_END})\s*\)")
_INTERVAL_WORD = re.compile(r"\b(?:CIs?|CrIs?|HDIs?|intervals?|range)\b[^.;()\[\]]{0,20}$")
_NOT_WHOLE = re.compile(r"[.%\-−]")


def normalize_intervals(text: str) -> str:
    """Reads "95% CI [0.21, 0.43]" -> "95% CI 0.21 to 0.43" (the numbers for later passes)."""
    return _INTERVAL.sub(_interval, text) if "," in text else text


def _interval(match: re.Match[str]) -> str:
    low, high = (match.group(1), match.group(2)) if match.group(1) else match.group(3, 4)
    window = max(0, match.start() - 40)  # not the whole text before: it would be quadratic
    named = _INTERVAL_WORD.search(match.string, window, match.start()) is not None
    if named or (match.group(1) and _NOT_WHOLE.search(low + high)):
        return f"{low} to {high}"
    return match.group(0)


# "O(n log n)", "O(1)": an algorithm's cost in big-O notation.
# ("an O(n) sort" is written for "oh"; said "big O", its article is "a")
_BIG_O = re.compile(r"(?:\b([Aa])n\s+)?(?<![\w(])O\(\s*([^()\n]{1,40}?)\s*\)")


def normalize_big_o(text: str) -> str:
    """Reads "O(n log n)" -> "big O of n log n" (the number rules then read "O(n^2)")."""
    if "O(" not in text:
        return text
    return _BIG_O.sub(
        lambda found: f"{found[1] or ''}{' ' if found[1] else ''}big O of {found[2]}", text
    )


_LONE_SYMBOLS = "$£€¥"  # said by their names (CURRENCIES) where no amount is next to them
# A currency symbol with no amount next to it: "prices in $ or €", "cost ($/hour)".
_LONE_CURRENCY = re.compile(r"(?<![\w$£€¥])([$£€¥])(?:(?=[\s.,;:!?)]|$)|/\s?)")
# "QALYs/$", "lives per $": a count per unit of money
_PER_CURRENCY = re.compile(r"(?:(?<=[A-Za-z])/|(?<=[A-Za-z])\s+per\s+)([$£€¥])(?=[\s.,;:!?)]|$)")


def normalize_lone_currency(text: str) -> str:
    """Reads a currency symbol standing alone as its name: "in $ or £" -> "in dollars or pounds"."""
    if not any(symbol in text for symbol in _LONE_SYMBOLS):
        return text
    text = _PER_CURRENCY.sub(lambda found: f" per {CURRENCIES[found.group(1)].singular}", text)
    return _LONE_CURRENCY.sub(_lone_currency, text)


def _lone_currency(match: re.Match[str]) -> str:
    name = CURRENCIES[match.group(1)].plural
    return f"{name} per " if match.group(0).startswith(match.group(1) + "/") else name


# "roughly ~30%": the word already says what "~" would; say it once.
_SAID_APPROXIMATELY = re.compile(
    r"\b((?i:roughly|about|around|approximately|approx\.?|circa|ca\.|some|nearly|almost))"
    r"\s*[~≈]\s?(?=[\w$£€.])"
)


def normalize_approximations(text: str) -> str:
    """Drops a "~" or "≈" that follows a word meaning the same: "about ~5" -> "about 5"."""
    if "~" not in text and "≈" not in text:
        return text
    return _SAID_APPROXIMATELY.sub(r"\1 ", text)


# "IMO this is wrong" is an opinion; "IMO gold", "the IMO", "IMO 2025 problems" the
# International Mathematical Olympiad, which AI posts discuss as often
_IMO = re.compile(r"\b(?:IMO|imo)\b")
_OLYMPIAD_AFTER = re.compile(
    r"\s*(?:-level\b|(?i:gold|silver|bronze|medals?|medal(?:ist|ists|ling)|problems?|questions?"
    r"|grand|level|team|contestants?|shortlist|papers?)\b|\d)"
)
_OLYMPIAD_BEFORE = re.compile(r"(?i:\b(?:the|an|at|of|in|this|year's|'s))\s+$")


def normalize_opinions(text: str) -> str:
    """Reads "IMO, it holds" -> "in my opinion, it holds"; the olympiad keeps its name."""
    return _IMO.sub(_imo, text) if "imo" in text.lower() else text


def _imo(match: re.Match[str]) -> str:
    window = max(0, match.start() - 12)  # a window, not the whole text before: stays linear
    if match.group(0) == "IMO" and (
        _OLYMPIAD_AFTER.match(match.string, match.end())
        or _OLYMPIAD_BEFORE.search(match.string, window, match.start())
    ):
        return match.group(0)
    return "In my opinion" if starts_sentence(match) else "in my opinion"


# "Smith (ed.)", "(eds.)": a book's editors; "the 2nd ed." its edition
_EDITORS = re.compile(r"\((ed|eds)\.\)")
_EDITION = re.compile(r"(?<=\d(?:st|nd|rd|th)\s)(?:ed|edn)\.")


def normalize_editors(text: str) -> str:
    """Reads "Smith (ed.)" -> "Smith (editor)" and "2nd ed." -> "2nd edition"."""
    if "ed" not in text:
        return text
    text = _EDITORS.sub(lambda found: "(editor)" if found[1] == "ed" else "(editors)", text)
    return _EDITION.sub(lambda found: "edition" + period_if_sentence_ends(found, found[0]), text)


# "OOM": an order of magnitude where it counts or compares ("2 OOMs", "an OOM more
# compute"), out of memory where a run ran out ("went OOM", "an OOM error"); else its letters
_OOM = re.compile(r"\b(OOM|OOMs|OOM'd|OOMed|OOMing)\b")
_MEMORY_AFTER = re.compile(
    r"(?:-|\s+)(?i:errors?|crash(?:es|ed)?|kill(?:s|ed|er)?|issues?|exceptions?)\b"
)
_MEMORY_BEFORE = re.compile(
    r"(?i:\b(?:went|go|goes|going|ran|run|runs|hit|hits|hitting|causes?|caused|avoid|avoids))\s+$"
)
_MAGNITUDE_AFTER = re.compile(
    r"\s+(?i:of\b(?!\s+memory)|more|less|fewer|larger|smaller|bigger|cheaper|faster|slower"
    r"|higher|lower|above|below|beyond|improvement|increase|decrease|gap|difference)\b"
)
_MAGNITUDE_BEFORE = re.compile(
    r"(?:\d|\b(?i:an|one|two|three|four|five|six|seven|eight|nine|ten|few|several|many|by|of"
    r"|half|couple|multiple|more|additional|extra))\s+$"
)


def normalize_orders_of_magnitude(text: str) -> str:
    """Reads "2 OOMs more" -> "2 orders of magnitude more", "went OOM" -> "went out of memory"."""
    return _OOM.sub(_oom, text) if "OOM" in text else text


def _oom(match: re.Match[str]) -> str:
    written = match[1]
    window = max(0, match.start() - 16)  # a window, not the whole text before: stays linear
    if written in ("OOM'd", "OOMed"):
        return "ran out of memory"
    if written == "OOMing":
        return "running out of memory"
    if _MEMORY_AFTER.match(match.string, match.end()):
        return "out-of-memory"
    if _MEMORY_BEFORE.search(match.string, window, match.start()):
        return "out of memory"
    if _MAGNITUDE_AFTER.match(match.string, match.end()) or _MAGNITUDE_BEFORE.search(
        match.string, window, match.start()
    ):
        return "orders of magnitude" if written == "OOMs" else "order of magnitude"
    return written
