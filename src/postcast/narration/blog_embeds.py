"""Blog platforms' widgets as their feeds carry them, described in a sentence.

Substack keeps what a widget shows in a `data-attrs` JSON, often in an element with no
text: a tweet's text and author (`div.twitter-embed`), a linked post's title and
publication (`div.embedded-post-wrap`, `div.digest-post-embed`), a gallery's caption.
Ghost's cards name what they hold in their own elements (`figure.kg-bookmark-card` a
linked page's title and site; audio, video and file cards, whose players' "0:00" must not
be read). WordPress's blocks: `figure.wp-block-embed` (a player, a bare address before
WordPress turned it into one, or another blog's post quoted), `figure.wp-block-gallery`,
`div.wp-block-file`. X's own embed code is `blockquote.twitter-tweet`.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bs4 import Tag

from postcast.narration.embed_sites import words_for_url
from postcast.narration.markup import classes, json_attribute
from postcast.narration.spoken import (
    looks_like_url,
    plural,
    sentence,
    site_name,
    speak_urls,
    spoken_name,
    tidy,
)

_TWEET_BYLINE = re.compile(r"[—–-]\s*([^()—–]+?)\s*\(@\w+\)")
_GHOST_CARDS = {
    "kg-bookmark-card": "Linked page",
    "kg-audio-card": "Embedded audio",
    "kg-video-card": "Embedded video",
    "kg-file-card": "A file to download",
}


def _attr_text(data: dict[str, object], key: str) -> str:
    value = data.get(key)
    return tidy(speak_urls(value)) if isinstance(value, str) else ""


def _substack_tweet(element: Tag) -> str:
    """The tweet an author quotes, read as a quotation of its author."""
    data = json_attribute(element)
    name = _attr_text(data, "name") or spoken_name(_attr_text(data, "username"), handle=True)
    said = f"A post on X by {name}" if name else "A post on X"
    words = _attr_text(data, "full_text")
    return sentence(f"{said}: {words}") if words else sentence(f"Embedded {said[2:]}")


def _linked_post(element: Tag) -> str:
    data = json_attribute(element)
    title, publication = _attr_text(data, "title"), _attr_text(data, "publication_name")
    if not title:
        return "A linked post."
    return sentence(f"Linked post: {title}" + (f", from {publication}" if publication else ""))


def _gallery(element: Tag) -> str:
    gallery = json_attribute(element).get("gallery")
    gallery = gallery if isinstance(gallery, dict) else {}
    images = gallery.get("images")
    count = len(images) if isinstance(images, list) and images else 0
    said = f"A gallery of {plural(count, 'image')}" if count else "A gallery of images"
    caption = _attr_text(gallery, "caption")
    return sentence(f"{said}: {caption}" if caption else said)


def _tweet_quote(element: Tag) -> str:
    """X's own embed code, `blockquote.twitter-tweet`: its text, then "— Name (@handle) date"."""
    body = element.find("p")
    words = tidy(speak_urls(body.get_text(" "))) if isinstance(body, Tag) else ""
    byline = _TWEET_BYLINE.search(element.get_text(" "))
    said = f"A post on X by {tidy(byline.group(1))}" if byline else "A post on X"
    return sentence(f"{said}: {words}") if words else sentence(f"Embedded {said[2:]}")


def _ghost_card(element: Tag) -> str:
    """A Ghost card: what it holds, named by its title element, never its player's controls."""
    found = classes(element)
    kind = next(kind for card, kind in _GHOST_CARDS.items() if card in found)
    title = _card_part(element, ("kg-bookmark-title", "kg-audio-title", "kg-video-title",
                                 "kg-file-card-title", "kg-file-card-filename"))  # fmt: skip
    if kind == "Linked page":
        # Koenig writes the site's name in `kg-bookmark-author`, the writer's in "publisher"
        source = _card_part(element, ("kg-bookmark-author", "kg-bookmark-publisher"))
        title += f", from {source}" if title and source else ""
    return sentence(f"{kind}: {title}" if title else kind)


def _wordpress_embed(element: Tag) -> str:
    """A WordPress embed block: the player's site, or the linked post an embed quotes."""
    frame = element.find("iframe")
    wrapper = element.find(class_="wp-block-embed__wrapper")
    url = str(frame.get("src", "")) if isinstance(frame, Tag) else ""
    if not url and isinstance(wrapper, Tag):
        url = tidy(wrapper.get_text()) if looks_like_url(tidy(wrapper.get_text())) else ""
    quoted = element.find("blockquote")
    if isinstance(quoted, Tag) and tidy(quoted.get_text(" ")):  # another blog's post
        title = tidy(quoted.get_text(" "))
        return sentence(
            f"Linked post: {title}, from {site_name(url)}" if url else f"Linked post: {title}"
        )
    return words_for_url(url)


def _wordpress_gallery(element: Tag) -> str:
    images = len(element.find_all("img"))
    said = f"A gallery of {plural(images, 'image')}" if images else "A gallery of images"
    caption = element.find(class_="blocks-gallery-caption")
    words = tidy(caption.get_text(" ")) if isinstance(caption, Tag) else ""
    return sentence(f"{said}: {words}" if words else said)


def _wordpress_file(element: Tag) -> str:
    name = next(
        (tidy(link.get_text(" ")) for link in element.find_all("a")
         if "wp-block-file__button" not in classes(link) and tidy(link.get_text(" "))),
        "",
    )  # fmt: skip
    return sentence(f"A file to download: {name}" if name else "A file to download")


def _card_part(element: Tag, names: tuple[str, ...]) -> str:
    for name in names:
        part = element.find(class_=name)
        if isinstance(part, Tag) and tidy(part.get_text(" ")):
            return tidy(part.get_text(" "))
    return ""


BLOG_WIDGETS: dict[str, Callable[[Tag], str]] = {
    "twitter-embed": _substack_tweet,
    "twitter-tweet": _tweet_quote,
    "embedded-post-wrap": _linked_post,
    "digest-post-embed": _linked_post,
    "image-gallery-embed": _gallery,
    "youtube-wrap": lambda _: "Embedded video from YouTube.",  # Substack's; may hold no iframe
    **{card: _ghost_card for card in _GHOST_CARDS},
    "wp-block-embed": _wordpress_embed,
    "wp-block-gallery": _wordpress_gallery,
    "wp-block-file": _wordpress_file,
}
