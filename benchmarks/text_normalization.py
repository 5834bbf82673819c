"""Score `normalize_text` on per-class cases and on whole sentences, beside identity and NeMo.

    python benchmarks/text_normalization.py [CASES_DIR] [--failures] [--no-nemo]

Part 1, per-class cases: CASES_DIR (or $POSTCAST_TN_CASES) defaults to
../shared/benchmarks/text-normalization from the repository root. Each CLASS.txt there holds
`written~spoken` lines (NeMo's own test cases); a case passes when both sides are equal after
the folder README's lenient comparison.

Part 2, sentences: benchmarks/data/sentences.tsv holds whole sentences of forum-style prose
written for this benchmark, `class<TAB>written<TAB>spoken`, the spoken form being what a
careful human narrator says (not what postcast outputs). Acceptable variants are marked in
the spoken form as `{a|b}` choices (nestable; an empty choice makes a phrase optional), and a
sentence passes when the normaliser's output equals any expansion once both are compared as
word sequences: the lenient form above (lower case, hyphens as spaces, punctuation dropped,
no "and"), with runs of single letters joined ("p m", "P.M." and "PM" all become "pm"), so
that spelling-out conventions are not counted as errors. The same sentences are run through
postcast, the identity function and NeMo's normaliser (`nemo-text-processing`, the `bench`
extra; its grammars compile once into $POSTCAST_NEMO_CACHE, default
~/.cache/postcast/nemo-tn). Goals: postcast above NeMo overall and in every class, and at
least 50 times faster per sentence.

Part 3, one paragraph: the sentences joined into one paragraph, and twenty copies of it
(about 110,000 words, near an episode's limit), normalised whole; goal: the long one costs
at most 1.5 times as much per word (no rule may look back over the whole text).

Prints the pass rates per class and overall (--failures also lists postcast's misses) and
exits 1 when a goal is missed, 2 when there are no cases.
"""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from postcast.narration.normalize import normalize_text

DEFAULT_CASES = Path(__file__).resolve().parents[1] / ".." / "shared" / "benchmarks"
DEFAULT_CASES = (DEFAULT_CASES / "text-normalization").resolve()
GOAL_OVERALL = 0.85
GOAL_EACH_CLASS = 0.60
_NOT_KEPT = re.compile(r"[^a-z0-9' ]")


def lenient(text: str) -> str:
    """The README's comparison form: lower case, hyphens as spaces, only letters, digits,
    apostrophes and spaces, no word "and", single spaces."""
    text = _NOT_KEPT.sub("", text.lower().replace("-", " "))
    return " ".join(word for word in text.split() if word != "and")


@dataclass
class ClassScore:
    name: str
    cases: int = 0
    passed: int = 0
    identity_passed: int = 0
    failures: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.passed / self.cases if self.cases else 0.0

    @property
    def identity_rate(self) -> float:
        return self.identity_passed / self.cases if self.cases else 0.0


@dataclass
class Report:
    classes: list[ClassScore]
    seconds: float

    @property
    def cases(self) -> int:
        return sum(score.cases for score in self.classes)

    @property
    def rate(self) -> float:
        return sum(score.passed for score in self.classes) / self.cases

    @property
    def identity_rate(self) -> float:
        return sum(score.identity_passed for score in self.classes) / self.cases

    @property
    def goals_met(self) -> bool:
        return self.rate >= GOAL_OVERALL and all(
            score.rate >= GOAL_EACH_CLASS for score in self.classes
        )


def read_cases(path: Path) -> list[tuple[str, str]]:
    cases = []
    for line in path.read_text(encoding="utf-8").splitlines():
        written, separator, spoken = line.partition("~")
        if separator:
            cases.append((written, spoken))
    return cases


def score(cases_dir: Path, normalize: Callable[[str], str] = normalize_text) -> Report:
    """Run `normalize` over every case file in `cases_dir`."""
    files = sorted(cases_dir.glob("*.txt"))
    if not files:
        raise FileNotFoundError(f"{cases_dir}: no *.txt case files")
    started = time.perf_counter()
    classes = []
    for path in files:
        result = ClassScore(path.stem)
        for written, spoken in read_cases(path):
            expected = lenient(spoken)
            produced = normalize(written)
            result.cases += 1
            result.identity_passed += lenient(written) == expected
            if lenient(produced) == expected:
                result.passed += 1
            else:
                result.failures.append((written, produced, spoken))
        classes.append(result)
    return Report(classes, time.perf_counter() - started)


