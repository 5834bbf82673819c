"""Maths to spoken English through the Speech Rule Engine (SRE), MathJax's own reader.

All of a post's equations go to ONE Node.js process (JSON in, JSON out), which parses TeX
with MathJax's TeX input and reads the MathML with SRE's ClearSpeak rules. Results are
cached per source in this process, so a re-render or a second post pays nothing twice.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from num2words import num2words

from postcast.errors import MathSpeechUnavailable

NODE_MODULES_ENV = "POSTCAST_NODE_MODULES"
_REQUIRED_MODULES = ("mathjax-full", "speech-rule-engine")
_TIMEOUT_SECONDS = 180
_CACHE_LIMIT = 20_000
_NUMBER = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?")
_ORDINAL = re.compile(r"\b(\d+)(?:st|nd|rd|th)\b")  # "2 to the 20th power"
# Where ClearSpeak's words are not what a reader of a forum post says: "pi^*" is "pi star",
# not "the asterisk power of pi"; the capital Greek delta is "delta", not "triangle";
# "\\mathbb{E}" is "E", not "double struck E"; odds "1:4" are "one to four"; a bracket
# is a "bracket" (Whisper hears ClearSpeak's "paren" as "perend").
_OPERATOR_WORDS = r"\b(?:plus|minus|times|over|divided|equals|is|squared|cubed|power)\b"
_BRACKETS = "open bracket|close bracket"
_BRACKET_OR_OPERATOR = rf"{_BRACKETS}|{_OPERATOR_WORDS}"
_RELATION = r"(?:equals|is (?:greater|less|not|in)|approximately equals)"
# What ClearSpeak may say right before a function it reads "the log of": a factor
_OPERAND = (
    r"[A-Za-z]|alpha|beta|gamma|delta|epsilon|zeta|eta|theta|iota|kappa|lambda|mu|nu|xi|"
    r"pi|rho|sigma|tau|upsilon|phi|chi|psi|omega|close bracket|one|two|three|four|five|"
    r"six|seven|eight|nine|ten|\d+|sub \w+|squared|cubed"
)
_FUNCTION_NAMES = (
    "softmax|sigmoid|ReLU|relu|GELU|tanh|diag|Var|Cov|tr|trace|rank|sgn|sign|logit|MLP|"
    "floor|ceiling"
)
# A subscript that labels ("theta_old", "L_train", "pi_ref") is a word, which ClearSpeak
# spells letter by letter as it would a product; these are the labels forum posts use.
_LABELS = (
    "old new ref train test init opt true pred prev next in out obs est emp data model base "
    "prior post eff tot avg hid enc dec pos neg gen"
)
_SUBSCRIPT_WORDS = frozenset(_LABELS.split())
# (in a longer expression ClearSpeak may read "r e f" as "r of e f")
_SPELT_SUBSCRIPT = re.compile(r"\bsub ((?:[a-z] (?:of )?)+[a-z])\b")
# "ℝ^n" is "r-n" to ClearSpeak (its words for a double-struck letter's dimension)
_SPACE_POWER = re.compile(r"\b([rzcq])-(?!th\b)(\w+(?: sub \w+)?)(?: times (\w+))?")
_READINGS = tuple(
    (re.compile(pattern), spoken)
    for pattern, spoken in (
        (r"\bsub is less than\b", "sub less than"),  # "x_{<t}": the xs before t
        (r"\bV a r\b", "Var"),  # "Var(X)" in italics: ClearSpeak spells the letters
        (r"\bC o v\b", "Cov"),
        (r"\bthe asterisk power of (\w+)", r"\1 star"),
        (r"\braised to the open paren (\w+) close paren power\b", r"superscript \1"),
        (r"\bthe open paren (\w+) close paren power of (\w+)", r"\2 superscript \1"),
        (r"\btriangle\b", "Delta"),
        (r"\b([Ll])amda\b", r"\1ambda"),
        (r"\bdouble struck (?=\w)", ""),
        (r"\bnot sign\b", "not"),
        (r"\bpercent sign\b", "percent"),  # "95\%": the sign is how percent is written
        # "KL(P ‖ Q)", "D_KL(p ∥ q)": the divergence of P from Q, not a parallel
        (r"\b(KL|K L)( of (?:(?! parallel to ).)+?) parallel to ", r"\1\2 from "),
        (r"\balmost equals\b", "approximately equals"),
        (r"(?<=\d) colon (?=\d)", " to "),
        (r"\bl n\b", "natural log"),
        # "α log C₀": ClearSpeak's "alpha the log of C sub zero" sounds as if the log were
        # alpha's object; a product, said as one ("n log n" it already says whole)
        (rf"\b({_OPERAND}) (?=the (?:natural )?log (?:base \w+ )?of\b)", r"\1 times "),
        # heard back as "perend" and "x": the longer words are the ones listeners catch
        (r"\b(open|close) paren\b", r"\1 bracket"),
        (r"\bthe exp of\b", "the exponential of"),
        # ‖x‖ is a norm, "a → b" maps or tends to, "arg max" is one operator
        (r"\bthe metric of\b", "the norm of"),
        (r"\bright arrow from bar\b", "maps to"),
        (r"\bright arrow\b", "to"),
        (r"\bleft arrow\b", "gets"),  # "x ← x + 1": an assignment
        (r"\b(?:long )?left right double arrow\b", "if and only if"),
        (r"\b(?:long )?right double arrow\b", "implies"),
        # "V^π", "Q^π": a superscript policy or parameter labels the function, not a power
        (r"\bthe (pi|theta|phi|psi)-th power of (\w+)", r"\2 \1"),
        (r"\b(\w+) tilde (?=script [A-Z]\b)", r"\1 drawn from "),
        (r"\bthe arg of (max|min)\b", r"arg \1"),
        (r"\b(\w+) raised to the asterisk power\b", r"\1 star"),
        (r"\bE sub (\w+) tilde (\w+) of\b", r"the expectation over \1 drawn from \2 of"),
        # "E_{x ~ D, y ~ π_θ}[...]": each "~" in an expectation's subscript is a draw
        (
            r"\bE sub ((?:(?!\bof\b).)+? tilde (?:(?!\bof\b).)+?) of\b",
            lambda over: f"the expectation over {over[1].replace(' tilde ', ' drawn from ')} of",
        ),
        (r"\bO of\b", "big O of"),
        (r"\bthe 2 by 1 column matrix (\w+) (\w+)$", r"\1 choose \2"),  # \binom{n}{k}
        (r"\bscript big O\b", "big O"),
        (
            r"\bbig O of open bracket ((?:(?!open bracket|close bracket).)+?) close bracket",
            r"big O of \1",
        ),
        # "Aᵀ", "x ∈ S" after a quantifier, "⟨u, v⟩", "∂L/∂w" as they are said
        (r"\b(\w+) raised to the (?:down tack|intercalate) power", r"\1 transpose"),
        (r"\b([A-Z]) to the T power", r"\1 transpose"),  # a matrix; "gamma to the T" is a power
        # "to the alpha-th power": Whisper hears "alpha d th"; "to the power of alpha" is
        # how the exponent is said aloud
        (r"\bto the ([A-Za-z]+)-th power\b", r"to the power of \1"),
        (r"\bto the ([A-Za-z]) power\b", r"to the power of \1"),
        (r"\bto the negative (\w+) power\b", r"to the power of minus \1"),
        # (not where the exponent has arithmetic: "raised to the n plus one power" is
        # unambiguous, "to the power of n plus one" is not)
        (
            r"\braised to the "
            r"((?:(?!raised|exponent|plus|minus|times|divided|over|power).)+?) power\b",
            r"to the power of \1",
        ),
        (r"\b(for all|there exists) (\w+) is a member of\b", r"\1 \2 in"),
        (r"\bis (not )?a member of\b", r"is \1in"),  # "x ∈ ℝ^d": "x is in R to the d"
        (
            r"\bleft angle bracket (\w+) comma (\w+) right angle bracket",
            r"the inner product of \1 and \2",
        ),
        (
            r"\bthe fraction with numerator partial differential (\w+) "
            r"and denominator partial differential (\w+)\b(?! squared)",
            r"the partial derivative of \1 with respect to \2",
        ),
        # the probability of an event, as it is said: "P(X = x)" is "the probability that
        # X equals x", not "P of open bracket X equals x close bracket" (brackets no
        # listener can see), and "x P(X=x)" multiplies
        (
            r"\b(?:the probability|Pr|P|p) (?:of|times) open bracket "
            rf"((?:(?!{_BRACKETS}).)+?\b{_RELATION}\b(?:(?!{_BRACKETS}).)*?) close bracket",
            r"the probability that \1",
        ),
        (r"(?<=\b[A-Za-z0-9]) (?=the probability that\b)", " times "),
        # a named function's argument, not a product: "softmax of z", "rank of A"
        (rf"\b({_FUNCTION_NAMES}) times (?=open bracket)", r"\1 of "),
        (rf"\b({_FUNCTION_NAMES}) (?=[A-Za-z]\b(?! of\b))", r"\1 of "),
        # arguments, not nested and with no arithmetic in them, whose brackets the
        # listener does not need: "f of x comma y", "P of A given B" (but "the log of
        # open bracket L minus L sub infinity close bracket" keeps them)
        (
            rf"\bof open bracket ((?:(?!{_BRACKET_OR_OPERATOR}).)+?) close bracket",
            r"of \1",
        ),
        (r"\bVar (?:of )?", "the variance of "),
        (r"\bCov (?:of )?", "the covariance of "),
        (r"\bthe covariance of (\w+) comma (\w+)\b(?! comma)", r"the covariance of \1 and \2"),
        # logic as LessWrong's decision theory writes it: "□A" (provable A), "⊢", "⊨", "⊥"
        (r"\bwhite medium square\b", "box"),
        (r"\bright tack\b", "proves"),
        (r"\b([A-Za-z]) true (?=[A-Za-z]\b)", r"\1 models "),
        (r"\bto the power of up tack\b", "perp"),  # "A^⊥": the orthogonal complement
        (r"\bup tack\b", "bottom"),
        (r"\bdown tack\b", "top"),
        (r"\bd o of\b", "do of"),  # Pearl's do-operator, "P(Y | do(X))"
        (r"^tilde (?=\S)", "about "),  # "~10^9" on its own: roughly
        (r"^dollar sign (.+)$", r"\1 dollars"),
        (r"\bFLOP slash s\b", "FLOP per second"),
        (
            r"\bthe fraction with numerator partial differential squared (\w+) "
            r"and denominator partial differential (\w+) squared\b",
            r"the second partial derivative of \1 with respect to \2",
        ),
        (r"^1 lines? Line 1: ", ""),  # a one-line align environment is just its equation
        (r"(?<=\w) (?=Line \d+:)", ", "),  # a pause between the lines of a multi-line one
    )
)


@dataclass(frozen=True)
class MathSource:
    """One equation as the post gives it: TeX, or MathML when no TeX survives."""

    tex: str | None = None
    mathml: str | None = None
    display: bool = False

    def request(self) -> dict[str, object]:
        if self.tex is not None:
            return {"tex": _rewritten(self.tex), "display": self.display}
        return {"mathml": self.mathml}


# "x^{(i)}" (the i-th example), "W^{[l]}" (layer l) label, not powers: ClearSpeak drops the
# brackets and says "x raised to the i power"; as text it keeps them, and `_READINGS` says
# "x superscript i"
_INDEX_SUPERSCRIPT = re.compile(r"\^\{\s*([(\[])\s*([A-Za-z0-9]+)\s*[)\]]\s*\}")


def _as_label(index: re.Match[str]) -> str:
    return f"^{{\\text{{({index[2]})}}}}"


# ClearSpeak reads "⌊x⌋" as "x" (the floor lost) and "⌈n/2⌉" as "left ceiling n divided by
# 2 right ceiling": as named functions they are "floor of x", "ceiling of ..."
_FLOOR_CEILING = re.compile(r"(?:\\left\s*)?\\l(floor|ceil)\s*(.+?)\s*(?:\\right\s*)?\\r\1")


def _rewritten(tex: str) -> str:
    """TeX as the engine should read it: labels and floors made plain."""
    tex = _INDEX_SUPERSCRIPT.sub(_as_label, tex)
    return _FLOOR_CEILING.sub(
        lambda bracket: f"\\operatorname{{{bracket[1].replace('ceil', 'ceiling')}}}({bracket[2]})",
        tex,
    )


_cache: dict[MathSource, str | None] = {}


def speak_maths(sources: list[MathSource]) -> list[str | None]:
    """Spoken English for each equation, or None for one the engine could not parse."""
    missing = list(dict.fromkeys(source for source in sources if source not in _cache))
    if missing:
        if len(_cache) + len(missing) > _CACHE_LIMIT:
            _cache.clear()
        _cache.update(zip(missing, _run_engine(missing), strict=True))
    return [_cache[source] for source in sources]


def node_modules_dir() -> Path | None:
    """Where the engine's Node modules are: $POSTCAST_NODE_MODULES, the source tree, or here."""
    configured = os.environ.get(NODE_MODULES_ENV)
    if configured:
        return Path(configured).expanduser()
    package_data = Path(str(files("postcast.narration").joinpath("data")))
    repo_root = Path(__file__).resolve().parents[3]
    for candidate in (repo_root / "node_modules", package_data / "node_modules"):
        if all((candidate / name).is_dir() for name in _REQUIRED_MODULES):
            return candidate
    return None


