"""Footnotes, in every markup a stored post holds: taken out of the body, read on their own.

CKEditor and Lexical (which writes the same markup): `span.footnote-reference` ->
`ol.footnote-section > li.footnote-item#fnID` with a `span.footnote-back-link` and a
`div.footnote-content`; a hovernote (Lexical, 2026) is a reference that wraps highlighted
text instead of a "[n]" marker: `span.hovernote[data-hovernote][data-footnote-id]`, which
the sanitiser may leave as a bare `span[role=doc-noteref]` around words: the words are read,
and its note names them. markdown-it (older posts, our own Markdown): `sup.footnote-ref` ->
`section.footnotes > ol.footnotes-list > li.footnote-item` with `a.footnote-backref`, after an
`hr.footnotes-sep`. Posts imported from RSS feeds pass ForumMagnum's sanitiser, which drops
`<a>` ids, `<sup>` attributes and most classes: Substack's `a.footnote-anchor[href=#footnote-1]`
-> a bare `div` holding `a.footnote-number[href=#footnote-anchor-1]` and a `div.footnote-content`;
WordPress's `sup > a[href=#ID]` -> a bare `ol > li#ID` ending in a "↩︎" back-link, told from an
ordinary list only by the markers that point at its items. Markers and back-links are never
read; a bracketed number that is no marker ("as argued in [1]") is a citation, said by
`citations`.
"""

from __future__ import annotations

import re
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
_BACK_GLYPH = re.compile("[↩⤴][\ufe0e\ufe0f]?")
# The whole text of an in-page link that only leads back to the marker: "↩︎", "^", "[Return]".
_BACK_TEXT = re.compile(
    r"[\[(]?\s*(?:[↩⤴↑^][\ufe0e\ufe0f]?|(?:jump |go )?(?:return|back)"
    r"(?: to (?:the )?(?:text|top|post|article|footnote|reference|footnote reference))?)"
    r"\s*[\])]?\.?",
    re.IGNORECASE,
)
_SUBSTACK_BACK_HREF = re.compile(r"#footnote-anchor-(.+)")


# The text of a marker: "[1]", "1", "(2)", "[a]", "iv", "*", "†"; a reference around other
# words is a hovernote
_MARKER_TEXT = re.compile(r"[\[(]?\s*(?:\d+|[a-z]|[ivxlc]+)\s*[\])]?|[*†‡§]+", re.IGNORECASE)
# A hovernote's words are named when its note is read, unless they run past a short phrase
_NAMED_WORDS = 12
_NOT_WORDS = "mjx-container, .math-tex, math, img, script, [data-latex]"


@dataclass(frozen=True)
class Footnote:
    number: int  # as the post numbers it: its place in the footnote list
    content: Tag  # what to read
    on: str = ""  # the words a hovernote highlights: what the note is about

    @property
    def heading(self) -> str:
        """'Footnote 2:', or 'Footnote 2, on "the words":' for a hovernote's note."""
        if self.on and len(self.on.split()) <= _NAMED_WORDS:
            return f"Footnote {self.number}, on “{self.on}”:"
        return f"Footnote {self.number}:"


class Footnotes:
    """The footnotes of one body, by the anchor id their references point at."""

    def __init__(self, notes: dict[str, Footnote]) -> None:
        self._notes = notes

    def __len__(self) -> int:
        return len(self._notes)

    def in_order(self) -> list[tuple[str, Footnote]]:
        return sorted(self._notes.items(), key=lambda item: item[1].number)

    def hovernote_target(self, element: Tag) -> str | None:
        """The footnote id a hovernote points at ("" when its note is missing); None when
        `element` is no hovernote."""
        if not is_hovernote(element):
            return None
        key = f"fn{element.get('data-footnote-id', '')}"
        return key if key in self._notes else ""

    def reference_target(self, element: Tag) -> str | None:
        """The footnote id a marker element points at; None when it is no footnote marker."""
        marker = _marker_link(element)
        if marker is not None and _target(marker) in self._notes:
            return _target(marker)  # a bare `<sup><a href="#ID">`: WordPress, hand-made
        if not is_reference(element):
            return None
        link = element if element.name == "a" else element.find("a", href=True)
        if isinstance(link, Tag) and _target(link) in self._notes:
            return _target(link)
        footnote_id = element.get("data-footnote-id")
        if footnote_id and f"fn{footnote_id}" in self._notes:
            return f"fn{footnote_id}"
        return ""  # a marker whose note is missing: still never read


def is_hovernote(element: Tag) -> bool:
    """A reference that wraps words the reader says, its note read later."""
    if "hovernote" in classes(element) or element.has_attr("data-hovernote"):
        return True
    return (
        element.name == "span"
        and element.get("role") == "doc-noteref"
        and element.find("sup") is None
        and bool(text := tidy(element.get_text()))
        and not _MARKER_TEXT.fullmatch(text)
    )


def is_reference(element: Tag) -> bool:
    if bool(classes(element) & {"footnote-reference", "footnote-ref", "footnote-anchor"}):
        return True
    if element.has_attr("data-footnote-reference") or element.get("role") == "doc-noteref":
        return True
    # A hand-made marker: a superscript that is only a link to "#fn..." / "#footnote...".
    link = _marker_link(element)
    return link is not None and _target(link).startswith(("fn", "footnote"))


def _marker_link(element: Tag) -> Tag | None:
    """The link of a superscript that is nothing but one in-page link; None otherwise."""
    if element.name != "sup":
        return None
    links = element.find_all("a", href=True)
    if len(links) != 1 or not str(links[0]["href"]).startswith("#"):
        return None
    text = tidy(element.get_text())
    return links[0] if text and text == tidy(links[0].get_text()) else None


