"""Things a listener cannot hear, described instead: images, code blocks, embeds, polls.

Each function returns the narrator's raw words (normalised later by the caller), or None
when there is nothing worth saying.
"""

from __future__ import annotations

import re

from bs4 import Tag

from postcast.narration.markup import classes
from postcast.narration.spoken import (
    looks_like_url,
    plural,
    sentence,
    site_name,
    tidy,
    with_article,
)

_FILE_NAME = re.compile(r"\.(?:png|jpe?g|gif|webp|svg|bmp|tiff?|avif)$", re.IGNORECASE)
_GENERIC_ALT = {"image", "img", "picture", "photo", "figure", "graphic", "screenshot", "alt"}

_LANGUAGES = {
    "py": "Python",
    "python": "Python",
    "python3": "Python",
    "js": "JavaScript",
    "javascript": "JavaScript",
    "jsx": "JavaScript",
    "ts": "TypeScript",
    "typescript": "TypeScript",
    "tsx": "TypeScript",
    "c": "C",
    "cpp": "C plus plus",
    "c++": "C plus plus",
    "cs": "C sharp",
    "csharp": "C sharp",
    "rs": "Rust",
    "sh": "shell",
    "bash": "shell",
    "shell": "shell",
    "zsh": "shell",
    "console": "shell",
    "r": "R",
    "sql": "SQL",
    "html": "HTML",
    "xml": "XML",
    "css": "CSS",
    "json": "JSON",
    "yaml": "YAML",
    "yml": "YAML",
    "toml": "TOML",
    "tex": "LaTeX",
    "latex": "LaTeX",
    "md": "Markdown",
    "objc": "Objective C",
    "kt": "Kotlin",
    "rb": "Ruby",
    "hs": "Haskell",
    "ml": "OCaml",
    "jl": "Julia",
}
_NO_LANGUAGE = {"", "plaintext", "plain", "text", "txt", "none", "nohighlight", "output"}

# Named previews ForumMagnum renders for pasted links, by CSS class (or tag name).
_PREVIEWS = {
    "youtube-preview": "Embedded video from YouTube.",
    "metaculus-preview": "Embedded forecast from Metaculus.",
    "manifold-preview": "Embedded prediction market from Manifold.",
    "owid-preview": "Embedded chart from Our World in Data.",
    "strawpoll-embed": "Embedded poll.",
    "ck-poll": "Embedded poll.",
    "elicit-binary-prediction": "Embedded prediction.",
    "neuronpedia-preview": "Embedded feature from Neuronpedia.",
    "estimaker-preview": "Embedded estimate from Estimaker.",
    "viewpoints-preview": "Embedded survey from Viewpoints.",
    "thoughtSaverFrame": "Embedded flashcards.",
    "video": "Embedded video.",
    "audio": "Embedded audio.",
}
_SITE_EMBEDS = {
    "YouTube": "Embedded video from YouTube.",
    "Vimeo": "Embedded video from Vimeo.",
    "Twitter": "Embedded tweet.",
    "X": "Embedded tweet.",
    "Metaculus": _PREVIEWS["metaculus-preview"],
    "Manifold": _PREVIEWS["manifold-preview"],
    "Our World in Data": _PREVIEWS["owid-preview"],
}


def image_words(image: Tag | None, caption: str = "") -> str | None:
    """ "Image: {alt}. {caption}." leaving out file names and alt text like "image"."""
    alt = tidy(str(image.get("alt", ""))) if image is not None else ""
    if _FILE_NAME.search(alt) or alt.lower() in _GENERIC_ALT or looks_like_url(alt):
        alt = ""
    caption = tidy(caption)
    if caption and alt.rstrip(".").lower() == caption.rstrip(".").lower():
        alt = ""
    said = " ".join(sentence(part) for part in (alt, caption) if part)
    return f"Image: {said}" if said else None


def code_words(block: Tag) -> str:
    """ "A Python code block of 12 lines." The code itself is not read."""
    code = block.find("code")
    lines = block.get_text().strip("\n").splitlines()
    length = plural(max(1, len(lines)), "line")
    name = _language(block, code if isinstance(code, Tag) else None)
    phrase = with_article(f"{name} code block" if name else "code block")
    return f"{phrase[:1].upper()}{phrase[1:]} of {length}."


def _language(block: Tag, code: Tag | None) -> str:
    for element in (block, code):
        if element is None:
            continue
        declared = element.get("data-language")
        if declared:
            return _language_name(str(declared))
        for name in classes(element):
            if name.startswith(("language-", "lang-")):
                return _language_name(name.split("-", 1)[1])
    return ""


def _language_name(key: str) -> str:
    key = key.strip().lower()
    if key in _NO_LANGUAGE:
        return ""
    return _LANGUAGES.get(key, key[:1].upper() + key[1:])


def embed_words(element: Tag) -> str | None:
    """What an embedded widget is, or None when `element` is no embed."""
    for name in classes(element) | {element.name or ""}:
        if name in _PREVIEWS:
            return _PREVIEWS[name]
    if element.has_attr("data-lexical-tweet-id"):
        return "Embedded tweet."
    if element.has_attr("data-lexical-iframe-widget"):  # an author's own HTML/JS widget
        return "Embedded interactive widget."
    url = _embed_url(element)
    if url is None:
        return None
    return _words_for_url(url)


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
    site = site_name(url)
    return _SITE_EMBEDS.get(site) or f"Embedded content from {site}."
