"""What kind of thing an HTML element is, as far as a narrator cares."""

from __future__ import annotations

import re

from bs4 import Tag

# Elements whose content is never spoken: code, styling, widgets, MathJax's hidden MathML copy.
SILENT_TAGS = frozenset(
    {
        "style",
        "script",
        "noscript",
        "template",
        "svg",
        "button",
        "input",
        "select",
        "textarea",
        "head",
        "title",
        "meta",
        "link",
        "object",
        "canvas",
        "map",
        "mjx-assistive-mml",
    }
)

BLOCK_TAGS = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "dd",
        "details",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "iframe",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "ul",
    }
)

HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})

# An inline style that hides the element on the page (Ghost ships its signup card so).
_HIDING_STYLE = re.compile(
    r"(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*hidden)\s*(?:!\s*important\s*)?(?:;|$)",
    re.IGNORECASE,
)


def classes(element: Tag) -> set[str]:
    return {name for name in element.get_attribute_list("class") or [] if name}


def is_hidden(element: Tag) -> bool:
    """Hidden on the site (editor notes, to-dos, `display: none`) or silent by nature."""
    return (
        element.name in SILENT_TAGS
        or _conditionally_hidden(classes(element))
        or element.has_attr("hidden")
        or element.get("aria-hidden") == "true"
        or bool(_HIDING_STYLE.search(str(element.get("style") or "")))
    )


def is_block(element: Tag) -> bool:
    return element.name in BLOCK_TAGS


def _conditionally_hidden(found: set[str]) -> bool:
    """Lexical's conditional blocks (to-dos, fixmes, comments) show only when `defaultVisible`."""
    return "conditionallyVisibleBlock" in found and "defaultVisible" not in found
