"""Embedded widgets, as ForumMagnum stores them, described in a sentence.

Lexical and CKEditor store named previews (`div.youtube-preview`, `div.manifold-preview`
whose iframe title names the market, `div.owid-preview`, an often empty
`div.metaculus-preview`, `div.elicit-binary-prediction`), CKEditor polls
(`div.ck-poll[data-props]` holding the question and slider ends as JSON) and
call-to-action buttons (`a.ck-cta-button[data-href]`), oEmbeds
(`figure.media > div[data-oembed-url]`), Lexical tweets (`div[data-lexical-tweet-id]`),
author-written widgets (`iframe[data-lexical-iframe-widget]`, or `div.iframe-widget` once
the server has taken the widget's code out), LW Artifacts (`div.lwartifacts-preview`) and
the Annual Review's ranking (`div.review-results-table[data-review-results]`, JSON).
Substack's widgets (in feeds) keep what they show in a `data-attrs` JSON: a tweet's text
and author (`div.twitter-embed`), a linked post's title and publication
(`div.embedded-post-wrap`, `div.digest-post-embed`), a gallery's caption. Ghost's cards
name what they hold in their own elements (`figure.kg-bookmark-card` a linked page's title
and publisher; audio, video and file cards, whose players' "0:00" must not be read);
Medium wraps players in Embedly's iframe, the player's own address in its query.
WordPress's blocks: `figure.wp-block-embed` (a player, or a bare address before WordPress
turned it into one), `figure.wp-block-gallery`, `div.wp-block-file`.
Each function returns the narrator's raw words, or None when the element is no embed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

from bs4 import Tag

from postcast.narration.markup import classes
from postcast.narration.spoken import (
    join_names,
    link_name,
    looks_like_url,
    plural,
    sentence,
    site_name,
    speak_urls,
    spoken_name,
    tidy,
)

_SLUG_SEPARATORS = re.compile(r"[-_]+")
# Slugs are lower case; these read wrongly that way ("ai" is not "eye").
_ACRONYMS = {"ai", "agi", "asi", "llm", "llms", "gpt", "us", "uk", "eu", "un", "gdp", "ml", "rl"}
_TITLE_PREFIXES = ("Manifold market ", "OWID ", "Metaculus question ")
_REVIEW = "The Annual Review's results."
_TWEET_BYLINE = re.compile(r"[—–-]\s*([^()—–]+?)\s*\(@\w+\)")
_REVIEW_RANKS_READ = 20  # a ranking of fifty titles read in full would bury the post


def embed_words(element: Tag) -> str | None:
    """What an embedded widget is, or None when `element` is no embed."""
    for name in classes(element) | {element.name or ""}:
        describe = _DESCRIBED.get(name)
        if describe is not None:
            return describe(element)
        if name in _PREVIEWS:
            return _PREVIEWS[name]
    if element.has_attr("data-lexical-tweet-id"):
        return _tweet(tidy(element.get_text()))
    if element.has_attr("data-lexical-iframe-widget"):  # an author's own HTML/JS widget
        return "Embedded interactive widget."
    url = _embed_url(element)
    if url is None:
        return None
    preview = element.find(class_=lambda name: name in _PREVIEWS or name in _DESCRIBED)
    if isinstance(preview, Tag):  # CKEditor keeps the named preview inside the oEmbed
        return embed_words(preview)
    return _words_for_url(url)


def _manifold(element: Tag) -> str:
    market = _named_by(element, "data-manifold-slug")
    said = "Embedded prediction market from Manifold"
    return sentence(f"{said}: {market}") if market else f"{said}."


def _owid(element: Tag) -> str:
    chart = _named_by(element, "data-owid-slug")
    said = "Embedded chart from Our World in Data"
    return sentence(f"{said}: {chart}") if chart else f"{said}."


def _poll(element: Tag) -> str:
    """A CKEditor poll: a question and a slider from disagree to agree."""
    try:
        props = json.loads(str(element.get("data-props", "")))
    except json.JSONDecodeError:
        props = None
    if not isinstance(props, dict) or not str(props.get("question", "")).strip():
        question = tidy(element.get_text(" "))
        return sentence(f"Embedded poll: {question}") if question else "Embedded poll."
    said = sentence(f"A poll: {tidy(str(props['question']))}")
    low, high = (tidy(str(props.get(key, ""))) for key in ("disagreeWording", "agreeWording"))
    if low and high:
        said += f" Readers answer on a scale from {low} to {high}."
    return said


def _call_to_action(element: Tag) -> str:
    label = tidy(element.get_text(" "))
    target = str(element.get("data-href") or element.get("href") or "")
    said = f"A button: {label}" if label else "A button"
    return sentence(f"{said}, linking to {link_name(target)}" if target.strip() else said)


def _review_results(element: Tag) -> str:
    """The Annual Review's ranking: each post's rank, title and authors, the top ones."""
    try:
        data = json.loads(str(element.get("data-review-results", "")))
    except json.JSONDecodeError:
        data = None
    entries = data.get("results") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        return _REVIEW
    year = data.get("year")
    said = [f"The {year} Annual Review's results." if isinstance(year, int) else _REVIEW]
    ranked = [entry for entry in entries if isinstance(entry, dict) and entry.get("title")]
    said.extend(_ranked_post(entry) for entry in ranked[:_REVIEW_RANKS_READ])
    if len(ranked) > _REVIEW_RANKS_READ:
        said.append(f"And {len(ranked) - _REVIEW_RANKS_READ} more posts.")
    return " ".join(said)


def _ranked_post(entry: dict[str, object]) -> str:
    """ "Number 1: Title, by Author and Coauthor." """
    coauthors = entry.get("coauthorNames")
    names = [entry.get("authorName"), *(coauthors if isinstance(coauthors, list) else [])]
    by = join_names([tidy(str(name)) for name in names if name])
    rank = entry.get("rank")
    said = f"Number {rank}: " if isinstance(rank, int) else ""
    said += tidy(str(entry["title"]))
    return sentence(f"{said}, by {by}" if by else said)


def _data_attrs(element: Tag) -> dict[str, object]:
    """A Substack widget's `data-attrs` JSON; empty when absent or broken."""
    try:
        data = json.loads(str(element.get("data-attrs", "")))
    except json.JSONDecodeError:
        return {}
    return data if isinstance(data, dict) else {}


