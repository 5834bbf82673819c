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
Blog platforms' widgets are read by `blog_embeds`, a player's address by `embed_sites`.
Each function returns the narrator's raw words, or None when the element is no embed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urlsplit

from bs4 import Tag

from postcast.narration.blog_embeds import BLOG_WIDGETS
from postcast.narration.embed_sites import tweet_words, words_for_url
from postcast.narration.markup import classes, json_attribute
from postcast.narration.spoken import join_names, link_name, sentence, tidy

_SLUG_SEPARATORS = re.compile(r"[-_]+")
# Slugs are lower case; these read wrongly that way ("ai" is not "eye").
_ACRONYMS = {"ai", "agi", "asi", "llm", "llms", "gpt", "us", "uk", "eu", "un", "gdp", "ml", "rl"}
_TITLE_PREFIXES = ("Manifold market ", "OWID ", "Metaculus question ")
_REVIEW = "The Annual Review's results."
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
        return tweet_words(tidy(element.get_text()))
    if element.has_attr("data-lexical-iframe-widget"):  # an author's own HTML/JS widget
        return "Embedded interactive widget."
    url = _embed_url(element)
    if url is None:
        return None
    preview = element.find(class_=lambda name: name in _PREVIEWS or name in _DESCRIBED)
    if isinstance(preview, Tag):  # CKEditor keeps the named preview inside the oEmbed
        return embed_words(preview)
    return words_for_url(url)


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
    props = json_attribute(element, "data-props")
    if not str(props.get("question", "")).strip():
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
    data = json_attribute(element, "data-review-results")
    entries = data.get("results")
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
    **BLOG_WIDGETS,
}
