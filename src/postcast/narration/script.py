"""`narrate`: a post to its script, intro first and outro last.

Order of work on the parsed body: equations are found and spoken first (one engine call,
and the MathJax 3 / Markdown pairing needs the whole document, footnotes included), then
the footnote lists are taken out, then the body is read.
"""

from __future__ import annotations

import dataclasses

from bs4 import BeautifulSoup

from postcast.config import LibraryConfig, NarrationConfig
from postcast.errors import ConfigError
from postcast.limits import check_post_fields, check_words
from postcast.models import Post, Script, Segment
from postcast.narration.footnotes import take_footnotes
from postcast.narration.html_reader import BodyReader
from postcast.narration.maths import read_maths
from postcast.narration.segments import Kind, finish, make, said
from postcast.narration.spoken import join_names, spoken_name, spoken_title

FOOTNOTE_PLACES = ("end", "inline")
FOOTNOTES_CHAPTER = "Footnotes"


def narrate(post: Post, library: LibraryConfig, narration: NarrationConfig) -> Script:
    """The words a narrator says for `post`, as segments in reading order."""
    _check(narration)
    name = f"post {post.post_id}"
    # Bounds first: every walker below recurses through the tree, and memory grows with it.
    check_post_fields(name, post.title, post.authors, post.html or "")
    soup = BeautifulSoup(post.html or "", "lxml")
    maths = read_maths(soup, post.markdown)
    footnotes = take_footnotes(soup)
    reader = BodyReader(maths, footnotes, narration)
    body = reader.read(soup.body or soup)
    notes = reader.remaining_footnotes()
    if notes and narration.footnotes == "end":
        notes[0] = dataclasses.replace(notes[0], chapter=FOOTNOTES_CHAPTER, pause_before=1.0)
    segments = [intro(post, library), *body, *notes, make(said(library.outro), Kind.OUTRO)]
    check_words(name, sum(len(segment.text.split()) for segment in segments))
    return Script(title=post.title, segments=tuple(finish(segments)))


def intro(post: Post, library: LibraryConfig) -> Segment:
    """ "Welcome to {show}, {tagline}. This is: {title}, published by {authors} on {date}..."."""
    date = post.posted_at
    title = spoken_title(post.title)
    text = f"Welcome to {library.title}, {library.tagline}. This is: {title}, published"
    names = [name for name in map(spoken_name, post.authors) if name]  # "🦊" says nothing
    if names:
        text += f" by {join_names(names)}"
    text += f" on {date:%B} {date.day}, {date.year}"
    text += f" on {post.forum_name}." if post.forum_name else "."
    return make(said(text), Kind.INTRO, chapter=post.title)


def _check(narration: NarrationConfig) -> None:
    if narration.footnotes not in FOOTNOTE_PLACES:
        raise ConfigError(
            "[narration] footnotes",
            f"expected one of {', '.join(map(repr, FOOTNOTE_PLACES))}, got {narration.footnotes!r}",
        )
    if narration.table_max_cells < 1:
        raise ConfigError("[narration] table_max_cells", "expected a positive number")
