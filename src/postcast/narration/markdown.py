"""Markdown to HTML the narration reader understands, and the TeX of a Markdown body.

markdown-it-py (CommonMark) with GFM tables and strikethrough, footnotes, and maths in
every delimiter Markdown posts use: `$...$`, `$$...$$`, `\\(...\\)`, `\\[...\\]`,
ForumMagnum's doubled `\\\\(...\\\\)` / `\\\\[...\\\\]` (what its editor stores, since
CommonMark reads `\\(` as an escaped bracket), and `\\begin{env}...\\end{env}`. Maths becomes
`<span class="math inline" data-tex>` / `<div class="math display" data-tex>`: the narrator
reads the TeX from `data-tex`; a web page can still typeset the `\\(...\\)` / `\\[...\\]`
text inside with MathJax.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from html import escape
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.footnote import footnote_plugin

from postcast.limits import MAX_NESTING
from postcast.links import safe_href

_DISPLAY_TOKENS = {"math_inline_double", "math_block", "math_block_label"}
# (opening, closing, token type), longest opening first: ForumMagnum's doubled form before
# the single one. Display maths inside a paragraph is a `math_inline_double` token.
_BRACKETS = (
    ("\\\\(", "\\\\)", "math_inline"),
    ("\\\\[", "\\\\]", "math_inline_double"),
    ("\\(", "\\)", "math_inline"),
    ("\\[", "\\]", "math_inline_double"),
)
_BEGIN = re.compile(r"\\begin\{([A-Za-z*]+)\}")
# A single-backslash pair is also CommonMark's escaped bracket ("\\[citation needed\\]"):
# maths only when the inside looks like TeX (a command, script, operator, or one letter).
_LOOKS_LIKE_TEX = re.compile(r"[\\^_=+<>{}]|^\s*[A-Za-z]\s*$")


def _bracket_maths(state: StateInline, silent: bool) -> bool:
    """`\\(...\\)`, `\\[...\\]` (single or doubled backslashes) and `\\begin{env}...\\end{env}`.

    mdit-py-plugins' texmath takes one delimiter family at a time and no doubled form, so
    this rule (after ForumMagnum's own, `markdownMathjax.ts`) runs before CommonMark's escapes.
    """
    found = _bracketed(state.src, state.pos)
    if found is None:
        return False
    content, token_type, end = found
    if not content.strip():
        return False
    if not silent:
        token = state.push(token_type, "math", 0)
        token.content = content
    state.pos = end
    return True


def _bracketed(source: str, start: int) -> tuple[str, str, int] | None:
    """(TeX, token type, where the maths ends) for maths opening at `start`, else None."""
    if source[start] != "\\":
        return None
    environment = _BEGIN.match(source, start)
    if environment:  # the environment is part of the TeX
        closing = f"\\end{{{environment.group(1)}}}"
        end = source.find(closing, environment.end())
        if end < 0:
            return None
        return source[start : end + len(closing)], "math_inline_double", end + len(closing)
    for opening, closing, token_type in _BRACKETS:
        if source.startswith(opening, start):
            end = source.find(closing, start + len(opening))
            content = source[start + len(opening) : end]
            doubled = opening.startswith("\\\\")
            if end < 0 or not (doubled or _LOOKS_LIKE_TEX.search(content)):
                return None
            return content, token_type, end + len(closing)
    return None


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
    parser.inline.ruler.before("escape", "bracket_maths", _bracket_maths)
    for token_type, rule in _RULES.items():
        parser.add_render_rule(token_type, rule)
    # Parse every link (markdown-it leaves `[x](javascript:...)` as raw text, which was
    # then read aloud), then drop the unsafe ones: `<javascript:...>` entirely, others
    # down to their text.
    parser.validateLink = lambda url: True  # type: ignore[method-assign]
    parser.core.ruler.push("drop_unsafe_links", _drop_unsafe_links)
    return parser


def _drop_unsafe_links(state: Any) -> None:
    for block in state.tokens:
        if block.children:
            block.children = _without_unsafe_links(block.children)


def _without_unsafe_links(tokens: list[Token]) -> list[Token]:
    kept: list[Token] = []
    # per open link: (unsafe, drop its text too: it is the unsafe address itself)
    open_links: list[tuple[bool, bool]] = []
    for index, token in enumerate(tokens):
        if token.type == "link_open":
            href = str(token.attrGet("href") or "")
            unsafe = not safe_href(href)
            following = tokens[index + 1] if index + 1 < len(tokens) else None
            says_href = following is not None and following.content.strip() == href.strip()
            open_links.append((unsafe, unsafe and (token.markup == "autolink" or says_href)))
            if not unsafe:
                kept.append(token)
        elif token.type == "link_close":
            unsafe, _ = open_links.pop() if open_links else (False, False)
            if not unsafe:
                kept.append(token)
        elif not any(drop for _, drop in open_links):
            kept.append(token)
    return kept


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
