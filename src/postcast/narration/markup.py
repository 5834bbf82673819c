"""What kind of thing an HTML element is, as far as a narrator cares."""

from __future__ import annotations

import json
import re
from typing import TypeGuard

from bs4 import Tag
from bs4.element import NavigableString, PageElement, PreformattedString

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


def has_words(node: PageElement) -> TypeGuard[NavigableString]:
    """Text a reader would say: not blank, not a comment, CDATA or doctype."""
    return (
        isinstance(node, NavigableString)
        and not isinstance(node, PreformattedString)
        and bool(node.strip())
    )


def json_attribute(element: Tag, name: str = "data-attrs") -> dict[str, object]:
    """An attribute holding a JSON object (Substack's `data-attrs`, a poll's `data-props`);
    empty when absent, broken or not an object."""
    try:
        data = json.loads(str(element.get(name, "")))
    except json.JSONDecodeError:
        return {}
    return data if isinstance(data, dict) else {}


def _list_start(element: Tag) -> int:
    """The number an `<ol>` starts at (`start`): 1 unless it says otherwise, or for a
    `reversed` list (counting down) its number of items."""
    try:
        return int(str(element.get("start")))
    except ValueError:
        if not element.has_attr("reversed"):
            return 1
        items = element.find_all("li", recursive=False)
        return len([item for item in items if not holds_only_lists(item)])


def _list_step(element: Tag) -> int:
    """+1 for each item, or -1 in a `reversed` list ("3. 2. 1.")."""
    return -1 if element.has_attr("reversed") else 1


def _item_number(item: Tag, number: int) -> int:
    """An item's own number (Lexical writes `<li value="N">`), else the count so far."""
    try:
        return int(str(item.get("value") or number))
    except ValueError:
        return number


# Lettered lists: `<ol type="a">` (Lexical's styled list, as the sanitiser keeps it) or
# CSS. A reader says the letters a listener will hear cited ("option b"); Roman numerals
# are said as the numbers they are.
_LETTER_STYLES = {
    "lower-alpha": "a",
    "lower-latin": "a",
    "upper-alpha": "A",
    "upper-latin": "A",
}
_LIST_STYLE = re.compile(r"list-style(?:-type)?\s*:\s*([\w-]+)", re.IGNORECASE)


def _list_letters(element: Tag) -> str | None:
    """The letter case of a lettered list ("a" or "A"); None for a numbered one."""
    kind = str(element.get("type", ""))
    if kind in ("a", "A"):
        return kind
    style = _LIST_STYLE.search(str(element.get("style", "")))
    return _LETTER_STYLES.get(style.group(1).lower()) if style else None


def _item_label(letters: str | None, number: int) -> str:
    """An item's marker as the page shows it: "2." or, lettered, "b." ("aa." after "z.")."""
    if letters is None or number < 1:
        return f"{number}."
    label = ""
    while number:
        number, place = divmod(number - 1, 26)
        label = chr(ord("a") + place) + label
    return f"{label.upper() if letters == 'A' else label}."


def item_labels(element: Tag) -> dict[int, str]:
    """The marker of each numbered item of a list (its `<li>` children but the wrappers
    around a sub-list), by the item's `id()`: "2." or, lettered, "b.", as the page shows it
    (`start`, `reversed`, an item's own `value`, `type` or CSS letters)."""
    labels: dict[int, str] = {}
    number, step, letters = _list_start(element), _list_step(element), _list_letters(element)
    for item in element.find_all("li", recursive=False):
        if holds_only_lists(item):
            continue
        number = _item_number(item, number)
        labels[id(item)] = _item_label(letters, number)
        number += step
    return labels


def holds_only_lists(item: Tag) -> bool:
    """A wrapper around a sub-list (`li.nested-list-item`): it has no number of its own."""
    if "nested-list-item" in classes(item):
        return True
    children = [child for child in item.children if isinstance(child, Tag) or has_words(child)]
    return bool(children) and all(
        isinstance(child, Tag) and child.name in ("ul", "ol") for child in children
    )
