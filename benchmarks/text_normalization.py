"""Score `normalize_text` on the shared English text-normalisation cases.

    python benchmarks/text_normalization.py [CASES_DIR] [--failures]

CASES_DIR (or $POSTCAST_TN_CASES) defaults to ../shared/benchmarks/text-normalization from the
repository root. Each CLASS.txt there holds `written~spoken` lines; a case passes when both
sides are equal after the folder README's lenient comparison. Prints per-class pass rates
for postcast and for the identity function (--failures also lists the cases missed), and
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
    print(format_report(report, show_failures="--failures" in argv))
    return 0 if report.goals_met else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
