"""The body of a post, block by block, as spoken segments in reading order.

Runs of inline content become paragraph-sized segments; block elements are dispatched by
what they are (heading, list, quote, table, code, figure, embed, spoiler, collapsible
section, AI-written block, dialogue turn); verse kept in a `<pre>` is read line by line.
Platform widgets and feed footers are taken out first (`boilerplate`). Footnotes
referenced in a block are read right after it when `narration.footnotes == "inline"`;
inside a quote, spoiler, table or dialogue turn they wait until that unit ends, so its
frame ("Quote: ... End quote.") stays whole.
Bracketed citations are said as references paragraph by paragraph (`citations`); list
items take their number from Lexical's `value`, and Lexical's wrapper items around a
sub-list (`li.nested-list-item`) have none of their own.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from bs4 import Tag
from bs4.element import PageElement

from postcast.config import NarrationConfig
from postcast.models import Segment
from postcast.narration.boilerplate import strip_boilerplate
from postcast.narration.citations import speak_citations
from postcast.narration.embeds import embed_words
from postcast.narration.footnotes import Footnote, Footnotes
from postcast.narration.inline import InlineReader
from postcast.narration.markup import HEADINGS, classes, is_block, is_hidden, item_labels
from postcast.narration.maths import SpokenMaths
from postcast.narration.media import code_words, image_words, verse_stanzas
from postcast.narration.segments import (
    SECTION_BREAK,
    Kind,
    make,
    pause,
    prefixed,
    prose,
    restyled,
    said,
    suffixed,
)
from postcast.narration.spoken import sentence, spoken_name, tidy
from postcast.narration.tables import table_texts

_SPOILERS = {"spoilers", "spoiler-v2", "spoiler"}


class BodyReader:
    def __init__(self, maths: SpokenMaths, footnotes: Footnotes, config: NarrationConfig) -> None:
        self._maths = maths
        self._footnotes = footnotes
        self._notes_inline = config.footnotes == "inline"
        self._max_cells = config.table_max_cells
        self._inline = InlineReader(maths, footnotes, self._referenced)
        self._pending: list[str] = []  # footnotes referenced, waiting for their block to end
        self._read: set[str] = set()
        self._holding = 0  # inside a unit that must not be split by a footnote
        self._in_note = False

    def read(self, root: Tag) -> list[Segment]:
        strip_boilerplate(root)
        return self._container(root, Kind.PARAGRAPH)

    def remaining_footnotes(self) -> list[Segment]:
        """Every footnote not read yet, in the post's numbering."""
        segments: list[Segment] = []
        for key, note in self._footnotes.in_order():
            if key not in self._read:
                segments += self._footnote(key, note)
        return segments

    # -- footnotes ---------------------------------------------------------------------

    def _referenced(self, key: str) -> None:
        if self._notes_inline and not self._in_note and key not in self._pending:
            self._pending.append(key)

    def _flush(self) -> list[Segment]:
        if self._holding or not self._pending:
            return []
        keys, self._pending = self._pending, []
        notes = dict(self._footnotes.in_order())
        segments: list[Segment] = []
        for key in keys:
            if key not in self._read:
                segments += self._footnote(key, notes[key])
        return segments

    def _footnote(self, key: str, note: Footnote) -> list[Segment]:
        self._read.add(key)
        self._in_note = True
        try:
            inner = self._container(note.content, Kind.PARAGRAPH)
        finally:
            self._in_note = False
        return prefixed(restyled(inner, Kind.FOOTNOTE), note.heading)

    @contextmanager
    def _holding_notes(self) -> Iterator[None]:
        self._holding += 1
        try:
            yield
        finally:
            self._holding -= 1

    # -- sequences of blocks and inline runs -----------------------------------------------

    def _container(self, element: Tag, kind: Kind) -> list[Segment]:
        return self._sequence(element.children, kind)

    def _sequence(self, nodes: Iterable[PageElement], kind: Kind) -> list[Segment]:
        segments: list[Segment] = []
        run: list[PageElement] = []
        for node in nodes:
            if isinstance(node, Tag) and (is_block(node) or embed_words(node)):
                segments += self._run(run, kind) + self._flush()
                run = []
                segments += self._block(node, kind) + self._flush()
            else:
                run.append(node)
        return segments + self._run(run, kind) + self._flush()

    def _run(self, nodes: list[PageElement], kind: Kind) -> list[Segment]:
        """Inline content: one segment, split where display maths or an image stands."""
        segments: list[Segment] = []
        words: list[str] = []
        for part in self._inline.parts(nodes):
            if isinstance(part, str):
                words.append(part)
                continue
            segments += _paragraph(speak_citations("".join(words)), kind)
            words = []
            segments.append(make(said(part.text), part.kind))
        return segments + _paragraph(speak_citations("".join(words)), kind)

    # -- blocks ------------------------------------------------------------------------------

    def _block(self, element: Tag, kind: Kind) -> list[Segment]:
        if self._maths.lookup(element) is not None:
            return self._run([element], kind)
        if is_hidden(element):
            return []
        found = classes(element)
        if found & _SPOILERS:
            return self._framed(element, "Spoiler:", "End of spoiler.")
        if "detailsBlock" in found or element.name == "details":
            return self._collapsible(element, kind)
        if "llm-content-block" in found:
            return self._ai_written(element, kind)
        if "dialogue-message" in found:
            return self._dialogue_turn(element)
        words = embed_words(element)
        if words:
            return [make(said(words), Kind.EMBED)]
        return self._by_name(element, kind)

    def _by_name(self, element: Tag, kind: Kind) -> list[Segment]:
        name = element.name
        if name in HEADINGS:
            text = self._inline.text(element)
            return _maybe(prose(text, Kind.HEADING, chapter=text))
        if name in ("ul", "ol"):
            return self._list(element)
        if name == "li":
            return self._container(element, Kind.LIST_ITEM)
        if name == "blockquote":
            return self._framed(element, "Quote:", "End quote.", Kind.QUOTE)
        if name == "pre":
            return self._preformatted(element, kind)
        if name == "table":
            return self._table(element, self._caption(element, "caption"))
        if name == "figure":
            return self._figure(element, kind)
        if name == "hr":
            return [pause(SECTION_BREAK)]
        return self._container(element, kind)

    def _preformatted(self, element: Tag, kind: Kind) -> list[Segment]:
        """Verse read a stanza a paragraph; code announced, never read."""
        stanzas = verse_stanzas(element)
        if stanzas is None:
            return [make(said(code_words(element)), Kind.CODE)]
        return [segment for stanza in stanzas for segment in self._run(stanza, kind)]

    def _list(self, element: Tag) -> list[Segment]:
        # A numbered sub-list of a numbered item is read without its own numbers: "two.
        # Pick a reading", "short posts", "a sequence", "three. Rotate" is heard as one
        # outline, where "two, one, two, three" would sound like a list that restarted.
        ordered = element.name == "ol" and not _inside_numbered_item(element)
        labels = item_labels(element) if ordered else {}
        segments: list[Segment] = []
        for child in element.children:
            if isinstance(child, Tag) and child.name == "li":  # a nested-list-item has no label
                item = self._container(child, Kind.LIST_ITEM)
                label = labels.get(id(child))
                segments += prefixed(item, label) if label else item
            else:
                segments += self._sequence([child], Kind.LIST_ITEM)
        return segments

    def _framed(
        self, element: Tag, opening: str, closing: str, kind: Kind | None = None
    ) -> list[Segment]:
        with self._holding_notes():
            inner = self._container(element, Kind.PARAGRAPH)
        if kind is not None:
            inner = restyled(inner, kind)
        return suffixed(prefixed(inner, opening), closing)

    def _collapsible(self, element: Tag, kind: Kind) -> list[Segment]:
        title = element.find(class_="detailsBlockTitle") or element.find("summary")
        content = element.find(class_="detailsBlockContent")
        heading: list[Segment] = []
        if isinstance(title, Tag):
            heading = _maybe(prose(sentence(self._inline.text(title)), Kind.ANNOUNCEMENT))
        if isinstance(content, Tag):
            inner = self._container(content, kind)
        else:
            inner = self._sequence(
                [child for child in element.children if child is not title], kind
            )
        if heading and inner:  # the page hides it behind its title: say where the aside ends
            inner.append(make(said("End of collapsible section."), Kind.ANNOUNCEMENT))
        return heading + inner

    def _ai_written(self, element: Tag, kind: Kind) -> list[Segment]:
        model = tidy(str(element.get("data-model-name", "")))
        opening = "The following was written by an AI model" + (f", {model}." if model else ".")
        content = element.find(class_="llm-content-block-content")
        if isinstance(content, Tag):
            inner = self._container(content, kind)
        else:
            header = element.find(class_="llm-content-block-header")
            inner = self._sequence([c for c in element.children if c is not header], kind)
        if not inner:
            return []
        closing = make(said("End of AI-written text."), Kind.ANNOUNCEMENT)
        return [make(said(opening), Kind.ANNOUNCEMENT), *inner, closing]

    def _dialogue_turn(self, element: Tag) -> list[Segment]:
        header = element.find(class_="dialogue-message-header")
        speaker = tidy(str(element.get("display-name") or ""))
        if not speaker and isinstance(header, Tag):
            speaker = tidy(header.get_text(" "))
        voice = speaker or None
        content = element.find(class_="dialogue-message-content")
        with self._holding_notes():
            if isinstance(content, Tag):
                inner = self._container(content, Kind.PARAGRAPH)
            else:
                inner = self._sequence(
                    [c for c in element.children if c is not header], Kind.PARAGRAPH
                )
        inner = restyled(inner, Kind.DIALOGUE, voice=voice)
        return prefixed(inner, f"{spoken_name(speaker)}:") if speaker else inner

    def _table(self, table: Tag, caption: str) -> list[Segment]:
        with self._holding_notes():
            texts = table_texts(table, self._inline.text, self._max_cells, caption)
        return [segment for text in texts for segment in _maybe(prose(text, Kind.TABLE))]

    def _figure(self, figure: Tag, kind: Kind) -> list[Segment]:
        caption = self._caption(figure, "figcaption")
        table = figure.find("table")
        if isinstance(table, Tag):
            return self._table(table, caption or self._caption(table, "caption"))
        image = figure.find("img")
        if isinstance(image, Tag):
            words = image_words(image, caption)
            return [make(said(words), Kind.IMAGE)] if words else []
        return self._container(figure, kind)

    def _caption(self, element: Tag, name: str) -> str:
        """A caption's words, with its maths and links said properly."""
        caption = element.find(name)
        return self._inline.text(caption) if isinstance(caption, Tag) else ""


def _inside_numbered_item(element: Tag) -> bool:
    item = element.find_parent("li")
    return item is not None and item.parent is not None and item.parent.name == "ol"


def _paragraph(raw: str, kind: Kind) -> list[Segment]:
    """Words as a segment; a word-less mark such as "* * *" as a section break."""
    segment = prose(raw, kind)
    if segment is None:
        return [pause(SECTION_BREAK)] if tidy(raw).strip(".,;:") else []
    return [segment]


def _maybe(segment: Segment | None) -> list[Segment]:
    return [segment] if segment is not None else []
