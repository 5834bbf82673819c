"""Things a listener cannot hear, described instead: images and code blocks.

Each function returns the narrator's raw words (normalised later by the caller), or None
when there is nothing worth saying.
"""

from __future__ import annotations

import re

from bs4 import Tag
from bs4.element import NavigableString

from postcast.narration.markup import classes
from postcast.narration.spoken import looks_like_url, plural, sentence, tidy, with_article

_FILE_NAME = re.compile(r"\.(?:png|jpe?g|gif|webp|svg|bmp|tiff?|avif)$", re.IGNORECASE)
_GENERIC_ALT = {"image", "img", "picture", "photo", "figure", "graphic", "screenshot", "alt"}
# What a screenshot tool or a camera names a file, used as the alt text: no description.
_DEFAULT_NAME = re.compile(
    r"^(?:screen ?shot|screenshot_|image|img|photo|pasted image|clipboard)[\s_-]*"
    r"(?:[\d\s.:_-]|\bat\b)*(?:[ap]\.?m\.?)?(?:\s*\(\d+\))?$",
    re.IGNORECASE,
)

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


def image_words(image: Tag | None, caption: str = "") -> str | None:
    """ "Image: {alt}. {caption}." leaving out file names and alt text like "image"."""
    alt = tidy(str(image.get("alt", ""))) if image is not None else ""
    generic = alt.lower() in _GENERIC_ALT or _DEFAULT_NAME.match(alt)
    if _FILE_NAME.search(alt) or generic or looks_like_url(alt):
        alt = ""
    caption = tidy(caption)
    if caption and alt.rstrip(".").lower() == caption.rstrip(".").lower():
        alt = ""
    said = " ".join(sentence(part) for part in (alt, caption) if part)
    return f"Image: {said}" if said else None


def code_words(block: Tag) -> str:
    """ "A Python code block of 12 lines." The code itself is not read."""
    code = block.find("code")
    length = plural(max(1, code_lines(block)), "line")
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


def code_lines(block: Tag) -> int:
    """Lines of code in a block: Lexical separates them by `<br>`, the others by newlines."""
    text = "".join(
        "\n" if isinstance(node, Tag) else str(node)
        for node in block.descendants
        if isinstance(node, NavigableString) or (isinstance(node, Tag) and node.name == "br")
    )
    return len(text.strip("\n").splitlines())