def format_report(report: Report, show_failures: bool = False) -> str:
    lines = [f"{'class':<12} {'cases':>5} {'postcast':>9} {'identity':>9}"]
    for item in report.classes:
        lines.append(
            f"{item.name:<12} {item.cases:>5} {item.rate:>9.1%} {item.identity_rate:>9.1%}"
        )
    lines.append(
        f"{'overall':<12} {report.cases:>5} {report.rate:>9.1%} {report.identity_rate:>9.1%}"
    )
    lowest = min(report.classes, key=lambda item: item.rate)
    lines.append(
        f"goals: overall >= {GOAL_OVERALL:.0%} ({report.rate:.1%}), every class >= "
        f"{GOAL_EACH_CLASS:.0%} (lowest {lowest.name} {lowest.rate:.1%}): "
        f"{'met' if report.goals_met else 'MISSED'}; {report.seconds * 1000:.0f} ms"
    )
    if show_failures:
        for item in report.classes:
            for written, produced, spoken in item.failures:
                lines.append(f"  {item.name}: {written!r} -> {produced!r} (expected {spoken!r})")
    return "\n".join(lines)


SENTENCES = Path(__file__).resolve().parent / "data" / "sentences.tsv"
NEMO_CACHE = Path(os.environ.get("POSTCAST_NEMO_CACHE", Path.home() / ".cache/postcast/nemo-tn"))
GOAL_SPEED_RATIO = 50.0
_SINGLE_LETTERS = re.compile(r"\b[a-z](?: [a-z]\b)+")


def word_sequence(text: str) -> str:
    """The sentence comparison form: `lenient`, then runs of single letters joined."""
    return _SINGLE_LETTERS.sub(lambda found: found.group(0).replace(" ", ""), lenient(text))


def expand(spoken: str) -> list[str]:
    """Every reading that `{a|b}` choices in `spoken` allow ("{one |}hundred": two readings)."""
    opening = spoken.find("{")
    if opening < 0:
        return [spoken]
    depth, choices, begin = 0, [], opening + 1
    for index in range(opening, len(spoken)):
        char = spoken[index]
        depth += {"{": 1, "}": -1}.get(char, 0)
        if char == "|" and depth == 1:
            choices.append(spoken[begin:index])
            begin = index + 1
        elif char == "}" and depth == 0:
            choices.append(spoken[begin:index])
            head, tails = spoken[:opening], expand(spoken[index + 1 :])
            return [head + reading + tail for choice in choices for reading in expand(choice)
                    for tail in tails]  # fmt: skip
    raise ValueError(f"unbalanced braces in {spoken!r}")


@dataclass(frozen=True)
class Sentence:
    kind: str
    written: str
    readings: frozenset[str]


def read_sentences(path: Path = SENTENCES) -> list[Sentence]:
    sentences = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 3:
            raise ValueError(f"{path}:{number}: expected class, written, spoken (tab-separated)")
        kind, written, spoken = fields
        readings = frozenset(word_sequence(reading) for reading in expand(spoken))
        sentences.append(Sentence(kind, written, readings))
    return sentences


@dataclass
class SentenceScore:
    """Pass counts per class for one normaliser, and its mean seconds per sentence."""

    name: str
    passed: dict[str, int]
    seconds_per_sentence: float
    failures: list[tuple[Sentence, str]]

    def rate(self, sentences: list[Sentence], kind: str | None = None) -> float:
        total = sum(1 for item in sentences if kind is None or item.kind == kind)
        hits = sum(self.passed.values()) if kind is None else self.passed.get(kind, 0)
        return hits / total if total else 0.0


def score_sentences(
    name: str, sentences: list[Sentence], normalize: Callable[[str], str]
) -> SentenceScore:
    normalize(sentences[0].written)  # warm-up: tables load and grammars unpack once
    passed: dict[str, int] = {}
    failures = []
    started = time.perf_counter()
    for item in sentences:
        produced = normalize(item.written)
        if word_sequence(produced) in item.readings:
            passed[item.kind] = passed.get(item.kind, 0) + 1
        else:
            failures.append((item, produced))
    seconds = (time.perf_counter() - started) / len(sentences)
    return SentenceScore(name, passed, seconds, failures)


def nemo_normalizer() -> Callable[[str], str] | None:
    """NeMo's English normaliser (the `bench` extra), or None when it is not installed."""
    try:
        from nemo_text_processing.text_normalization.normalize import Normalizer
    except ImportError:
        return None
    import logging

    NEMO_CACHE.mkdir(parents=True, exist_ok=True)
    normalizer = Normalizer(input_case="cased", lang="en", cache_dir=str(NEMO_CACHE))
    # NeMo sets its logger up on import; quiet its per-sentence notes once it is built.
    logging.getLogger("NeMo-text-processing").setLevel(logging.ERROR)
    return lambda text: str(normalizer.normalize(text, punct_post_process=True))


