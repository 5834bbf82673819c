"""The words of a table cell, read so its paragraphs and list items stay apart by ear.

A data cell is one line: its paragraphs as sentences, a list's items after commas ("Pros:
cheap, fast", where the editor's text runs "Pros: cheap fast"). The one cell of a 1×1
table, a box round a note, is read as what it holds: a text per paragraph and list item.
"""

from __future__ import annotations

import copy
from collections.abc import Callable

from bs4 import Tag
from bs4.element import PageElement

from postcast.narration.markup import (
    BLOCK_TAGS,
    has_words,
    holds_only_lists,
    is_block,
    is_hidden,
    item_labels,
)
from postcast.narration.spoken import sentence

CellText = Callable[[Tag], str]
TableTexts = Callable[[Tag], list[str]]
_LISTS = ("ul", "ol")
_Block = Tag | list[PageElement]  # a block element, or a run of inline nodes between them


def cell_words(cell: Tag, cell_text: CellText) -> str:
    """A cell's words on one line; a cell of one paragraph reads as the inline reader does."""
    if cell.find(_LISTS) is None and len(cell.find_all(BLOCK_TAGS)) < 2:
        return cell_text(cell)
    return _words(cell, cell_text)


def box_texts(element: Tag, cell_text: CellText, table_texts: TableTexts) -> list[str]:
    """What a box holds, one text per paragraph and per list item, in reading order; a
    table inside it read as a table."""
    texts: list[str] = []
    for block in _blocks(element):
        if isinstance(block, list):
            texts.append(_inline(block, cell_text))
        elif block.name in _LISTS:
            texts += _item_texts(block, cell_text)
        elif block.name == "table":
            texts += table_texts(block)
        elif block.find(BLOCK_TAGS) is not None:  # a wrapper (div, quote) round paragraphs
            texts += box_texts(block, cell_text, table_texts)
        else:
            texts.append(_inline([block], cell_text))
    return [text for text in texts if text]


def led(lead: str, words: str) -> str:
    """`words` after a lead-in: "Key takeaways: First point", "Pros: cheap, fast"."""
    if lead.endswith(":") or sentence(lead) == lead:
        return f"{lead} {words}"
    return f"{lead.rstrip(',;')}: {words}"


def _words(element: Tag, cell_text: CellText) -> str:
    said = ""
    for block in _blocks(element):
        listed = not isinstance(block, list) and block.name in _LISTS
        if isinstance(block, list):
            words = _inline(block, cell_text)
        elif listed:
            words = _listed([_words(item, cell_text) for item in _items(block)])
        elif block.find(BLOCK_TAGS) is not None:
            words = _words(block, cell_text)
        else:
            words = _inline([block], cell_text)
        if words and said:
            said = led(said, words) if listed else f"{sentence(said)} {words}"
        else:
            said = said or words
    return said


def _listed(items: list[str]) -> str:
    """Items one after another, a comma between them unless one ends a sentence itself."""
    said = ""
    for item in filter(None, items):
        if not said or sentence(said) == said:
            said = f"{said} {item}".strip()
        else:
            said = f"{said.rstrip(',;')}, {item}"
    return said


def _item_texts(element: Tag, cell_text: CellText) -> list[str]:
    """Each item of a list in a box; a numbered list's items with their numbers."""
    texts: list[str] = []
    labels = item_labels(element) if element.name == "ol" else {}
    for item in _items(element):
        if holds_only_lists(item):  # Lexical's `li.nested-list-item`: no number or words
            for sublist in item.find_all(_LISTS, recursive=False):
                texts += _item_texts(sublist, cell_text)
            continue
        words = _words(item, cell_text)
        label = labels.get(id(item))
        texts.append(f"{label} {words}" if label and words else words)
    return texts


def _items(element: Tag) -> list[Tag]:
    return [item for item in element.find_all("li", recursive=False)]


def _blocks(element: Tag) -> list[_Block]:
    """`element`'s children as blocks: each visible block element, each inline run between."""
    blocks: list[_Block] = []
    for child in element.children:
        if isinstance(child, Tag) and is_block(child):
            if not is_hidden(child):
                blocks.append(child)
        elif blocks and isinstance(blocks[-1], list):
            blocks[-1].append(child)
        elif isinstance(child, Tag) or has_words(child):
            blocks.append([child])
    return blocks


def _inline(nodes: list[PageElement], cell_text: CellText) -> str:
    """Nodes read as the inline reader reads a cell: given a copy, so maths, footnote marks
    and hidden parts are seen as they are in the page, and the page itself is not moved."""
    holder = Tag(name="span")
    for node in nodes:
        holder.append(copy.copy(node))
    return cell_text(holder)
