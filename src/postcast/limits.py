"""What one post may be: past these bounds an input is refused with a clear error.

Every stage's memory grows with its input; these limits (documented in the README) keep
any input, hostile or broken, under the 600 MB a render may use. They sit far above
real posts: LessWrong's longest run to about 50,000 words and a few thousand elements.
Structure is checked with lxml's pull parser before the body is parsed into a tree, so
a refused post costs little, and the tree walkers (the body reader, maths, footnotes,
the show notes), all recursive, never meet a body deeper than `MAX_NESTING`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable

import lxml.etree as etree

from postcast.errors import InputError

MAX_FILE_BYTES = 8 * 1024 * 1024  # a post file on disk
MAX_HTML_CHARS = 8_000_000  # a post body's HTML, from any source
# Markdown costs markdown-it about 500 bytes of memory per character at worst ("*a* *a*")
MAX_MARKDOWN_CHARS = 600_000  # about 90,000 words
MAX_ELEMENTS = 100_000  # HTML elements in a body
MAX_NESTING = 100  # elements inside elements (real posts: under 30)
MAX_TITLE_CHARS = 500
MAX_AUTHORS_CHARS = 1_000  # the author names, together, as the intro says them
MAX_WORDS = 120_000  # words narrated in one episode: about thirteen hours
_FEED = 1 << 16  # characters fed to the pull parser at a time


def check_file_size(source: object, size: int) -> None:
    if size > MAX_FILE_BYTES:
        raise InputError(source, f"file is {_mb(size)}; the limit is {_mb(MAX_FILE_BYTES)}")


def check_markdown(source: object, text: str) -> None:
    if len(text) > MAX_MARKDOWN_CHARS:
        raise InputError(
            source,
            f"Markdown body is {len(text):,} characters; the limit is {MAX_MARKDOWN_CHARS:,}",
        )


def check_post_fields(source: object, title: str, authors: Iterable[str], html: str) -> None:
    """Title, authors and body within bounds: `InputError` naming `source` otherwise."""
    if len(title) > MAX_TITLE_CHARS:
        raise InputError(
            source, f"title is {len(title):,} characters long; the limit is {MAX_TITLE_CHARS}"
        )
    names = sum(len(name) for name in authors)
    if names > MAX_AUTHORS_CHARS:
        raise InputError(
            source, f"author names are {names:,} characters long; the limit is {MAX_AUTHORS_CHARS}"
        )
    check_html(source, html)


def check_html(source: object, html: str) -> None:
    """The body's size, element count and nesting depth within bounds.

    Streams the HTML through lxml's pull parser (the parser BeautifulSoup's "lxml"
    builder drives, so depths agree), stopping at the first bound passed; words are
    counted as they pass, so a body far past MAX_WORDS is never narrated.
    """
    if len(html) > MAX_HTML_CHARS:
        raise InputError(
            source, f"body is {len(html):,} characters of HTML; the limit is {MAX_HTML_CHARS:,}"
        )
    shape = _Shape(source)
    parser = etree.HTMLPullParser(events=("start", "end"))
    for start in range(0, len(html), _FEED):
        parser.feed(html[start : start + _FEED])
        shape.take(parser.read_events())
    with contextlib.suppress(etree.XMLSyntaxError):  # an empty body: nothing to bound
        parser.close()
    shape.take(parser.read_events())


class _Shape:
    """Depth, element count and words of HTML as its parse events pass."""

    def __init__(self, source: object) -> None:
        self.source = source
        self.depth = self.elements = self.words = 0

    def take(self, events: Iterable[tuple[str, object]]) -> None:
        for event, element in events:
            if not isinstance(element, etree._Element):
                continue
            if event == "end":
                self.depth -= 1
                # its text, and its children's tails (complete once it ends)
                self.words += _words(element.text) + sum(_words(c.tail) for c in element)
                # only the shape and the count are needed; the tail is counted with
                # its parent (the stubs lack `keep_tail`)
                element.clear(keep_tail=True)  # type: ignore[call-arg]
                continue
            self.depth += 1
            self.elements += 1
            if self.depth > MAX_NESTING:
                raise InputError(
                    self.source, f"HTML is nested more than {MAX_NESTING} elements deep (the limit)"
                )
            if self.elements > MAX_ELEMENTS:
                raise InputError(
                    self.source, f"body has more than {MAX_ELEMENTS:,} HTML elements (the limit)"
                )
        check_words(self.source, self.words)


def check_words(source: object, words: int) -> None:
    """At most MAX_WORDS words: counted in the body's HTML, then in the script."""
    if words > MAX_WORDS:
        raise InputError(source, f"text has more than {MAX_WORDS:,} words (the limit per episode)")


def _words(text: str | None) -> int:
    return len(text.split()) if text else 0


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"
