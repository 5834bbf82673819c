"""Running text inside a block: words, links, inline maths and code, footnote markers.

Display maths and images found mid-paragraph come out as `Break`s: the block reader turns
them into segments of their own between the text before and after.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from bs4 import Tag
from bs4.element import NavigableString, PageElement, PreformattedString

from postcast.models import SegmentKind
from postcast.narration.citations import speak_citations
from postcast.narration.footnotes import Footnotes
from postcast.narration.markup import classes, has_words, is_block, is_hidden, json_attribute
from postcast.narration.maths import SpokenMaths
from postcast.narration.media import image_words
from postcast.narration.spoken import link_name, looks_like_url, sentence, speak_handles, tidy

_LONG_CODE = 60  # characters: past this, inline code is announced rather than read
_ORDINAL_SUFFIX = re.compile(r"^(?:st|nd|rd|th)$", re.IGNORECASE)
_CODE_NOISE = re.compile(r"[{}\[\]<>\\|`;$]+")
_SNAKE = re.compile(r"(?<=\w)_(?=\w)")
_POWER_SIGNS = {"2": "²", "3": "³"}
_NOTE_MARK = re.compile(r"^(?:[a-z]|[*†‡§]+)$")
_CLOSERS = "\"”’')]*_ "  # after a line's last word: its end marks are looked at inside
# A line ending in one of these runs on even into a capital ("we met with<br>Alice"): a
# hard-wrapped sentence, not a line of its own
_RUNS_ON = frozenset(
    (
        "a", "an", "the", "of", "to", "in", "on", "at", "by", "for", "with", "from", "into",
        "about", "as", "and", "or", "but", "nor", "than", "that", "which", "who", "whose", "is",
        "are", "was", "were", "be", "been", "has", "have", "had", "will", "would", "can", "could",
        "should", "may", "might", "must", "i", "my", "our", "your", "their", "his", "her", "its",
        "this", "these", "those",
    )
)  # fmt: skip
_LINE_END_MARKS = (".", "!", "?", ",", ";", ":", "…", "—", "–", "-", "/", "(", "&", "+")


@dataclass(frozen=True)
class Break:
    """Something that is said as a segment of its own, even when written mid-paragraph."""

    text: str  # the narrator's raw words
    kind: SegmentKind


Part = str | Break


class InlineReader:
    def __init__(
        self, maths: SpokenMaths, footnotes: Footnotes, on_reference: Callable[[str], None]
    ) -> None:
        self._maths = maths
        self._footnotes = footnotes
        self._on_reference = on_reference

    def parts(self, nodes: Iterable[PageElement]) -> list[Part]:
        out: list[Part] = []
        for node in nodes:
            self._node(node, out)
        return out

    def text(self, element: Tag) -> str:
        """All of `element` as one line of raw text (breaks said in place)."""
        parts = self.parts(element.children)
        words = " ".join(part if isinstance(part, str) else part.text for part in parts)
        return tidy(speak_citations(words))

    def _node(self, node: PageElement, out: list[Part]) -> None:
        if isinstance(node, NavigableString):
            if not isinstance(node, PreformattedString):  # comments, CDATA, doctypes
                out.append(speak_handles(str(node)))
            return
        if not isinstance(node, Tag):
            return
        equation = self._maths.lookup(node)
        if equation is not None:
            if equation.display:
                out.append(Break(sentence(_capital(equation.speech)), SegmentKind.MATH))
            else:
                out.append(f" {equation.speech} ")
            return
        target = self._footnotes.hovernote_target(node)
        if target is not None:  # its words are read here, its note later
            out.extend(self.parts(node.children))
            if target:
                self._on_reference(target)
            return
        target = self._footnotes.reference_target(node)
        if target is not None:
            if target:
                self._on_reference(target)
            return
        if is_hidden(node):
            return
        if "mention-wrap" in classes(node):  # Substack's mention: an empty span, its name in JSON
            out.append(f" {_mentioned_name(node)} ")
            return
        handler = _HANDLERS.get(node.name or "")
        if handler is not None:
            handler(self, node, out)
        elif is_block(node):  # a paragraph inside a table cell or a link: keep words apart
            out.append(" ")
            out.extend(self.parts(node.children))
            out.append(" ")
        else:
            out.extend(self.parts(node.children))

    def _line_break(self, node: Tag, out: list[Part]) -> None:
        # A line that ends unpunctuated before a line starting a new thought ("Step 1<br>
        # Gather data", a poem's lines, "<b>Title</b><br>Description") is a pause a
        # reader makes; a line that runs on in lower case ("that<br>continues") is not.
        before = _last_text(out).rstrip(_CLOSERS)
        after = _text_after(node)
        if (
            before
            and after
            and not before.endswith(_LINE_END_MARKS)
            and before.rsplit(None, 1)[-1].lower() not in _RUNS_ON
            and _opens_line(after)
        ):
            out.append(". ")
        else:
            out.append(" ")

    def _image(self, node: Tag, out: list[Part]) -> None:
        words = image_words(node)
        if words:
            out.append(Break(words, SegmentKind.IMAGE))

    def _link(self, node: Tag, out: list[Part]) -> None:
        inside = self.parts(node.children)
        words = tidy("".join(part for part in inside if isinstance(part, str)))
        if words and looks_like_url(words):
            href = str(node.get("href", ""))
            out.append(link_name(href if looks_like_url(href) else words))
            out.extend(part for part in inside if isinstance(part, Break))
            return
        out.extend(inside)

    def _code(self, node: Tag, out: list[Part]) -> None:
        out.append(code_said(node.get_text()))

    def _superscript(self, node: Tag, out: list[Part]) -> None:
        text = tidy(node.get_text())
        before = _last_text(out)
        if before[-1:].isdigit() and _ORDINAL_SUFFIX.match(text):
            out.append(text)  # 1<sup>st</sup>
        elif before[-1:].isdigit() and text.lstrip("-−").isdigit():
            out.append(f" to the power of {text} ")  # 10<sup>6</sup>
        elif before[-1:].isalpha() and text in _POWER_SIGNS:
            out.append(_POWER_SIGNS[text])  # mc<sup>2</sup>, m<sup>2</sup>: as "mc²", "m²"
        elif before[-1:].isalpha() and _NOTE_MARK.match(text):
            return  # "claim<sup>a</sup>": a note's mark with no link, not part of the word
        else:
            out.extend(self.parts(node.children))

    def _subscript(self, node: Tag, out: list[Part]) -> None:
        out.append(" ")
        out.extend(self.parts(node.children))

    def _struck_out(self, node: Tag, out: list[Part]) -> None:
        # "I <s>hate</s> love it", a retracted claim: said as struck, not as meant
        inside = self.parts(node.children)
        if any(isinstance(part, str) and part.strip() for part in inside):
            out.append(" (crossed out: ")
            out.extend(inside)
            out.append(") ")
        else:
            out.extend(inside)


def _mentioned_name(node: Tag) -> str:
    name = json_attribute(node).get("name")
    return tidy(name) if isinstance(name, str) else tidy(node.get_text())


def code_said(code: str) -> str:
    """Short inline code read as words; long snippets only announced."""
    code = tidy(code)
    if len(code) > _LONG_CODE:
        return " a code snippet "
    return f" {tidy(_CODE_NOISE.sub(' ', _SNAKE.sub(' ', code)))} "


def _text_after(node: Tag) -> str:
    """The words after a line break, up to the next break or block; "" if none."""
    for element in node.next_elements:
        if isinstance(element, Tag) and (element.name == "br" or is_block(element)):
            return ""
        if has_words(element):
            return element.strip()
    return ""


def _opens_line(text: str) -> bool:
    return text[0].isupper() or text[0].isdigit() or text[0] in "\"“‘'*•–—-"


def _last_text(out: list[Part]) -> str:
    for part in reversed(out):
        if isinstance(part, str) and part.strip():
            return part.rstrip()
    return ""


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


_HANDLERS: dict[str, Callable[[InlineReader, Tag, list[Part]], None]] = {
    "br": InlineReader._line_break,
    "img": InlineReader._image,
    "a": InlineReader._link,
    "code": InlineReader._code,
    "kbd": InlineReader._code,
    "samp": InlineReader._code,
    "sup": InlineReader._superscript,
    "sub": InlineReader._subscript,
    "del": InlineReader._struck_out,
    "s": InlineReader._struck_out,
    "strike": InlineReader._struck_out,
}