def _target(link: Tag) -> str:
    """The id an in-page link points at; "" for any other link."""
    href = str(link.get("href", ""))
    return href[1:] if href.startswith("#") else ""


def take_footnotes(soup: BeautifulSoup) -> Footnotes:
    """Take every footnote (list, separator, note) out of `soup`, numbered in document order."""
    _wrap_loose_substack_notes(soup)
    position = {id(tag): index for index, tag in enumerate(soup.find_all(True))}
    sections: list[Tag] = []
    found: list[tuple[Tag, str | None]] = []
    for section in [*soup.select(", ".join(_LIST_SELECTORS)), *_linked_lists(soup)]:
        if _inside(section, sections) or any(section is taken for taken in sections):
            continue  # the <ol> of a <section class="footnotes"> taken already
        sections.append(section)
        # An <ol>'s own items: a list inside a note is part of that note.
        items = section.select("li.footnote-item") or section.find_all(
            "li", recursive=section.name != "ol"
        )
        found += [(item, None) for item in items]
    for item in soup.select("li.footnote-item"):
        if not _inside(item, sections):  # a hand-made list around them
            found.append((item, None))
    taken = [*sections, *(item for item, _ in found)]
    found += [(note, key) for note, key in _substack_notes(soup) if not _inside(note, taken)]
    notes: dict[str, Footnote] = {}
    highlighted = _hovernote_words(soup)
    for item, key in sorted(found, key=lambda pair: position[id(pair[0])]):
        _add_note(notes, item, key, highlighted)
    for element in [*sections, *(item for item, _ in found), *soup.select("hr.footnotes-sep")]:
        element.extract()
    _drop_back_links(soup, _BACK_GLYPH)  # of a list read as a list: the glyph is still noise
    return Footnotes(notes)


def _linked_lists(soup: BeautifulSoup) -> list[Tag]:
    """Bare `<ol>`s of `<li id>`s that markers in the text point at: WordPress's notes.

    An ordered list whose items have ids but no marker pointing at them stays a list.
    """
    markers = [link for link in map(_marker_link, soup.find_all("sup")) if link is not None]
    lists: list[Tag] = []
    for ordered in soup.find_all("ol"):
        items = ordered.find_all("li", recursive=False)
        ids = {str(item["id"]) for item in items if item.get("id")}
        if not items or len(ids) < len(items) or ordered.find_parent(class_="footnote-content"):
            continue
        if any(_target(link) in ids for link in markers if not _inside(link, [ordered])):
            lists.append(ordered)
    return lists


def _substack_notes(soup: BeautifulSoup) -> list[tuple[Tag, str | None]]:
    """Substack's notes, keyed by the id their anchors point at ("footnote-1")."""
    notes: list[tuple[Tag, str | None]] = []
    for number in soup.select("a.footnote-number"):
        note = number.parent
        if isinstance(note, Tag) and _holds_one_substack_note(note):
            notes.append((note, _substack_key(number)))
    return notes


def _substack_key(number: Tag) -> str:
    if number.get("id"):  # as Substack writes it, before a sanitiser drops <a> ids
        return str(number["id"])
    back = _SUBSTACK_BACK_HREF.fullmatch(str(number.get("href", "")))
    return f"footnote-{back.group(1) if back else tidy(number.get_text())}"


def _holds_one_substack_note(element: Tag) -> bool:
    return (
        element.name == "div"
        and len(element.select("a.footnote-number")) == 1
        and element.find("div", class_="footnote-content") is not None
    )


def _wrap_loose_substack_notes(soup: BeautifulSoup) -> None:
    """Give a Substack note that lost its own `div` one, so that it is taken out whole."""
    for number in soup.select("a.footnote-number"):
        content = number.find_next_sibling()
        parent = number.parent
        if parent is None or _holds_one_substack_note(parent):
            continue
        if isinstance(content, Tag) and "footnote-content" in classes(content):
            wrapper = number.wrap(soup.new_tag("div"))
            wrapper.append(content.extract())


def _inside(element: Tag, containers: list[Tag]) -> bool:
    ids = {id(container) for container in containers}
    return any(id(parent) in ids for parent in element.parents)


def _hovernote_words(soup: BeautifulSoup) -> dict[str, str]:
    """The words each hovernote highlights, by the id of its note (not where it holds maths
    or an image: its text is not what the reader says)."""
    return {
        f"fn{span['data-footnote-id']}": tidy(span.get_text())
        for span in soup.select("[data-footnote-id]")
        if is_hovernote(span) and span.select_one(_NOT_WORDS) is None
    }


def _add_note(
    notes: dict[str, Footnote], item: Tag, key: str | None, highlighted: dict[str, str]
) -> None:
    key = key or str(item.get("id") or f"fn{item.get('data-footnote-id', str(len(notes) + 1))}")
    for back_link in item.select(_BACK_LINKS):
        back_link.decompose()
    _drop_back_links(item, _BACK_TEXT)
    for text in item.find_all(string=_BACK_GLYPH):  # a stray "↩︎" outside any link
        text.replace_with(_BACK_GLYPH.sub("", str(text)))
    content = item.find("div", class_="footnote-content") or item
    notes.setdefault(key, Footnote(len(notes) + 1, content, highlighted.get(key, "")))


def _drop_back_links(element: Tag, text: re.Pattern[str]) -> None:
    """In-page links whose whole `text` says they only lead back to a marker."""
    for link in element.find_all("a", href=True):
        if _target(link) and text.fullmatch(tidy(link.get_text())):
            link.decompose()
