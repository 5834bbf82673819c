"""Maths as ForumMagnum stores it in 2026: the TeX comes from each MathJax 3 container's own
`aria-label`, from TeX that MathJax left unrendered, and, for what the engine rejects, from
a simple TeX-to-words rule. Never "an equation" when any source exists, never glyphs."""

from __future__ import annotations

import sys

import pytest
from bs4 import BeautifulSoup
from narration_samples import (
    assert_clean,
    body,
    fixture_post,
    require_maths_engine,
    said,
    script_of,
)

from postcast.narration import math_speech
from postcast.narration.math_speech import MathSource
from postcast.narration.maths import read_maths

# A MathJax 3 container as renderMathInHtml stores it (glyph children trimmed to one).
_GLYPHS = '<mjx-math class=" MJX-TEX"><mjx-mi class="mjx-i"><mjx-c class="mjx-c1D465 TEX-I"></mjx-c></mjx-mi></mjx-math>'  # noqa: E501


def _container(tex: str, display: bool = False) -> str:
    shown = ' display="true"' if display else ""
    return (
        f'<mjx-container class="MathJax" jax="CHTML" style="font-size: 104.1%;"{shown} '
        f'aria-label="{tex}" role="math">{_GLYPHS}</mjx-container>'
    )


def _texts(html: str, markdown: str | None = None) -> list[str]:
    script = script_of(fixture_post("structure.html", html=html, markdown=markdown))
    assert_clean(script)
    return [segment.text for segment in body(script)]


@pytest.fixture
def engine() -> None:
    require_maths_engine()


@pytest.mark.usefixtures("engine")
def test_every_stored_shape_reads_the_label_of_its_container() -> None:
    style = '<style>mjx-container[jax="CHTML"] { line-height: 0; } mjx-c::before { padding: 0.68em 0 0 0; }</style>'  # noqa: E501
    html = (
        # Lexical inline (span.math-tex, the stylesheet inside it before the first container)
        f'<p><span>Lexical says </span><span class="math-tex">{style}{_container("a^2")}</span>'
        "<span>.</span></p>"
        # Lexical display: the sanitiser leaves a bare div
        f"<div>{_container('b_1', display=True)}</div>"
        # Markdown: the container straight in the paragraph
        f"<p>Markdown says {_container('c + 1')}.</p>"
        # CKEditor display: a block span.math-tex
        f'<span class="math-tex">{_container("d = 2", display=True)}</span>'
    )
    assert _texts(html) == [
        said("Lexical says a squared."),
        said("B sub one."),
        said("Markdown says c plus one."),
        said("D equals two."),
    ]


@pytest.mark.usefixtures("engine")
def test_the_label_wins_over_the_markdown_which_only_fills_unlabelled_containers() -> None:
    labelled = _container("y^3")
    unlabelled = _container("").replace(' aria-label="" role="math"', "")
    html = f"<p>First {labelled}, then {unlabelled}.</p>"
    assert _texts(html, markdown="First $q$, then $z_2$.") == [
        said("First y cubed, then z sub two.")
    ]


@pytest.mark.usefixtures("engine")
def test_tex_that_mathjax_never_rendered_is_read_and_code_is_left_alone() -> None:
    html = (
        '<p>Inline <span class="math-tex">\\(\\frac{1}{2}\\)</span> and bare \\(x_1\\) maths.</p>'
        "<div>\\[\\sqrt{n}\\]</div>"
        "<p>Code <code>\\(keep\\)</code> stays code.</p>"
    )
    assert _texts(html) == [
        said("Inline one half and bare x sub one maths."),
        said("The square root of n."),
        said("Code (keep) stays code."),
    ]


@pytest.mark.usefixtures("engine")
def test_what_the_engine_rejects_is_read_from_its_tex_by_the_simple_rule() -> None:
    html = "<p>Shorthand: " + _container(r"\Var(X) = \frac{\sigma^2}{n}") + ".</p>"
    assert _texts(html) == [said("Shorthand: variance of X equals sigma squared over n.")]


def test_the_fallback_needs_no_engine_output(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every equation the engine answers None for is still spoken (no Node needed here)."""

    def rejecting(sources: list[MathSource]) -> list[str | None]:
        return [None] * len(sources)

    monkeypatch.setattr(math_speech, "_run_engine", rejecting)
    html = "<p>Here " + _container(r"\hat{\theta}_{17} \leq \sqrt[3]{x}") + " holds.</p>"
    assert _texts(html) == [
        said("Here theta hat sub seventeen less than or equal to the cube root of x holds.")
    ]


def test_equations_deeper_than_pythons_recursion_limit_are_found(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Issue 11: deeply nested markup once ended in RecursionError inside the maths reader."""
    monkeypatch.setattr(math_speech, "_run_engine", lambda sources: ["x squared"] * len(sources))
    depth = 3 * sys.getrecursionlimit()
    html = "<div>" * depth + '<span class="math-tex">\\(x^2\\)</span>' + "</div>" * depth
    soup = BeautifulSoup(html, "lxml")
    found = read_maths(soup, None)
    equation = found.lookup(soup.find_all("span")[0])
    assert len(found) == 1 and equation is not None
    assert equation.speech == "x squared"


@pytest.mark.usefixtures("engine")
def test_a_substack_latex_block_is_read_from_its_attributes() -> None:
    block = (
        '<div class="latex-rendered" data-attrs="{&quot;persistentExpression&quot;:'
        '&quot;E = mc^2&quot;,&quot;id&quot;:&quot;ABC&quot;}" data-component-name='
        '"LatexBlockToDOM"></div>'
    )
    assert _texts(f"<p>Einstein wrote</p>{block}<p>Then he rested.</p>") == [
        "Einstein wrote",
        "E equals m c squared.",
        "Then he rested.",
    ]