def sentence_goals(scores: list[SentenceScore], sentences: list[Sentence]) -> list[str]:
    """One line per goal against NeMo; empty when NeMo is not among `scores`."""
    by_name = {item.name: item for item in scores}
    if "NeMo" not in by_name:
        return []
    ours, nemo = by_name["postcast"], by_name["NeMo"]
    kinds = sorted({item.kind for item in sentences})
    behind = [k for k in kinds if ours.rate(sentences, k) <= nemo.rate(sentences, k)]
    ratio = nemo.seconds_per_sentence / max(ours.seconds_per_sentence, 1e-9)
    overall = ours.rate(sentences) > nemo.rate(sentences)
    return [
        f"goal: overall above NeMo ({ours.rate(sentences):.1%} vs {nemo.rate(sentences):.1%}): "
        f"{'met' if overall else 'MISSED'}",
        f"goal: every class above NeMo: {'MISSED: ' + ', '.join(behind) if behind else 'met'}",
        f"goal: at least {GOAL_SPEED_RATIO:.0f}x faster than NeMo ({ratio:.0f}x: "
        f"{ours.seconds_per_sentence * 1000:.2f} ms vs {nemo.seconds_per_sentence * 1000:.1f} ms "
        f"a sentence): {'met' if ratio >= GOAL_SPEED_RATIO else 'MISSED'}",
    ]


def format_sentences(
    scores: list[SentenceScore], sentences: list[Sentence], show_failures: bool = False
) -> str:
    kinds = sorted({item.kind for item in sentences})
    header = f"{'sentences':<14} {'count':>5}" + "".join(f" {s.name:>9}" for s in scores)
    lines = [header]
    for kind in [*kinds, None]:
        count = sum(1 for item in sentences if kind is None or item.kind == kind)
        rates = "".join(f" {s.rate(sentences, kind):>9.1%}" for s in scores)
        lines.append(f"{kind or 'overall':<14} {count:>5}{rates}")
    lines.extend(sentence_goals(scores, sentences))
    if show_failures:
        for item, produced in scores[0].failures:
            lines.append(f"  {item.kind}: {item.written!r} -> {produced!r}")
    return "\n".join(lines)


# Part 3: one paragraph as long as a post may be. The words per second of the sentences
# joined into one paragraph, and of twenty copies of it joined (about 110,000 words, near
# the 120,000-word limit an episode has): the long paragraph may cost at most this much
# more per word (a rule that looks back over the whole text before each match is
# quadratic: on 2026-12-01 two such rules, the abbreviations' sentence start and
# "St."/"Dr."'s name before, made it 2.22x; windowed, 1.12x).
GOAL_PARAGRAPH_RATIO = 1.5
PARAGRAPH_COPIES = 20


def paragraph_cost(sentences: list[Sentence]) -> tuple[float, float]:
    """Microseconds per word of the sentences as one paragraph, and of 20 copies of it."""
    text = " ".join(item.written for item in sentences)
    normalize_text(text)  # compiled patterns and caches, before the clock
    costs = []
    for copies in (1, PARAGRAPH_COPIES):
        paragraph = " ".join([text] * copies)
        start = time.perf_counter()
        normalize_text(paragraph)
        costs.append((time.perf_counter() - start) * 1e6 / len(paragraph.split()))
    return costs[0], costs[1]


def format_paragraph_cost(short: float, long: float) -> str:
    ratio = long / short
    verdict = "met" if ratio <= GOAL_PARAGRAPH_RATIO else "MISSED"
    return (
        f"one paragraph: {short:.0f} us a word; {PARAGRAPH_COPIES} times as long: {long:.0f} us "
        f"a word ({ratio:.2f}x; goal <= {GOAL_PARAGRAPH_RATIO}x): {verdict}"
    )


def main(argv: list[str]) -> int:
    arguments = [arg for arg in argv if not arg.startswith("-")]
    cases_dir = Path(
        arguments[0] if arguments else os.environ.get("POSTCAST_TN_CASES", DEFAULT_CASES)
    )
    try:
        report = score(cases_dir)
    except FileNotFoundError as error:
        print(f"error: {error} (pass the cases folder or set POSTCAST_TN_CASES)", file=sys.stderr)
        return 2
    show_failures = "--failures" in argv
    print(format_report(report, show_failures=show_failures))
    sentences = read_sentences()
    scores = [
        score_sentences("postcast", sentences, normalize_text),
        score_sentences("identity", sentences, lambda text: text),
    ]
    nemo = None if "--no-nemo" in argv else nemo_normalizer()
    if nemo is not None:
        scores.append(score_sentences("NeMo", sentences, nemo))
    print()
    print(format_sentences(scores, sentences, show_failures=show_failures))
    if nemo is None:
        print("NeMo not run (--no-nemo, or nemo-text-processing not installed): goals unchecked")
    goals = sentence_goals(scores, sentences)
    paragraph = format_paragraph_cost(*paragraph_cost(sentences))
    print(paragraph)
    goals.append(paragraph)
    return 0 if report.goals_met and not any("MISSED" in goal for goal in goals) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
