"""Bracketed citations in running text: "as argued in [1]" is "as argued in reference 1".

Footnote markers never get here (the inline reader drops them), so a bracketed number left
in the text is a citation of a reference list, or, at the start of a paragraph, the label
of an entry in that list ("[1] Christiano, P. ..." is "Reference 1: Christiano, P. ...").
Numbers stay digits; the normaliser says them.
"""

from __future__ import annotations

import re

from postcast.narration.spoken import join_names

_NUMBERS = r"\d{1,4}(?:\s*[-–—]\s*\d{1,4})?(?:\s*,\s*\d{1,4}(?:\s*[-–—]\s*\d{1,4})?)*"
# Not an index (x_1[2], a[0], f(x)[1]) nor a link label followed by "(": a citation.
_CITATION = re.compile(rf"(?<![\d_\]\)\[])(?<!\b[A-Za-z])\[\s*({_NUMBERS})\s*\](?!\()")
_ENTRY_LABEL = re.compile(r"^\s*\[\s*(\d{1,4})\s*\]\s*(?=\S)")
_RANGE = re.compile(r"\s*[-–—]\s*")


def speak_citations(text: str) -> str:
    """Citation brackets in `text` as words; an entry label at the very start as one too."""
    text = _ENTRY_LABEL.sub(lambda found: f"Reference {found.group(1)}: ", text, count=1)
    return _CITATION.sub(_cited, text)


def _cited(found: re.Match[str]) -> str:
    items = [item.strip() for item in found.group(1).split(",")]
    said = [" to ".join(_RANGE.split(item)) for item in items]
    several = len(items) > 1 or " to " in said[0]
    words = f"{'references' if several else 'reference'} {join_names(said)}"
    before = found.string[found.start() - 1 : found.start()]
    glued = bool(before) and not before.isspace() and before not in "(["  # "claim.[1]"
    return f" {words}" if glued else words