def engine_problem() -> str | None:
    """Why maths cannot be spoken here, or None when Node and both modules are in place."""
    if shutil.which("node") is None:
        return "the `node` program (Node.js) is not on PATH"
    modules = node_modules_dir()
    if modules is None:
        return "no node_modules folder with mathjax-full and speech-rule-engine was found"
    absent = [name for name in _REQUIRED_MODULES if not (modules / name).is_dir()]
    if absent:
        return f"{', '.join(absent)} not installed in {modules}"
    return None


def _run_engine(sources: list[MathSource]) -> list[str | None]:
    problem = engine_problem()
    if problem:
        raise MathSpeechUnavailable(problem)
    driver = Path(str(files("postcast.narration").joinpath("data", "speak_maths.js")))
    request = {"domain": "clearspeak", "items": [source.request() for source in sources]}
    env = {**os.environ, "NODE_PATH": str(node_modules_dir())}
    try:
        done = subprocess.run(
            ["node", str(driver)],
            input=json.dumps(request),
            capture_output=True,
            text=True,
            env=env,
            timeout=_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise MathSpeechUnavailable(f"the engine took over {_TIMEOUT_SECONDS} s") from error
    answer = _parse_answer(done)
    return [_spoken(result.get("speech")) for result in answer["results"]]


def _parse_answer(done: subprocess.CompletedProcess[str]) -> dict[str, list[dict[str, str]]]:
    try:
        answer = json.loads(done.stdout) if done.stdout else {}
    except json.JSONDecodeError:
        answer = {}
    if "fatal" in answer:
        raise MathSpeechUnavailable(str(answer["fatal"]))
    if done.returncode != 0 or "results" not in answer:
        detail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
        raise MathSpeechUnavailable(f"the engine failed (exit {done.returncode}): {detail[0]}")
    return answer


def spoken_numbers(words: str) -> str:
    """Digits in spoken maths as words: "x sub 1" -> "x sub one"."""
    return _spoken(words) or ""


def _spoken(speech: str | None) -> str | None:
    """SRE writes numbers as digits; a narrator says "ten to the sixth power"."""
    if not speech or not speech.strip():
        return None
    speech = _SPELT_SUBSCRIPT.sub(_subscript_word, speech)
    speech = _SPACE_POWER.sub(_space_power, speech)
    for pattern, spoken in _READINGS:
        speech = pattern.sub(spoken, speech)
    speech = _ORDINAL.sub(lambda match: num2words(int(match.group(1)), to="ordinal"), speech)
    words = _NUMBER.sub(lambda match: num2words(_number(match.group(0))), speech)
    return " ".join(words.split())


def _subscript_word(spelt: re.Match[str]) -> str:
    word = spelt[1].replace(" of ", " ").replace(" ", "")
    return f"sub {word}" if word in _SUBSCRIPT_WORDS else spelt[0]


def _space_power(power: re.Match[str]) -> str:
    """ "r-n times m" -> "R to the n by m": a space of n-by-m matrices, not a product."""
    space, dimension, by = power.groups()
    return f"{space.upper()} to the {dimension}" + (f" by {by}" if by else "")


def _number(text: str) -> int | float:
    digits = text.replace(",", "")
    return float(digits) if "." in digits else int(digits)
