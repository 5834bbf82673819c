"""Every maths delimiter a Markdown post uses reaches the maths engine (issue 11, item 7)."""

from __future__ import annotations

import pytest
from narration_samples import (
    assert_clean,
    body,
    fixture_post,
    require_maths_engine,
    said,
    script_of,
)

from postcast.narration.markdown import markdown_maths, markdown_to_html

POST = r"""Inline \( x^2 \), dollars $y_1$, doubled \\(z\\) and mid-line $$ \frac{a}{b} $$ here.

\[ E = mc^2 \]

$$
\sum_{i=1}^{n} x_i
$$

\\[w^3\\]

\begin{align} f &= g \end{align}

Not maths: it costs $5 and $10, see \[citation needed\] and \(1\).
"""
NOT_MATHS = r"Escaped \$x\$, code `\(a^b\)` and `$y$`, a price of $5 and $10."


def test_every_delimiter_is_found_in_document_order() -> None:
    assert markdown_maths(POST) == [
        ("x^2", False),
        ("y_1", False),
        ("z", False),
        ("\\frac{a}{b}", True),
        ("E = mc^2", True),
        ("\\sum_{i=1}^{n} x_i", True),
        ("w^3", True),
        ("\\begin{align} f &= g \\end{align}", True),
    ]
    assert markdown_maths(NOT_MATHS) == []


@pytest.mark.usefixtures("engine")
def test_a_markdown_post_of_latex_has_no_backslash_commands_in_its_script() -> None:
    post = fixture_post("structure.html", html=markdown_to_html(POST), markdown=POST)
    script = script_of(post)
    assert_clean(script)  # no backslash, brace, caret or dollar anywhere
    assert [segment.text for segment in body(script)] == [
        said("Inline x squared, dollars y sub one, doubled z and mid-line"),
        said("A over b."),
        said("here."),
        said("E equals m c squared."),
        said("The sum from i equals one to n of x sub i."),
        said("W cubed."),
        said("F equals g."),
        said("Not maths: it costs $5 and $10, see [citation needed] and (1)."),
    ]


@pytest.fixture
def engine() -> None:
    require_maths_engine()
