"""Maths written with Unicode characters in running text, said as words.

"β₁ ≈ 0.3" -> "beta sub one approximately 0.3" (the numbers are the normaliser's next
passes), "σ/√n" -> "sigma over the square root of n", "10⁻⁶" -> "10 to the power of minus
6", "∀x ∈ S" -> "for all x in S". Symbols the normaliser already says (≤ ≈ ± ×) and lone
² and ³ ("x²", "5 km²") are left to it. Hand-written: the text normalisers on the registry
(NeMo's included) read none of these characters.
"""

from __future__ import annotations

import re
import unicodedata

_SUPERSCRIPTS = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻ⁿⁱ", "0123456789+-ni", strict=True))
_SUBSCRIPTS = dict(
    zip("₀₁₂₃₄₅₆₇₈₉₊₋ₐₑₒₓₕₖₗₘₙₚₛₜᵢⱼᵣᵤᵥ", "0123456789+-aeoxhklmnpstijruv", strict=True)
)
_GREEK_RANGE = "\u0391-\u03a9\u03b1-\u03c9\u03d1\u03d5\u03d6\u03f0\u03f1\u03f5"
_OPERATORS = {
    "∑": "the sum of",
    "∏": "the product of",
    "∫": "the integral of",
    "∞": "infinity",
    "∂": "partial",
    "∇": "nabla",
    "∈": "in",
    "∉": "not in",
    "⊂": "a subset of",
    "⊆": "a subset of",
    "∪": "union",
    "∩": "intersection",
    "∅": "the empty set",
    "∀": "for all",
    "∃": "there exists",
    "¬": "not",
    "∧": "and",
    "∨": "or",
    "≡": "is equivalent to",
    "∝": "is proportional to",
    "≲": "less than or about",
    "≳": "greater than or about",
    "⇔": "if and only if",
    "↦": "maps to",
    "∘": "composed with",
    "′": "prime",
    "″": "double prime",
    # logic as decision-theory posts write it: "□A → A" (Löb), "⊢ φ", "M ⊨ φ", "¬□⊥"
    "□": "box",
    "◇": "diamond",
    "⊢": "proves",
    "⊬": "does not prove",
    "⊨": "models",
    "⊤": "top",
    "⊥": "bottom",
    "⫫": "is independent of",
    "⊊": "a proper subset of",
    "∖": "minus",  # set difference
    "⊕": "o plus",
    "⊗": "o times",
    "∴": "therefore",
    "∵": "because",
    "↑": "up",
    "↓": "down",
    "∼": "about",  # before an amount ("∼100"); between terms, a draw (_DRAWN)
}
# "A ⊥ B" between two terms: perpendicular, or independent (conditionally: "A ⊥ B | C")
_PERP = re.compile(r"(?<=\w)\s*⊥\s*(?=\w)")
_DRAWN = re.compile(r"(?<=\w)\s*∼\s*(?=[A-Za-zͰ-Ͽ])")  # "x ∼ N(0, 1)", "y ∼ π"
# "‖x‖" a norm, "⟨u, v⟩" an inner product, "⟨x⟩" an average
_NORM = re.compile(r"‖([^‖\n]{1,40}?)‖")
_INNER_PRODUCT = re.compile(r"⟨\s*([^,⟨⟩\n]{1,30}?)\s*,\s*([^,⟨⟩\n]{1,30}?)\s*⟩")
_AVERAGE = re.compile(r"⟨\s*([^,⟨⟩\n]{1,30}?)\s*⟩")
_ROOTS = {"√": "the square root of", "∛": "the cube root of", "∜": "the fourth root of"}
# "∑ᵢ wᵢ": a big operator with its index, "the sum over i of w sub i"; after the word
# itself ("the sum ∑ᵢ"), only "over i of"
_BIG_OPERATORS = {"∑": "sum", "∏": "product"}
_INDEXED_OPERATOR = re.compile(f"([∑∏])([{''.join(_SUBSCRIPTS)}]+)\\s*")
_NAMED_BEFORE = re.compile(r"\b(sum|product|integral)\s+$", re.IGNORECASE)
# "x̂", "ŷ" (a hat: an estimate), "θ*" (an optimum): said after the letter
_HAT = re.compile("([A-Za-z\u0370-\u03ff])\u0302|([ŷŶ])")
_STARRED = re.compile(f"(?<![\\w*])([A-Za-z{_GREEK_RANGE}])\\*(?![\\w*])")

