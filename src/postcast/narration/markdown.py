"""Markdown to HTML the narration reader understands, and the TeX of a Markdown body.

markdown-it-py (CommonMark) with GFM tables and strikethrough, footnotes, and `$...$` /
`$$...$$` maths. Maths becomes `<span class="math inline" data-tex>` / `<div class="math
display" data-tex>`: the narrator reads the TeX from `data-tex`; a web page can still
typeset the `\\(...\\)` / `\\[...\\]` text inside with MathJax.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from html import escape
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.footnote import footnote_plugin

from postcast.limits import MAX_NESTING

_DISPLAY_TOKENS = {"math_inline_double", "math_block", "math_block_label"}


def _math_rule(tag: str, kind: str, opening: str, closing: str) -> Callable[..., str]:
    def render(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
        tex = escape(tokens[idx].content.strip())
        html = f'<{tag} class="math {kind}" data-tex="{tex}">{opening}{tex}{closing}</{tag}>'
        return html + "\n" if tag == "div" else html

    return render


# Display maths written inside a paragraph (`$$x$$` mid-line) stays a span: no <div> in a <p>.
_RULES = {
    "math_inline": _math_rule("span", "inline", "\\(", "\\)"),
    "math_inline_double": _math_rule("span", "display", "\\[", "\\]"),
    "math_block": _math_rule("div", "display", "\\[", "\\]"),
    "math_block_label": _math_rule("div", "display", "\\[", "\\]"),
}


@cache
def _parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    # Past its nesting limit markdown-it drops the text silently: at the limit on HTML
    # nesting, a post that deep is refused by `postcast.limits` instead (with its name).
    parser.options["maxNesting"] = MAX_NESTING
    parser.use(footnote_plugin)
    # Pandoc's rule for `$`: no space inside the delimiters and no digit right after the
    # closing one, so "$5 and $10" stays money.
    parser.use(
        dollarmath_plugin,
        allow_labels=False,
        allow_space=False,
        allow_digits=False,
        double_inline=True,
    )
    for token_type, rule in _RULES.items():
        parser.add_render_rule(token_type, rule)
    return parser


def markdown_to_html(text: str) -> str:
    """HTML for a Markdown post body (footnotes, tables and maths included)."""
    html: str = _parser().render(text)
    return html


def markdown_maths(text: str) -> list[tuple[str, bool]]:
    """Every equation of a Markdown body in document order, as (TeX, is display maths).

    Parsing (rather than a regular expression) skips dollars in code and escaped `\\$`.
    """
    return [
        (token.content.strip(), token.type in _DISPLAY_TOKENS)
        for token in _walk(_parser().parse(text))
        if token.type in _RULES
    ]


def _walk(tokens: list[Token]) -> list[Token]:
    flat: list[Token] = []
    for token in tokens:
        flat.append(token)
        if token.children:
            flat.extend(_walk(token.children))
    return flat
