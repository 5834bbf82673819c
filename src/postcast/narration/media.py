"""Things a listener cannot hear, described instead: images and code blocks.

Each describing function returns the narrator's raw words (normalised later by the
caller), or None when there is nothing worth saying. Verse shares code's `<pre>` but is
read: `verse_stanzas` tells the two apart.
"""

from __future__ import annotations

import re

from bs4 import Tag
from bs4.element import NavigableString, PageElement, PreformattedString

from postcast.narration.markup import classes, has_words
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
# `<pre>`s of verse, or prose whose line breaks matter, not code: WordPress's verse and
# preformatted blocks (its code block is `pre.wp-block-code`).
_VERSE = {"wp-block-verse", "wp-block-preformatted"}
_SUBSTACK_VERSE = "preformatted-block"  # Substack's `div.preformatted-block > pre.text`


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


def verse_stanzas(block: Tag) -> list[list[PageElement]] | None:
    """A verse block's stanzas, each as its nodes with every line end made a `<br>` (read
    as a pause, as in a paragraph); None when `block` is code."""
    if not _is_verse(block):
        return None
    _lines_as_breaks(block)
    stanzas: list[list[PageElement]] = [[]]
    between: list[PageElement] = []  # line breaks and spaces since the last words
    for node in list(block.children):
        if _is_gap(node):
            between.append(node)
            continue
        if sum(isinstance(gap, Tag) for gap in between) > 1 and stanzas[-1]:
            stanzas.append([])  # a blank line
        elif stanzas[-1]:
            stanzas[-1] += between
        between = []
        stanzas[-1].append(node)
    return [stanza for stanza in stanzas if stanza]


def _is_gap(node: PageElement) -> bool:
    """A line break, or what separates words without being any (spaces, a comment)."""
    return node.name == "br" if isinstance(node, Tag) else not has_words(node)


def _is_verse(block: Tag) -> bool:
    code = block.find("code")
    if isinstance(code, Tag) and tidy(code.get_text()) == tidy(block.get_text()):
        return False  # a verse or preformatted block used for code
    parent = block.parent
    substack = parent is not None and _SUBSTACK_VERSE in classes(parent)
    return bool(classes(block) & _VERSE) or (substack and "text" in classes(block))


def _lines_as_breaks(block: Tag) -> None:
    """Each newline in the block's text made a `<br>`, so lines end as a paragraph's do."""
    for text in block.find_all(string=True):
        if "\n" not in text or isinstance(text, PreformattedString):
            continue
        lines = str(text).replace("\r\n", "\n").split("\n")
        pieces: list[PageElement | str] = [lines[0]]
        for line in lines[1:]:
            pieces += [Tag(name="br", can_be_empty_element=True), line]
        text.replace_with(*(piece for piece in pieces if piece != ""))
