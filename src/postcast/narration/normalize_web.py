"""URLs, e-mail addresses, bare domain names and paper identifiers, read out symbol by symbol.

A narrator reads "https://www.example.com/a-b" as "HTTPS colon slash slash WWW dot example
dot com slash a dash b": letters as words, digits one at a time, every symbol named.
"""

from __future__ import annotations

import re

from postcast.narration.spoken_numbers import digits, year

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
# Identifiers in reference lists, which the number rules would read as quantities ("arXiv:
# 2401.12345" as "two thousand four hundred and one point..."): an arXiv number (new style,
# or old "hep-th/9901001") with its version, a DOI, a CVE.
_ARXIV = re.compile(
    r"\barxiv:\s?((?:\d{4}\.\d{4,5})|(?:[a-z-]+(?:\.[A-Z]{2})?/\d{7}))(?:v(\d+))?\b",
    re.IGNORECASE,
)
_DOI = re.compile(r"\bdoi:\s?(10\.\d{4,9}/[^\s<>\"]+)", re.IGNORECASE)
_CVE = re.compile(r"\bCVE-((?:19|20)\d\d)-(\d{4,7})\b")


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


def _arxiv(match: re.Match[str]) -> str:
    version = f", version {digits(match[2])}" if match[2] else ""
    return f"arXiv {speak_electronic(match[1])}{version}"


def _doi(match: re.Match[str]) -> str:
    body, tail = _split_trailing(match[1])
    return f"DOI {speak_electronic(body)}{tail}"


def normalize_identifiers(text: str) -> str:
    """arXiv numbers, DOIs and CVEs read out as identifiers ("arXiv two four zero one dot
    one two three four five", "CVE twenty twenty-four three zero nine four")."""
    if ":" in text:
        text = _DOI.sub(_doi, _ARXIV.sub(_arxiv, text))
    if "CVE-" in text:
        text = _CVE.sub(lambda found: f"CVE {year(int(found[1]))} {digits(found[2])}", text)
    return text


def normalize_electronic(text: str) -> str:
    """Replace every URL, e-mail address and bare domain in `text` by its spoken form."""
    if "." not in text and "@" not in text:
        return text
    text = _URL.sub(_replace, text)
    text = _EMAIL.sub(_replace, text)
    return _DOMAIN.sub(_replace, text)
