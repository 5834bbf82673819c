"""Which posts become episodes: the reference library's rules, as pure functions."""

from __future__ import annotations

import re
from collections.abc import Iterable

from bs4 import BeautifulSoup, Tag

from postcast.config import SourceConfig
from postcast.models import Post

MIN_TEXT_CHARACTERS = 250

# ForumMagnum hides these on the site by default (todo/fixme/comment notes, Arbital
# requisite blocks); they are not the post.
HIDDEN_BLOCK_SELECTOR = ".conditionallyVisibleBlock"  # blocks and their inline form
# Never text a reader sees: stylesheets (MathJax ships one), scripts, templates.
INVISIBLE_TAGS = ("style", "script", "template", "noscript")

_SPACES = re.compile(r"\s+")


def ranking_karma(post: Post, use_af: bool) -> int | None:
    """The karma a post is ranked by: AF karma (`afBaseScore`) on the Alignment Forum."""
    return post.af_karma if use_af else post.karma


def normalise_name(name: str) -> str:
    """Author names compare case- and space-insensitively ("Dan H" == "dan  h")."""
    return _SPACES.sub(" ", name).strip().casefold()


def _visible_soup(html: str) -> BeautifulSoup:
    soup = BeautifulSoup(html, "lxml")
    for hidden in soup.select(HIDDEN_BLOCK_SELECTOR):
        hidden.decompose()
    for tag in soup.find_all(INVISIBLE_TAGS):
        tag.decompose()
    return soup


def _text_of(node: Tag) -> str:
    return _SPACES.sub(" ", node.get_text(" ")).strip()


def visible_text(html: str) -> str:
    """The text a reader of the forum sees: hidden blocks and stylesheets removed."""
    return _text_of(_visible_soup(html))


def _content_reason(html: str) -> str | None:
    soup = _visible_soup(html)
    text = _text_of(soup)
    if not text:
        had_text = bool(_text_of(BeautifulSoup(html, "lxml")))
        return "only hidden content" if had_text else "empty post"
    if len(text) < MIN_TEXT_CHARACTERS:
        return f"too short ({len(text)} characters of text, under {MIN_TEXT_CHARACTERS})"
    if not any(_text_of(paragraph) for paragraph in soup.find_all("p")):
        return "no paragraph of text"
    return None


def _opted_out(post: Post, opt_out_authors: Iterable[str]) -> str | None:
    opted = {normalise_name(name) for name in opt_out_authors}
    for author in post.authors:
        if normalise_name(author) in opted:
            return f"author {author!r} opted out"
    return None


def _karma_reason(post: Post, source: SourceConfig) -> str | None:
    threshold = source.karma_threshold
    if threshold <= 0:  # the forum ignores a threshold of 0 too
        return None
    karma = ranking_karma(post, source.af)
    label = "AF karma" if source.af else "karma"
    if karma is None:
        return f"no {label} (threshold {threshold})"
    if karma < threshold:
        return f"{label} {karma} below threshold {threshold}"
    return None


def _kind_reason(post: Post) -> str | None:
    kinds = (
        (post.is_draft, "draft"),
        (post.is_event, "event"),
        (post.is_question, "question"),
        (post.is_shortform, "shortform"),
    )
    return next((f"{name} post" for flagged, name in kinds if flagged), None)


def is_eligible(post: Post, source: SourceConfig, opt_out_authors: set[str]) -> str | None:
    """Why `post` must not become an episode, or None when it may.

    `opt_out_authors` is the library-wide list; the source's own list applies as well.
    """
    return (
        _kind_reason(post)
        or _opted_out(post, [*opt_out_authors, *source.opt_out_authors])
        or _karma_reason(post, source)
        or _content_reason(post.html)
    )