def _attr_text(data: dict[str, object], key: str) -> str:
    value = data.get(key)
    return tidy(speak_urls(value)) if isinstance(value, str) else ""


def _substack_tweet(element: Tag) -> str:
    """The tweet an author quotes, read as a quotation of its author."""
    data = _data_attrs(element)
    name = _attr_text(data, "name") or spoken_name(_attr_text(data, "username"), handle=True)
    said = f"A post on X by {name}" if name else "A post on X"
    words = _attr_text(data, "full_text")
    return sentence(f"{said}: {words}") if words else sentence(f"Embedded {said[2:]}")


def _tweet_quote(element: Tag) -> str:
    """X's own embed code, `blockquote.twitter-tweet`: its text, then "— Name (@handle) date"."""
    body = element.find("p")
    words = tidy(speak_urls(body.get_text(" "))) if isinstance(body, Tag) else ""
    byline = _TWEET_BYLINE.search(element.get_text(" "))
    said = f"A post on X by {tidy(byline.group(1))}" if byline else "A post on X"
    return sentence(f"{said}: {words}") if words else sentence(f"Embedded {said[2:]}")


def _linked_post(element: Tag) -> str:
    data = _data_attrs(element)
    title, publication = _attr_text(data, "title"), _attr_text(data, "publication_name")
    if not title:
        return "A linked post."
    return sentence(f"Linked post: {title}" + (f", from {publication}" if publication else ""))


def _gallery(element: Tag) -> str:
    gallery = _data_attrs(element).get("gallery")
    gallery = gallery if isinstance(gallery, dict) else {}
    images = gallery.get("images")
    count = len(images) if isinstance(images, list) and images else 0
    said = f"A gallery of {plural(count, 'image')}" if count else "A gallery of images"
    caption = _attr_text(gallery, "caption")
    return sentence(f"{said}: {caption}" if caption else said)


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
    return _words_for_url(url)


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


def _named_by(element: Tag, slug_attribute: str) -> str:
    """The thing a preview shows: its iframe's title, else its slug as words."""
    frame = element.find("iframe")
    title = tidy(str(frame.get("title", ""))) if isinstance(frame, Tag) else ""
    for prefix in _TITLE_PREFIXES:
        if title.startswith(prefix):
            return _slug_words(title.removeprefix(prefix))
    if title and not title.lower().endswith((" video", " embed", " iframe")):
        return title
    slug = str(element.get(slug_attribute, ""))
    if not slug and isinstance(frame, Tag):
        slug = urlsplit(str(frame.get("src", ""))).path.rstrip("/").rsplit("/", 1)[-1]
    return _slug_words(slug)


