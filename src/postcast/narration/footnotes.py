"""Footnotes, in CKEditor's and markdown-it's markup: taken out of the body, read on their own.

CKEditor and Lexical (which writes the same markup): `span.footnote-reference` ->
`ol.footnote-section > li.footnote-item#fnID` with a `span.footnote-back-link` and a
`div.footnote-content`. markdown-it (older posts, our own Markdown): `sup.footnote-ref` ->
`section.footnotes > ol.footnotes-list > li.footnote-item` with `a.footnote-backref`, after
an `hr.footnotes-sep`. Substack (RSS sources): `a.footnote-anchor` -> `div.footnote` holding
`a.footnote-number#footnote-1` and a `div.footnote-content`. Markers and back-links are never
read; a bracketed number that is no marker ("as argued in [1]") is a citation, said by
`citations`.
"""

from __future__ import annotations

from dataclasses import dataclass

from bs4 import BeautifulSoup, Tag

from postcast.narration.markup import classes
from postcast.narration.spoken import tidy

_LIST_SELECTORS = (
    "ol.footnote-section",
    "ol[data-footnote-section]",
    "[role=doc-endnotes]",
    "section.footnotes",
    "ol.footnotes-list",
    "ol.footnotes",
)
_BACK_LINKS = ".footnote-back-link, a.footnote-backref, [role=doc-backlink], a.footnote-number"


@dataclass(frozen=True)
class Footnote:
    number: int  # as the post numbers it: its place in the footnote list
    content: Tag  # what to read


class Footnotes:
    """The footnotes of one body, by the anchor id their references point at."""

    def __init__(self, notes: dict[str, Footnote]) -> None:
        self._notes = notes

    def __len__(self) -> int:
        return len(self._notes)

    def in_order(self) -> list[tuple[str, Footnote]]:
        return sorted(self._notes.items(), key=lambda item: item[1].number)

    def reference_target(self, element: Tag) -> str | None:
        """The footnote id a marker element points at; None when it is no footnote marker."""
        if not is_reference(element):
            return None
        link = element if element.name == "a" else element.find("a", href=True)
        if link is not None and str(link.get("href", "")).startswith("#"):
            target = str(link["href"])[1:]
            if target in self._notes:
                return target
        footnote_id = element.get("data-footnote-id")
        if footnote_id and f"fn{footnote_id}" in self._notes:
            return f"fn{footnote_id}"
        return ""  # a marker whose note is missing: still never read


def is_reference(element: Tag) -> bool:
    if bool(classes(element) & {"footnote-reference", "footnote-ref", "footnote-anchor"}):
        return True
    if element.has_attr("data-footnote-reference") or element.get("role") == "doc-noteref":
        return True
    # A hand-made marker: a superscript that is only a link to "#fn..." / "#footnote...".
    links = element.find_all("a", href=True) if element.name == "sup" else []
    return (
        len(links) == 1
        and str(links[0]["href"]).startswith(("#fn", "#footnote"))
        and tidy(element.get_text()) == tidy(links[0].get_text())
    )


def take_footnotes(soup: BeautifulSoup) -> Footnotes:
    """Take every footnote (list, separator, note) out of `soup`, numbered in document order."""
    position = {id(tag): index for index, tag in enumerate(soup.find_all(True))}
    sections: list[Tag] = []
    found: list[tuple[Tag, str | None]] = []
    for section in soup.select(", ".join(_LIST_SELECTORS)):
        if _inside(section, sections):
            continue  # the <ol> of a <section class="footnotes"> taken already
        sections.append(section)
        items = section.select("li.footnote-item") or section.find_all("li")
        found += [(item, None) for item in items]
    for item in soup.select("li.footnote-item"):
        if not _inside(item, sections):  # a hand-made list around them
            found.append((item, None))
    for note in soup.select("div.footnote"):
        number = note.find("a", class_="footnote-number", id=True)
        if isinstance(number, Tag):
            found.append((note, str(number["id"])))
    notes: dict[str, Footnote] = {}
    for item, key in sorted(found, key=lambda pair: position[id(pair[0])]):
        _add_note(notes, item, key)
    for element in [*sections, *(item for item, _ in found), *soup.select("hr.footnotes-sep")]:
        element.extract()
    return Footnotes(notes)


def _inside(element: Tag, containers: list[Tag]) -> bool:
    ids = {id(container) for container in containers}
    return any(id(parent) in ids for parent in element.parents)


def _add_note(notes: dict[str, Footnote], item: Tag, key: str | None = None) -> None:
    key = key or str(item.get("id") or f"fn{item.get('data-footnote-id', str(len(notes) + 1))}")
    for back_link in item.select(_BACK_LINKS):
        back_link.decompose()
    content = item.find("div", class_="footnote-content") or item
    notes.setdefault(key, Footnote(len(notes) + 1, content))
