"""Markdown posts: footnotes, tables and `$...$` maths become HTML the reader understands."""

from __future__ import annotations

from bs4 import BeautifulSoup
from narration_samples import body, fixture_post, said, script_of

from postcast.narration.markdown import markdown_maths, markdown_to_html

POST = """# Costs

Nets cost $5 and mentoring costs $10 per hour.[^cost]

| Item | Cost |
|------|------|
| Net  | five |

Inline `$not maths$` and an escaped \\$sign$.

[^cost]: Rough figures.
"""


def test_markdown_renders_footnotes_tables_and_maths_elements() -> None:
    soup = BeautifulSoup(markdown_to_html("Energy $E=mc^2$.\n\n$$\n\\frac{a}{b}\n$$\n"), "lxml")
    inline = soup.select_one("span.math.inline")
    display = soup.select_one("div.math.display")
    assert inline is not None and inline["data-tex"] == "E=mc^2"
    assert display is not None and display["data-tex"] == "\\frac{a}{b}"
    html = markdown_to_html(POST)
    assert 'class="footnote-ref"' in html and 'class="footnotes"' in html and "<table>" in html


def test_money_code_and_escaped_dollars_are_not_maths() -> None:
    assert markdown_maths(POST) == []
    assert markdown_maths("A $x$ then $$y$$ and\n\n$$\nz\n$$\n") == [
        ("x", False),
        ("y", True),
        ("z", True),
    ]


def test_a_markdown_post_narrates_like_an_html_one() -> None:
    post = fixture_post("structure.html", html=markdown_to_html(POST), markdown=POST)
    texts = [segment.text for segment in body(script_of(post))]
    assert texts == [
        said("Costs"),
        said("Nets cost $5 and mentoring costs $10 per hour."),
        said("A table with 1 row and 2 columns."),
        said("Item: Net. Cost: five. End of table."),
        said("Inline not maths and an escaped $sign$."),
        said("Footnote 1:", "Rough figures."),
    ]
