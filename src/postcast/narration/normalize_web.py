"""URLs, e-mail addresses and bare domain names, read out symbol by symbol.

A narrator reads "https://www.example.com/a-b" as "HTTPS colon slash slash WWW dot example
dot com slash a dash b": letters as words, digits one at a time, every symbol named.
"""

from __future__ import annotations

import re

from postcast.narration.spoken_numbers import digits

_SYMBOL_NAMES = {
    ".": "dot",
    "/": "slash",
    ":": "colon",
    "-": "dash",
    "_": "underscore",
    "@": "at",
    "&": "ampersand",
    "?": "question mark",
    "=": "equals",
    "#": "hash",
    "%": "percent",
    "+": "plus",
    "~": "tilde",
}
# Letter runs that a listener expects spelled out or said in a fixed way.
_SPOKEN_RUNS = {
    "http": "HTTP",
    "https": "HTTPS",
    "www": "WWW",
    "ftp": "FTP",
    "jpg": "jpeg",
    "html": "HTML",
    "htm": "HTM",
    "pdf": "PDF",
    "png": "PNG",
    "svg": "SVG",
    "gif": "GIF",
    "css": "CSS",
    "php": "PHP",
    "xml": "XML",
    "json": "JSON",
}
_TRAILING_PUNCTUATION = ".,;:!?)]}'\"»”’"
_URL = re.compile(r"\b(?:[A-Za-z][A-Za-z0-9+.-]*://|www\.)[^\s<>\"'`]+", re.IGNORECASE)
_EMAIL = re.compile(
    r"(?=[\w.%+&-])(?<![\w.@-])[\w.%+&-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?:/[\w./-]*)?"
)
# A bare domain or file name: labels of two or more characters starting with a letter and a
# lower-case top-level part ("lesswrong.com", "Node.js"); single letters ("e.g", "U.S") never.
_DOMAIN = re.compile(
    r"(?<![\w.@/-])[A-Za-z][\w-]+(?:\.[A-Za-z0-9][\w-]*)*\.[a-z]{2,10}(?:/[\w./%?=&#+~-]*)?(?![\w@])"
)
_PIECES = re.compile(r"[A-Za-z]+|\d+|.", re.DOTALL)


def speak_electronic(token: str) -> str:
    """Read one URL, address or domain: letter runs as words, digits singly, symbols named."""
    words: list[str] = []
    pieces = _PIECES.findall(token)
    for index, piece in enumerate(pieces):
        if piece.isdecimal():
            words.append(digits(piece))
        elif piece.isalpha():
            words.append(_speak_letters(piece, is_last=index == len(pieces) - 1))
        elif piece in _SYMBOL_NAMES:
            words.append(_SYMBOL_NAMES[piece])
    return " ".join(words)


def _speak_letters(run: str, is_last: bool) -> str:
    spoken = _SPOKEN_RUNS.get(run.lower())
    if spoken:
        return spoken
    if is_last and len(run) == 2 and run.islower():
        # Two-letter endings are country codes: dotted capitals make the voice spell them
        # ("D.E", not the word "de"), and no final dot can end a sentence.
        return ".".join(run.upper())
    return run


def _split_trailing(token: str) -> tuple[str, str]:
    body = token.rstrip(_TRAILING_PUNCTUATION)
    return body, token[len(body) :]


def _replace(match: re.Match[str]) -> str:
    body, tail = _split_trailing(match.group(0))
    if not body:
        return match.group(0)
    return speak_electronic(body) + tail


def normalize_electronic(text: str) -> str:
    """Replace every URL, e-mail address and bare domain in `text` by its spoken form."""
    if "." not in text and "@" not in text:
        return text
    text = _URL.sub(_replace, text)
    text = _EMAIL.sub(_replace, text)
    return _DOMAIN.sub(_replace, text)
