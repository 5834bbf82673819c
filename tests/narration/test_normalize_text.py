"""normalize_text as a whole: prose stays prose, sentences stay sentences, lines stay lines,
it is fast, and it meets the shared benchmark's goals."""

from __future__ import annotations

import importlib.util
import os
import random
import re
import sys
from pathlib import Path

import pytest

from postcast.narration.normalize import normalize_lines, normalize_text

REPO = Path(__file__).resolve().parents[2]
PROSE = (
    "Most of us keep a to-do list, and most of us ignore it by Wednesday. Why? Because "
    'writing a plan feels like progress! The author\'s well-known essay, "On Lists", said '
    "so; she wasn't wrong (or was she?) - I can't tell.\n\nA second paragraph: short."
)


def _sentences(text: str) -> list[str]:
    """The split a speech stage makes: after . ! ? followed by a space and a capital."""
    return re.split(r"(?<=[.!?])\s+(?=[A-Z\"])", text)


def test_ordinary_prose_is_untouched() -> None:
    assert normalize_text(PROSE) == PROSE


def test_sentence_boundaries_survive() -> None:
    text = (
        "On Jan. 5, 2024 we raised $1.5M, i.e. 3x our goal. Dr. Ruiz said it took 2 hrs. "
        "The U.S. team, etc. came too. We met at 9 a.m. It was 2.5°C at 10:30. Fine."
    )
    spoken = normalize_text(text)
    assert len(_sentences(spoken)) == 6
    assert not re.search(r"\d", spoken)


@pytest.mark.parametrize(
    "text",
    [
        "No. That is wrong. Did I mix it? I am here.",
        "The CIA, NATO and the DNA of a LIVE CD.",
        "We may march in May; the sun sat low.",
        'He said: "no." Then he left.',
    ],
)
def test_words_that_look_like_forms_stay_words(text: str) -> None:
    assert normalize_text(text) == text


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("In 1066 AD. It was over.", "In ten sixty-six A.D. It was over."),
        ("He won 6-4, 6-3.", "He won six four, six three."),
        ("Born c. 1450 in Mainz.", "Born circa fourteen fifty in Mainz."),
    ],
)
def test_full_stops_after_abbreviations_that_end_sentences(written: str, spoken: str) -> None:
    assert normalize_text(written) == spoken


def test_phoneme_blocks_pass_through() -> None:
    text = "Ask [[ bˈɑːstɹəm ]] about 3 ideas."
    assert normalize_text(text) == "Ask [[ bˈɑːstɹəm ]] about three ideas."


def test_no_input_makes_it_fail() -> None:
    rng = random.Random(7)
    alphabet = "0123456789" * 3 + " .,:;-–/$£€%°x@&+=~<>#()'\"abcIVXLCDMstndrhAPMkKmbB²½\n\t٣"
    for _ in range(1000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40)))
        assert isinstance(normalize_text(text), str)
    for huge in ("$" + "9" * 400, "9" * 400 + "th", "1e" + "9" * 50, "9" * 60 + "/7"):
        assert not re.search(r"\d", normalize_text(huge))


def test_empty_and_blank_text_come_back_as_they_are() -> None:
    for text in ("", "   ", "\n"):
        assert normalize_text(text) == text


def test_it_is_deterministic() -> None:
    text = "In 1999 about 1500 people paid $20 at 5pm on 3/4/2001."
    assert len({normalize_text(text) for _ in range(3)}) == 1


def test_lines_map_one_to_one() -> None:
    lines = ["It cost $5.\n", "\n", "Call at 3pm\r\n", "no newline at the end", "a\u2028b\n"]
    out = list(normalize_lines(lines))
    assert out == ["It cost five dollars.", "", "Call at three PM", "no newline at the end", "a b"]
    assert all("\n" not in line and "\r" not in line for line in out)


def test_lines_from_a_file_object(tmp_path: Path) -> None:
    source = tmp_path / "in.txt"
    source.write_text("1st\n\n2nd\n", encoding="utf-8")
    with source.open(encoding="utf-8") as handle:
        assert list(normalize_lines(handle)) == ["first", "", "second"]


def test_a_long_post_normalises_every_number() -> None:
    """Its speed is a benchmark's (benchmarks/text_normalization.py), not a timed test."""
    sentence = (
        "In 2019 the group spent $4,500 (about 12% of its budget) on 3 events, e.g. a talk "
        "on March 3 at 7:30 p.m. with 250 guests; see https://example.org/events for more. "
    )
    prose = "The committee noticed the evening light over the harbour before the rain began. "
    paragraph = sentence + prose * 6
    post = [paragraph] * (20_000 // len(paragraph.split()) + 1)
    spoken = [normalize_text(text) for text in post]
    assert sum(len(text.split()) for text in post) >= 20_000
    assert not any(re.search(r"\d", text) for text in spoken)


def _benchmark_module():  # the script lives outside the package, next to the other benchmarks
    path = REPO / "benchmarks" / "text_normalization.py"
    spec = importlib.util.spec_from_file_location("text_normalization_benchmark", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_lenient_comparison_follows_the_readme() -> None:
    lenient = _benchmark_module().lenient
    assert lenient("Twenty-One AND a Half, o'clock!") == "twenty one a half o'clock"
    assert lenient("one hundred and five") == lenient("One Hundred Five")


def test_benchmark_goals_are_met() -> None:
    benchmark = _benchmark_module()
    cases = Path(os.environ.get("POSTCAST_TN_CASES", benchmark.DEFAULT_CASES))
    if not cases.is_dir():
        pytest.skip(f"benchmark cases not present at {cases}")
    report = benchmark.score(cases)
    identity = benchmark.score(cases, normalize=lambda text: text)
    assert report.rate >= benchmark.GOAL_OVERALL, benchmark.format_report(report)
    assert min(item.rate for item in report.classes) >= benchmark.GOAL_EACH_CLASS
    assert report.goals_met
    assert not identity.goals_met and identity.rate == report.identity_rate


def test_sentence_alternatives_expand_and_nest() -> None:
    expand = _benchmark_module().expand
    assert expand("plain") == ["plain"]
    assert sorted(expand("a {b|c} d")) == ["a b d", "a c d"]
    assert sorted(expand("{one |}hundred")) == ["hundred", "one hundred"]
    assert sorted(expand("{{one |}ten|a million}!")) == ["a million!", "one ten!", "ten!"]
    with pytest.raises(ValueError, match="unbalanced"):
        expand("a {b|c")


def test_sentence_comparison_joins_spelled_letters() -> None:
    word_sequence = _benchmark_module().word_sequence
    assert word_sequence("at three P.M. sharp") == word_sequence("at three p m sharp")
    assert word_sequence("three PM") == "three pm"
    assert word_sequence("three– five") != word_sequence("three to five")


def test_sentence_benchmark_data_and_goal() -> None:
    benchmark = _benchmark_module()
    sentences = benchmark.read_sentences()
    kinds = {item.kind for item in sentences}
    assert len(sentences) >= 300 and len(kinds) >= 10
    ours = benchmark.score_sentences("postcast", sentences, normalize_text)
    identity = benchmark.score_sentences("identity", sentences, lambda text: text)
    assert ours.rate(sentences) >= 0.95, [item.written for item, _ in ours.failures]
    assert all(ours.rate(sentences, kind) >= 0.85 for kind in kinds)
    assert identity.rate(sentences) < 0.1
