"""TeX read as words by a simple rule: the fallback for an equation the maths engine rejects.

The Speech Rule Engine reads almost everything MathJax parses; what it rejects (a macro
only the author's preamble defined, unbalanced braces) is read here, so that a listener
hears "a over the square root of n" rather than "an equation" or backslash commands.
Hand-written because no library reads TeX aloud: pylatexenc's latex-to-text turns
`\\frac{a}{b}` into "a/b" and leaves `^` and `_` as written, which a voice cannot say.
Unknown macros are read through (their arguments said, their names dropped).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

_TOKEN = re.compile(r"\\[A-Za-z]+\*?|\\.|\d+(?:\.\d+)?|\s+|.", re.DOTALL)

_GREEK = re.findall(
    r"\w+",
    "alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi "
    "pi varpi rho varrho sigma varsigma tau upsilon phi varphi chi psi omega",
)
_CAPITAL_GREEK = re.findall(r"\w+", "Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega")

_WORDS: dict[str, str] = {
    **{name: name.removeprefix("var") for name in _GREEK},
    **{name: name.lower() for name in _CAPITAL_GREEK},
    "leq": "less than or equal to",
    "le": "less than or equal to",
    "geq": "greater than or equal to",
    "ge": "greater than or equal to",
    "neq": "not equal to",
    "ne": "not equal to",
    "approx": "approximately equals",
    "sim": "is distributed as",
    "simeq": "approximately equals",
    "equiv": "is equivalent to",
    "propto": "is proportional to",
    "ll": "much less than",
    "gg": "much greater than",
    "times": "times",
    "cdot": "times",
    "div": "divided by",
    "pm": "plus or minus",
    "mp": "minus or plus",
    "infty": "infinity",
    "oint": "the integral of",
    "partial": "partial",
    "nabla": "nabla",
    "in": "in",
    "notin": "not in",
    "subset": "subset of",
    "subseteq": "subset of or equal to",
    "cup": "union",
    "cap": "intersection",
    "emptyset": "the empty set",
    "varnothing": "the empty set",
    "forall": "for all",
    "exists": "there exists",
    "neg": "not",
    "lnot": "not",
    "land": "and",
    "wedge": "and",
    "lor": "or",
    "vee": "or",
    "to": "to",
    "rightarrow": "to",
    "mapsto": "maps to",
    "Rightarrow": "implies",
    "implies": "implies",
    "iff": "if and only if",
    "Leftrightarrow": "if and only if",
    "mid": "given",
    "circ": "composed with",
    "prime": "prime",
    "ldots": "dot dot dot",
    "cdots": "dot dot dot",
    "dots": "dot dot dot",
    "log": "log",
    "ln": "natural log",
    "exp": "exp",
    "sin": "sine",
    "cos": "cosine",
    "tan": "tangent",
    "max": "max",
    "min": "min",
    "arg": "arg",
    "argmax": "arg max",
    "argmin": "arg min",
    "lim": "the limit",
    "det": "determinant",
    "Pr": "probability",
    "Var": "variance",
    "Cov": "covariance",
    "tr": "trace",
}
_SILENT = {
    "left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr", "displaystyle",
    "textstyle", "limits", "nolimits", "quad", "qquad", "label", "nonumber", "notag", "tag",
    "begin", "end", "hline",
}  # fmt: skip
_FONTS = {"mathrm", "mathbf", "mathit", "mathsf", "mathtt", "mathcal", "mathbb", "mathfrak",
          "boldsymbol", "bm", "text", "textrm", "textbf", "textit", "operatorname", "mbox",
          "mathscr"}  # fmt: skip
_ACCENTS = {"hat": "hat", "widehat": "hat", "bar": "bar", "overline": "bar", "tilde": "tilde",
            "widetilde": "tilde", "dot": "dot", "ddot": "double dot", "vec": "vector"}  # fmt: skip
_CHARACTERS = {
    "+": "plus", "-": "minus", "=": "equals", "<": "less than", ">": "greater than", "/": "over",
    "*": "times", "!": "factorial", "'": "prime", ",": ",", ";": ";", ":": ":", "|": "",
    "(": "", ")": "", "[": "", "]": "", "&": "", "~": "", ".": "",
}  # fmt: skip
# Written as Unicode inside TeX: the normaliser says these.
_SPOKEN_SYMBOLS = frozenset("≤≥≠≈±×÷∞→∈∑∏∫√")
_BIG_OPERATORS = {"sum": "the sum", "prod": "the product", "int": "the integral"}
_COMMAS = re.compile(r"(?:\s*,)+\s*")
_SHORT_MACRO = 5
_BRACKETS = {"(": ")", "[": "]"}
_FUNCTION_LETTERS = frozenset("fghpq")
# "pi^*(x)", "f'(x)", "\\hat{f}(x)": a decorated symbol before a bracket is applied to it.
_DECORATED = frozenset(("star", "prime", "hat", "tilde", "bar"))
_FUNCTION_WORDS = frozenset(
    ("log", "natural log", "exp", "sine", "cosine", "tangent", "variance", "covariance", "trace",
     "probability", "max", "min", "determinant", "arg max", "arg min")
)  # fmt: skip
_POWERS = {"2": "squared", "3": "cubed", "T": "transpose", "prime": "prime", "'": "prime"}


def tex_words(tex: str) -> str:
    """Words for `tex` (no backslashes, braces or carets survive); "" when nothing is said."""
    reader = _Reader(token for token in _TOKEN.findall(tex) if not token.isspace())
    said = " ".join(" ".join(reader.sequence()).split())
    return _COMMAS.sub(", ", said).strip(" ,")


class _Reader:
    def __init__(self, tokens: Iterator[str]) -> None:
        self._tokens = list(tokens)
        self._at = 0

    def _next(self) -> str | None:
        if self._at >= len(self._tokens):
            return None
        self._at += 1
        return self._tokens[self._at - 1]

    def _peek(self) -> str | None:
        return self._tokens[self._at] if self._at < len(self._tokens) else None

    def sequence(self, closing: str | None = None) -> list[str]:
        words: list[str] = []
        while (token := self._next()) is not None and token != closing:
            if token in _BRACKETS:
                words += self._bracketed(token, words[-1] if words else "")
            else:
                words += self._token(token)
        return words

    def _bracketed(self, opening: str, before: str) -> list[str]:
        """ "f(x)" is "f of x"; "E[X]^2" is "E of X, squared", apart from "E[X^2]"."""
        inner = self.sequence(_BRACKETS[opening])
        words = ["of", *inner] if _names_a_function(before) else inner
        return [*words, ","] if self._peek() == "^" else words

    def argument(self) -> list[str]:
        """A macro argument or script: a `{group}` or a single token."""
        token = self._next()
        if token is None:
            return []
        if token == "{":
            return self.sequence("}")
        return self._token(token)

    def _optional(self) -> list[str]:
        if self._peek() != "[":
            return []
        self._next()
        return self.sequence("]")

    def _token(self, token: str) -> list[str]:
        if token == "{":
            return self.sequence("}")
        if token == "}":
            return []
        if token in ("^", "_"):
            return self._script(token)
        if token.startswith("\\"):
            return self._macro(token[1:].rstrip("*"))
        if token in _CHARACTERS:
            return [_CHARACTERS[token]] if _CHARACTERS[token] else []
        if token[0].isdigit():
            return [token]
        if token.isalpha():
            return [_letter(token)]
        return [token] if token in _SPOKEN_SYMBOLS else []  # other glyphs never reach the voice

    def _script(self, token: str) -> list[str]:
        if token == "^" and self._peek() == "*":  # "pi^*": pi star
            self._next()
            return ["star"]
        script = self.argument()
        if token == "_":
            return ["sub", *script] if script else []
        key = " ".join(script)
        if key in _POWERS:
            return [_POWERS[key]]
        return ["to the power of", *script, ","] if script else []

    def _big_operator(self, said: str) -> list[str]:
        """ "the sum from i equals 1 to n of", limits in either order."""
        limits: dict[str, list[str]] = {}
        while self._peek() in ("_", "^") and str(self._peek()) not in limits:
            token = str(self._next())
            limits[token] = self.argument()
        words = [said]
        if "_" in limits:
            words += ["from", *limits["_"]]
        if "^" in limits:
            words += ["to", *limits["^"]]
        return [*words, "of"]

    def _macro(self, name: str) -> list[str]:
        if name == "frac" or name in ("dfrac", "tfrac"):
            numerator = self.argument()
            return [*numerator, "over", *self.argument()]
        if name == "sqrt":
            index = " ".join(self._optional())
            root = {"": "square", "3": "cube"}.get(index, f"{index}th")
            return [f"the {root} root of", *self.argument()]
        if name in _BIG_OPERATORS:
            return self._big_operator(_BIG_OPERATORS[name])
        if name == "binom":
            top = self.argument()
            return [*top, "choose", *self.argument()]
        if name in _FONTS:
            return self.argument()
        if name in _ACCENTS:
            return [*self.argument(), _ACCENTS[name]]
        if name in ("begin", "end"):
            self.argument()  # the environment's name
            return []
        if name in _SILENT or not name.isalpha():
            return [","] if name in ("\\", "|") else []  # a line break; "\\|" parts p and q
        if name in _WORDS:
            return [_WORDS[name]]
        # An author's own short macro (\\E, \\KL, \\Prob) names what it stands for; a long
        # one is more likely markup, so only its arguments are read.
        if len(name) <= _SHORT_MACRO:
            return [_letter(name) if name.isupper() else name]
        return []


def _names_a_function(word: str) -> bool:
    """A letter or name that a bracket after it takes as arguments: f(x), E[X], KL(p, q)."""
    if word in _FUNCTION_WORDS or word in _FUNCTION_LETTERS or word in _DECORATED:
        return True
    return bool(word) and all(part.isupper() and len(part) == 1 for part in word.split())


def _letter(letters: str) -> str:
    """Letters in maths are variables, each said alone ("mc" is "m c")."""
    return " ".join(unicodedata.normalize("NFKC", letters))
