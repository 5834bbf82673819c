"""Show notes: the original post, sanitised, with a link to it at the top.

Feeds get a short form: Apple Podcasts cuts `<description>` and `<content:encoded>` at
4000 bytes, so long posts are truncated at a word or block boundary with "…" and a link.
"""

from __future__ import annotations

import html
from typing import Literal
from urllib.parse import urlsplit

import lxml.html
import nh3

from postcast.links import web_link
from postcast.models import Post

MAX_NOTES_BYTES = 4000
ELLIPSIS = "…"
# fmt: off
_BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "dd", "details", "div", "dl", "dt",
    "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr",
    "li", "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th",
    "thead", "tr", "ul",
})
# fmt: on
_NOT_TEXT = frozenset({"script", "style", "template", "noscript"})


def _size(text: str) -> int:
    return len(text.encode("utf-8"))


def site_name(post: Post) -> str:
    return post.forum_name or urlsplit(web_link(post.url)).hostname or "the original site"


def sanitize_html(fragment: str, base_url: str) -> str:
    """Strip scripts, styles, handlers and unknown tags; make relative links absolute."""
    base_url = web_link(base_url)
    relative: tuple[Literal["rewrite_with_base"], str] | Literal["deny"] = (
        ("rewrite_with_base", base_url) if base_url else "deny"
    )
    return nh3.clean(fragment, url_relative=relative, link_rel="noopener noreferrer nofollow")


def _link_paragraph(label: str, url: str) -> str:
    """A labelled link; none at all where `url` is not a web link (javascript:, file:)."""
    url = web_link(url)
    if not url:
        return ""
    safe = html.escape(url, quote=True)
    return f'<p>{html.escape(label)}: <a href="{safe}">{html.escape(url)}</a></p>'


def _top_link(post: Post) -> str:
    return _link_paragraph(f"Original post on {site_name(post)}", post.url)


def show_notes_html(post: Post) -> str:
    """The whole post for the episode page: a link to the original, then its body."""
    return _top_link(post) + sanitize_html(post.html, post.url)


def _fragment_root(fragment: str) -> lxml.html.HtmlElement:
    return lxml.html.fragment_fromstring(fragment or "<p></p>", create_parent="div")


def paragraphs(fragment: str) -> list[str]:
    """The text of each block of an HTML fragment, whitespace collapsed, in order."""
    found: list[str] = []
    pending: list[str] = []

    def flush() -> None:
        text = " ".join("".join(pending).split())
        if text:
            found.append(text)
        pending.clear()

    def walk(element: lxml.html.HtmlElement) -> None:
        is_block = isinstance(element.tag, str) and element.tag in _BLOCK_TAGS
        if is_block:
            flush()
        if isinstance(element.tag, str) and element.tag not in _NOT_TEXT:  # nor comments
            pending.append(element.text or "")
            for child in element:
                walk(child)
                pending.append(child.tail or "")
        if is_block:
            flush()

    walk(_fragment_root(fragment))
    flush()
    return found


def _cut_words(text: str, budget: int) -> str:
    """The longest run of whole words that fits `budget` bytes once escaped, plus "…"."""
    words = text.split()
    kept: list[str] = []
    for word in words:
        candidate = " ".join([*kept, word])
        if _size(html.escape(candidate + ELLIPSIS)) > budget:
            break
        kept.append(word)
    return " ".join(kept).rstrip(",;:.-–— ") + ELLIPSIS if kept else ""


def _closing_link(post: Post, truncated: bool) -> str:
    label = f"Continue reading on {site_name(post)}" if truncated else "Original post"
    return _link_paragraph(label, post.url)


def feed_description(post: Post, limit: int = MAX_NOTES_BYTES) -> str:
    """Plain paragraphs in `<p>`, a link at the top and bottom, at most `limit` bytes UTF-8."""
    head = _top_link(post)
    budget = limit - _size(head) - _size(_closing_link(post, truncated=True))
    body: list[str] = []
    truncated = False
    for text in paragraphs(sanitize_html(post.html, post.url)):
        block = f"<p>{html.escape(text, quote=False)}</p>"
        if _size(block) <= budget:
            body.append(block)
            budget -= _size(block)
            continue
        cut = _cut_words(text, budget - len("<p></p>"))
        if cut:
            body.append(f"<p>{html.escape(cut, quote=False)}</p>")
        truncated = True
        break
    return head + "".join(body) + _closing_link(post, truncated)


def feed_content_html(post: Post, limit: int = MAX_NOTES_BYTES) -> str:
    """Sanitised post HTML for `content:encoded`, cut between top-level blocks to fit `limit`.

    Keeps lists, links and emphasis that the plain description loses; the block that
    does not fit is given as plain text, cut at a word.
    """
    head, ellipsis = _top_link(post), f"<p>{ELLIPSIS}</p>"
    budget = limit - _size(head) - _size(_closing_link(post, truncated=True)) - _size(ellipsis)
    root = _fragment_root(sanitize_html(post.html, post.url))
    pieces = [html.escape(root.text, quote=False)] if root.text and root.text.strip() else []
    used = sum(_size(piece) for piece in pieces)
    truncated = False
    for child in root:
        piece = lxml.html.tostring(child, encoding="unicode")
        if used + _size(piece) > budget:
            truncated = True
            # The block that does not fit still gives what room is left, as plain text.
            cut = _cut_words(" ".join(paragraphs(piece)), budget - used + _size(ellipsis) - 7)
            if cut:
                pieces.append(f"<p>{html.escape(cut, quote=False)}</p>")
                ellipsis = ""
            break
        pieces.append(piece)
        used += _size(piece)
    tail = ellipsis if truncated else ""
    return head + "".join(pieces) + tail + _closing_link(post, truncated)
