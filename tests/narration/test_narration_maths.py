"""Maths read as words by the real Speech Rule Engine, in every markup the forums produce."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pytest
from narration_samples import (
    FIXTURES,
    assert_clean,
    body,
    fixture_post,
    require_maths_engine,
    said,
    script_of,
)
from num2words import num2words

from postcast.errors import MathSpeechUnavailable
from postcast.models import SegmentKind
from postcast.narration import math_speech
from postcast.narration.markdown import markdown_to_html
from postcast.narration.math_speech import MathSource, speak_maths


@pytest.fixture
def engine() -> None:
    require_maths_engine()


@pytest.mark.usefixtures("engine")
def test_mathjax3_takes_tex_from_the_markdown_in_document_order() -> None:
    script = script_of(fixture_post("maths_mathjax3.html"))
    segments = body(script)
    assert [segment.text for segment in segments] == [
        said("The famous relation E equals m c squared is not what this post is about."),
        said("Instead, consider the mean of a sample:"),
        said("The sum from i equals one to n of x sub i."),
        said("divided by n, which we write as x bar."),
    ]
    display = segments[2]
    assert display.kind is SegmentKind.MATH
    assert display.pause_before > 0 and display.pause_after > 0
    assert_clean(script)


def test_an_unlabelled_container_without_markdown_or_mathml_is_an_equation() -> None:
    """The one case with no source at all: glyphs are never read, so it is only announced."""
    post = fixture_post("maths_mathjax3.html", markdown="")
    segments = body(script_of(post))
    assert segments[0].text == said(
        "The famous relation an equation is not what this post is about."
    )
    assert segments[2].text == said("An equation.")
    assert_clean(script_of(post))


def test_markdown_with_a_different_equation_count_is_not_guessed_from() -> None:
    post = fixture_post("maths_mathjax3.html", markdown="Only $a$ here.")
    assert said("an equation") in body(script_of(post))[0].text


@pytest.mark.usefixtures("engine")
def test_mathjax3_reads_its_assistive_mathml_when_there_is_no_markdown() -> None:
    segments = body(script_of(fixture_post("maths_mathjax3_assistive.html")))
    assert [segment.text for segment in segments] == [
        said("The loss is y cubed per example, and the gradient is an equation.")
    ]


@pytest.mark.usefixtures("engine")
def test_legacy_mathjax_reads_the_tex_label_and_splits_display_maths() -> None:
    script = script_of(fixture_post("maths_mathjax2.html"))
    assert [(segment.kind, segment.text) for segment in body(script)] == [
        (
            SegmentKind.PARAGRAPH,
            said(
                "Let p be the probability that the coin lands heads. "
                "After k heads in a row, the likelihood is"
            ),
        ),
        (SegmentKind.MATH, said("One half.")),
        (SegmentKind.PARAGRAPH, said("which falls quickly.")),
    ]
    assert_clean(script)


@pytest.mark.usefixtures("engine")
def test_markdown_maths_is_read_and_money_is_not_maths() -> None:
    markdown = (FIXTURES / "maths_mathjax3.md").read_text(encoding="utf-8")
    post = fixture_post("maths_mathjax3.md", html=markdown_to_html(markdown))
    texts = [segment.text for segment in body(script_of(post))]
    assert texts[0] == said(
        "The famous relation E equals m c squared is not what this post is about."
    )
    assert said("The sum from i equals one to n of x sub i.") in texts
    assert texts[-1] == said(
        "divided by n, which we write as x bar. Code such as cost = 5 is not maths."
    )


@pytest.mark.usefixtures("engine")
def test_all_equations_of_a_post_go_to_one_engine_process(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real_run = math_speech._run_engine

    def counting(sources: list[MathSource]) -> list[str | None]:
        calls.append(len(sources))
        return real_run(sources)

    monkeypatch.setattr(math_speech, "_run_engine", counting)
    marker = random.randrange(10**6, 10**7)
    sources = [MathSource(tex=f"x_{{{marker}}} + {n}") for n in range(5)]
    first = speak_maths(sources)
    again = speak_maths(sources)
    assert calls == [5]  # one process for all five, none for the cached second pass
    assert first == again
    assert first[1] == f"x sub {num2words(marker)} plus one"


def test_missing_node_modules_raise_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(math_speech.NODE_MODULES_ENV, str(tmp_path))
    marker = random.randrange(10**6, 10**7)
    post = fixture_post(
        "structure.html",
        html=f'<p><span class="math inline" data-tex="z^{{{marker}}}">z</span></p>',
    )
    with pytest.raises(MathSpeechUnavailable, match="npm ci") as error:
        script_of(post)
    assert "speech-rule-engine" in str(error.value)


def test_missing_node_raises_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    marker = random.randrange(10**6, 10**7)
    with pytest.raises(MathSpeechUnavailable, match=r"Node\.js"):
        speak_maths([MathSource(tex=f"w^{{{marker}}}")])


def test_posts_without_maths_never_need_the_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    assert body(script_of(fixture_post("tables.html")))


@pytest.mark.usefixtures("engine")
def test_katex_scripts_bare_mathml_and_broken_tex() -> None:
    script = script_of(fixture_post("maths_mixed.html"))
    assert [segment.text for segment in body(script)] == [
        said(
            "KaTeX gives the square root of a, a script gives b squared, "
            "and MathML gives one third."
        ),
        said("A broken formula such as q is announced."),
    ]
    assert speak_maths([MathSource(tex="\\notamacro{q}")]) == [None]  # read by tex_words
    assert_clean(script)


def test_the_packaged_driver_asks_for_what_the_repo_root_installs() -> None:
    root = Path(__file__).resolve().parents[2]
    bundled = Path(math_speech.__file__).parent / "data" / "package.json"
    wanted = json.loads(bundled.read_text(encoding="utf-8"))["dependencies"]
    assert json.loads((root / "package.json").read_text(encoding="utf-8"))["dependencies"] == wanted
    lock = json.loads((root / "package-lock.json").read_text(encoding="utf-8"))
    for name, version in wanted.items():
        assert lock["packages"][f"node_modules/{name}"]["version"] == version


def test_node_modules_folder_can_be_pointed_at(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(math_speech.NODE_MODULES_ENV, str(tmp_path))
    assert math_speech.node_modules_dir() == tmp_path
    if shutil.which("node"):
        expected = f"mathjax-full, speech-rule-engine not installed in {tmp_path}"
        assert math_speech.engine_problem() == expected


@pytest.mark.usefixtures("engine")
@pytest.mark.parametrize(
    ("tex", "spoken"),
    [
        (r"\|x\|_2 \le 1", "the norm of x sub two is less than or equal to one"),
        (r"f: A \to B", "f colon A to B"),
        (r"\arg\max_a Q(s, a)", "arg max over a of Q of s comma a"),
        (r"\mathbb{E}_{x \sim D}[f(x)]", "the expectation over x drawn from D of f of x"),
        (r"\pi_\theta(a \mid s)", "pi sub theta of a given s"),
        (r"\operatorname{softmax}(z)", "softmax of z"),
        (r"O(n \log n)", "big O of n log n"),
        (r"\theta^*", "theta star"),
        (r"W^\top x", "W transpose x"),
        (r"A^T B", "A transpose B"),
        (r"\gamma^T", "gamma to the power of T"),
        (r"2^{1/\alpha}", "two raised to the one divided by alpha power"),
        (r"e^{-rT}", "e to the power of negative r T"),
        (r"10^{-3}", "ten to the power of minus three"),
        (
            r"(C_0/C)^{\alpha}",
            "open bracket C sub zero divided by C close bracket to the power of alpha",
        ),
        (r"\mathcal{O}(n^2)", "big O of n squared"),
        (r"\frac{\partial L}{\partial w}", "the partial derivative of L with respect to w"),
        (r"\forall x \in X", "for all x in X"),
        (r"\langle u, v \rangle", "the inner product of u and v"),
        (r"V^\pi(s)", "V pi of s"),
        (r"\frac{C_0}{C}", "C sub zero divided by C"),
        (r"\frac{s}{\sqrt{n}}", "s divided by the square root of n"),
        (r"\frac{a}{b}", "a over b"),
        (r"\frac{a+b}{c}", "the fraction with numerator a plus b and denominator c"),
        (r"\binom{n}{k}", "n choose k"),
        (r"A \implies B", "A implies B"),
        (r"95\%", "ninety-five percent"),
        (r"\text{KL}(P \| Q)", "the KL of P from Q"),
        (r"D_{\mathrm{KL}}(p \parallel q)", "D sub KL of p from q"),
        (r"a \parallel b", "a parallel to b"),
        (r"p = 5\% \text{ of } n", "p equals five percent of n"),
        (r"A \iff B", "A if and only if B"),
        (r"x \mapsto x^2", "x maps to x squared"),
        (r"x \leftarrow x + 1", "x gets x plus one"),
        (r"X \sim \mathcal{N}(0, 1)", "X drawn from script N of zero comma one"),
        # arithmetic inside keeps its brackets: the listener needs the grouping
        (r"\log(L - c)", "the log of open bracket L minus c close bracket"),
        # a factor before a log said as a product, not "alpha the log of C sub zero"
        (r"\alpha \log C_0", "alpha times the log of C sub zero"),
        (r"2 \log x_1 = \log y_1", "two times the log of x sub one equals the log of y sub one"),
        (r"n \log n", "n log n"),
        # an expectation over draws, a label subscript read as ClearSpeak splits it
        (
            r"\mathbb{E}_{x \sim D, y \sim \pi_\theta}[r(x,y)]"
            r" - \beta D_{KL}(\pi_\theta \| \pi_{ref})",
            "the expectation over x drawn from D comma y drawn from pi sub theta of open bracket"
            " r of x comma y close bracket minus beta D sub K L of pi sub theta from pi sub ref",
        ),
        (r"\lambda_{\max}(A)", "lambda sub max of A"),
        (r"\text{rank}(A) \le k", "rank of A is less than or equal to k"),
        (r"\operatorname{tr}(A)", "trace of A"),
        (
            r"\prod_{t=1}^T p(x_t | x_{<t})",
            "the product from t equals one to T of p of x sub t given x sub less than t",
        ),
        # floors and ceilings (ClearSpeak drops a lone variable's floor)
        (r"\lfloor x \rfloor", "floor of x"),
        (r"\left\lceil n/2 \right\rceil", "ceiling of open bracket n divided by two close bracket"),
        # logic and causality as decision-theory posts write them
        (r"\Box A \to A", "box A to A"),
        (r"\vdash \phi", "proves phi"),
        (r"A \models B", "A models B"),
        (r"\neg \Box \bot", "not box bottom"),
        (r"V^{\perp}", "V perp"),
        (r"P(Y \mid do(X))", "P of Y given do of X"),
        # rough sizes
        (r"\sim 10^9", "about ten to the ninth power"),
        (r"\$10^9", "ten to the ninth power dollars"),
        (r"10^{25}\,\text{FLOP}/s", "ten to the twenty-fifth power FLOP per second"),
        (
            r"\frac{\partial^2 f}{\partial x^2}",
            "the second partial derivative of f with respect to x",
        ),
        # a bracketed superscript labels (the i-th example, layer l): no power
        (r"x^{(i)}", "x superscript i"),
        (r"W^{[l]}", "W superscript l"),
        (r"h^{(t)}", "h superscript t"),
        (
            r"y^{(i)} = \theta^T x^{(i)}",
            "y superscript i equals theta to the power of T x superscript i",
        ),
        (r"x^{(i+1)}", "x raised to the open bracket i plus one close bracket power"),
        # an event's probability: "that", not brackets around a relation
        (r"P(X = x)", "the probability that X equals x"),
        (r"\Pr[X > t]", "the probability that X is greater than t"),
        (r"P(X \in S)", "the probability that X is in S"),
        (r"x \in \mathbb{R}^d", "x is in R to the d"),
        (r"W \in \mathbb{R}^{n \times m}", "W is in R to the n by m"),
        (r"v \notin \mathbb{Z}^n", "v is not in Z to the n"),
        (r"L_{test}(\theta_{old})", "L sub test of theta sub old"),
        (r"x_{ab}", "x sub a b"),  # letters that are no label stay letters
        (
            r"\operatorname{Var}[X] = E[X^2] - E[X]^2",
            "the variance of X equals E of open bracket X squared close bracket"
            " minus E of X squared",
        ),
        (r"\mathrm{Cov}(X, Y)", "the covariance of X and Y"),
        (r"Var(X + Y)", "the variance of open bracket X plus Y close bracket"),
        (r"p(y = 1 \mid x)", "the probability that y equals one given x"),
        (r"\sum_x x\,P(X=x)", "the sum over x of x times the probability that X equals x"),
        (r"f(x = 1)", "f of open bracket x equals one close bracket"),
        (r"P(x)", "P of x"),
    ],
)
def test_maths_is_said_as_a_reader_of_the_forums_says_it(tex: str, spoken: str) -> None:
    assert speak_maths([MathSource(tex=tex)]) == [spoken]