_MATH_LETTERS = re.compile("[\U0001d400-\U0001d7ff\u2102\u2113\u2115\u2119\u211a\u211d\u2124]")
_SUPERSCRIPT_RUN = re.compile(f"(?<=(\\S))[{''.join(_SUPERSCRIPTS)}]+")
_SUBSCRIPT_RUN = re.compile(f"(\\S*?)([{''.join(_SUBSCRIPTS)}]+)")
# A Greek letter standing alone as a symbol (not inside a Greek word), and not the micro
# prefix of a unit ("μs", "μm"), which the measures pass reads.
_GREEK = re.compile(
    f"(?<![\u0370-\u03ff\u1f00-\u1fff])[{_GREEK_RANGE}](?![\u0370-\u03ff\u1f00-\u1fff])(?<!μ(?=[a-zA-Z]))"
)
_OPERATOR = re.compile(f"[{''.join(_OPERATORS)}]")
_ROOT = re.compile(f"([{''.join(_ROOTS)}])\\s*")
_MATHS_SLASH = re.compile(f"(?<=\\S)/(?=\\S)(?=[^\\s]*[{_GREEK_RANGE}√∛∜])|(?<=[{_GREEK_RANGE}])/")
# "R² ≈ 0.31": after a variable, "is approximately"; elsewhere ("costs ≈ $5") the
# normaliser's own "approximately" reads better.
_APPROXIMATELY = re.compile(f"(?<![\\w/])([A-Za-z{_GREEK_RANGE}][²³₀-₉]*)\\s*≈\\s*")
# "f(θ₀)", "g(x, y)" beside Unicode maths: a function of its arguments.
_VARIABLE = f"[A-Za-z{_GREEK_RANGE}][₀-₉ᵢⱼₙ]*"
_FUNCTION = re.compile(f"(?<![\\w(])([A-Za-z])\\(({_VARIABLE}(?:,\\s?{_VARIABLE})*)\\)")
# "β₂ − β₁" (the normaliser has made "−" a hyphen): between symbols a minus, not a dash.
_MINUS = re.compile(f"(?<=[₀-₉ᵢⱼₙ²³{_GREEK_RANGE}])\\s+-\\s+(?=[{_GREEK_RANGE}])")
_DOT_PRODUCT = re.compile(r"(?<=\w)\s?[·⋅]\s?(?=\w)")
# "Jane Doe · 5 min read · 4 likes": a spaced middle dot after or before a word of letters
# separates a byline's parts (maths spaces it between symbols: "a · b", "2 · 3")
_SEPARATOR_DOT = re.compile(r"(?<=[A-Za-z]{2})\s+[·∙•]\s+(?=\S)|(?<=\S)\s+[·∙•]\s+(?=[A-Za-z]{2})")
# "CO₂", "H₂O", "C₆H₁₂O₆": a formula's counts are said as numbers, not as indices.
_CHEMICAL = re.compile(
    r"(?<![\w₀-₉])(?=[A-Z][a-z]?[₀-₉]*[A-Z])(?:[A-Z][a-z]?[₀-₉]*){2,}(?![\w₀-₉])|(?<![\w₀-₉])[A-Z][a-z]?[₀-₉]+(?![\w₀-₉])"
)
# Any character this module reads: text without one (nearly all prose) is left at once.
_TRIGGER = re.compile(
    "["
    + re.escape("".join([*_SUPERSCRIPTS, *_SUBSCRIPTS, *_OPERATORS, *_ROOTS, "·⋅≈∙•‖⟨"]))
    + "\u0391-\u03ff\U0001d400-\U0001d7ff\u2102\u2113\u2115\u2119\u211a\u211d\u2124]"
)