def _slug_words(slug: str) -> str:
    """ "will-ai-pass-the-turing-test-by-2030" is "Will ai pass the turing test by 2030"."""
    words = tidy(_SLUG_SEPARATORS.sub(" ", slug.rsplit("/", 1)[-1])).split(" ")
    words = [word.upper() if word in _ACRONYMS else word for word in words]
    said = " ".join(words)
    return said[:1].upper() + said[1:]


def _tweet(url: str) -> str:
    said = link_name(url) if site_name(url) in ("X", "Twitter") else "a post on X"
    return sentence(f"Embedded {said.removeprefix('a ')}")


def _embed_url(element: Tag) -> str | None:
    if element.name == "iframe":
        return str(element.get("src", ""))
    if element.name == "oembed":
        return str(element.get("url", ""))
    if element.has_attr("data-oembed-url"):
        return str(element["data-oembed-url"])
    if element.name == "figure" and "media" in classes(element):
        inner = element.find(["oembed", "iframe"]) or element.find(None, {"data-oembed-url": True})
        return _embed_url(inner) if isinstance(inner, Tag) else ""
    return None


def _words_for_url(url: str) -> str:
    if not url:
        return "Embedded content."
    if site_name(url) == "cdn dot embedly dot com":  # Medium's wrapper round a player
        query = parse_qs(urlsplit(url).query)
        inner = (query.get("src") or query.get("url") or [""])[0]
        if inner:
            return _words_for_url(inner)
    site = site_name(url)
    if site in ("X", "Twitter"):
        return _tweet(url)
    return _SITE_EMBEDS.get(site) or f"Embedded content from {site}."


_GHOST_CARDS = {
    "kg-bookmark-card": "Linked page",
    "kg-audio-card": "Embedded audio",
    "kg-video-card": "Embedded video",
    "kg-file-card": "A file to download",
}
# Named previews ForumMagnum renders for pasted links, by CSS class (or tag name).
_PREVIEWS = {
    "youtube-preview": "Embedded video from YouTube.",
    "metaculus-preview": "Embedded forecast from Metaculus.",
    "strawpoll-embed": "Embedded poll.",
    "elicit-binary-prediction": "Embedded prediction, where readers give their own probability.",
    "neuronpedia-preview": "Embedded feature from Neuronpedia.",
    "estimaker-preview": "Embedded estimate from Estimaker.",
    "viewpoints-preview": "Embedded survey from Viewpoints.",
    "metaforecast-preview": "Embedded forecast from Metaforecast.",
    "calendly-preview": "Embedded booking calendar from Calendly.",
    "iframe-widget": "Embedded interactive widget.",
    "lwartifacts-preview": "Embedded interactive artifact.",
    "youtube-wrap": "Embedded video from YouTube.",  # Substack's (its iframe may be missing)
    "thoughtSaverFrame": "Embedded flashcards.",
    "video": "Embedded video.",
    "audio": "Embedded audio.",
}
_DESCRIBED: dict[str, Callable[[Tag], str]] = {
    "manifold-preview": _manifold,
    "owid-preview": _owid,
    "ck-poll": _poll,
    "ck-cta-button": _call_to_action,
    "review-results-table": _review_results,
    "twitter-embed": _substack_tweet,
    "twitter-tweet": _tweet_quote,
    "embedded-post-wrap": _linked_post,
    "digest-post-embed": _linked_post,
    "image-gallery-embed": _gallery,
    **{card: _ghost_card for card in _GHOST_CARDS},
    "wp-block-embed": _wordpress_embed,
    "wp-block-gallery": _wordpress_gallery,
    "wp-block-file": _wordpress_file,
}
_SITE_EMBEDS = {
    "YouTube": _PREVIEWS["youtube-preview"],
    "Vimeo": "Embedded video from Vimeo.",
    "Metaculus": _PREVIEWS["metaculus-preview"],
    "Manifold": "Embedded prediction market from Manifold.",
    "Our World in Data": "Embedded chart from Our World in Data.",
    "Spotify": "Embedded audio from Spotify.",
    "Datawrapper": "Embedded chart from Datawrapper.",
}