def speak_unicode_maths(text: str) -> str:
    """`text` with its Unicode maths as words; text without any comes back unchanged."""
    if not _TRIGGER.search(text):
        return text
    text = _MATH_LETTERS.sub(lambda found: unicodedata.normalize("NFKC", found.group(0)), text)
    text = _MATHS_SLASH.sub(" over ", text)
    text = _SEPARATOR_DOT.sub(", ", text)
    text = _DOT_PRODUCT.sub(" times ", text)
    text = _MINUS.sub(" minus ", text)
    text = _PERP.sub(" perp ", text)
    text = _DRAWN.sub(" drawn from ", text)
    text = _NORM.sub(r"the norm of \1", text)
    text = _INNER_PRODUCT.sub(r"the inner product of \1 and \2", text)
    text = _AVERAGE.sub(r"the average of \1", text)
    text = _FUNCTION.sub(r"\1 of \2", text)
    text = _APPROXIMATELY.sub(r"\1 is approximately ", text)
    text = _CHEMICAL.sub(_formula, text)
    text = _INDEXED_OPERATOR.sub(_indexed_operator, text)
    text = _SUBSCRIPT_RUN.sub(_subscript, text)
    text = _SUPERSCRIPT_RUN.sub(_superscript, text)
    text = _ROOT.sub(lambda found: _padded(found, _ROOTS[found.group(1)]), text)
    text = _HAT.sub(_hat, text)
    text = _STARRED.sub(r"\1 star", text)
    text = _GREEK.sub(lambda found: _padded(found, _greek_name(found.group(0))), text)
    return _OPERATOR.sub(_operator, text)


def _hat(found: re.Match[str]) -> str:
    letter = found.group(1) or unicodedata.normalize("NFD", found.group(2))[0]  # ŷ: y
    return f"{letter} hat"


def _operator(found: re.Match[str]) -> str:
    words = _OPERATORS[found.group(0)]
    if words == f"the {_named_before(found)} of":
        words = "of"  # "the sum ∑ x": the word is written already
    return _padded(found, words)


def _indexed_operator(found: re.Match[str]) -> str:
    name = _BIG_OPERATORS[found.group(1)]
    index = "".join(_SUBSCRIPTS[char] for char in found.group(2))
    lead = "" if _named_before(found) == name else f"the {name} "
    return f"{lead}over {index} of "


def _named_before(found: re.Match[str]) -> str:
    """ "sum", "product" or "integral" when the text names the operator right before it."""
    named = _NAMED_BEFORE.search(found.string, max(0, found.start() - 12), found.start())
    return named.group(1).lower() if named else ""


def _padded(found: re.Match[str], words: str) -> str:
    """`words` in place of the match, spaced from a neighbouring letter or digit only (and
    from an operator right after it: "¬□⊥" is "not box bottom")."""
    before = found.string[found.start() - 1 : found.start()]
    after = found.string[found.end() : found.end() + 1]
    spaced_after = after.isalnum() or after == "(" or (after != "" and after in _OPERATORS)
    return (" " if before.isalnum() else "") + words + (" " if spaced_after else "")


def _formula(found: re.Match[str]) -> str:
    counts = _SUBSCRIPT_RUN.sub(
        lambda run: f"{run.group(1)} {''.join(_SUBSCRIPTS[c] for c in run.group(2))} ",
        found.group(0),
    )
    return counts.strip()


def _greek_name(letter: str) -> str:
    """ "β" -> "beta", "Δ" -> "delta", "ϵ" (lunate epsilon) -> "epsilon"."""
    name = unicodedata.name(letter, "").lower().split()
    for flourish in ("greek", "small", "capital", "letter", "symbol", "lunate", "final"):
        name = [word for word in name if word != flourish]
    said = " ".join(name) or letter
    return "lambda" if said == "lamda" else said  # Unicode's spelling


def _subscript(found: re.Match[str]) -> str:
    base, script = found.group(1), "".join(_SUBSCRIPTS[char] for char in found.group(2))
    return f"{base} sub {script}" + (
        " " if found.string[found.end() : found.end() + 1].isalnum() else ""
    )


def _superscript(found: re.Match[str]) -> str:
    power = "".join(_SUPERSCRIPTS[char] for char in found.group(0))
    if power in ("2", "3"):
        return found.group(0)  # "x²", "5 km²": the numbers and measures passes say these
    before = found.string[max(0, found.start() - 3) : found.start()]
    if power.isdigit() and re.fullmatch(r"[A-Za-z]{3}", before):
        return ""  # "as claimed¹": a footnote mark, not a power
    sign = "minus " if power.startswith("-") else ""
    power = power.lstrip("+-")
    # a space only where a word follows at once ("2ⁿx"): "10⁸ m/s" keeps one space, so the
    # measures pass reads "8 m/s" as an amount and its unit ("eight meters per second")
    tail = " " if found.string[found.end() : found.end() + 1].isalnum() else ""
    if power in ("2", "3"):
        return f" to the power of {sign}{power}{tail}"
    return f" to the {power}{tail}" if power.isalpha() else f" to the power of {sign}{power}{tail}"
