"""Bracketed citations in running text: "as argued in [1]" is "as argued in reference 1".

Footnote markers never get here (the inline reader drops them), so a bracketed number left
in the text is a citation of a reference list, or, at the start of a paragraph, the label
of an entry in that list ("[1] Christiano, P. ..." is "Reference 1: Christiano, P. ...").
Numbers stay digits; the normaliser says them.
"""

from __future__ import annotations

import re

from postcast.narration.spoken import join_names

# One to three digits: "[2019]" is a year in brackets, not the 2019th reference.
_NUMBERS = r"\d{1,3}(?:\s*[-–—]\s*\d{1,3})?(?:\s*,\s*\d{1,3}(?:\s*[-–—]\s*\d{1,3})?)*"
# Not an index (x_1[2], a[0], f(x)[1]) nor a link label followed by "(": a citation.
_CITATION = re.compile(rf"(?<![\d_\]\)\[])(?<!\b[A-Za-z])\[\s*({_NUMBERS})\s*\](?!\()")
_ENTRY_LABEL = re.compile(r"^\s*\[\s*(\d{1,3})\s*\]\s*(?=\S)")
_RANGE = re.compile(r"\s*[-–—]\s*")
_WORD_BEFORE = re.compile(r"\w\s*$")
# Words after which the citation is the object ("as argued in [1]"): no commas around it.
_WANTS_OBJECT = re.compile(
    r"\b(?:in|see|by|from|of|to|cf|and|or|also|with|under|per|following|including|like|as|"
    r"e\.g|i\.e|especially|eg|ie)\.?\s*$",
    re.IGNORECASE,
)
_WORD_AFTER = re.compile(r"\s+\w")


def speak_citations(text: str) -> str:
    """Citation brackets in `text` as words; an entry label at the very start as one too."""
    text = _ENTRY_LABEL.sub(lambda found: f"Reference {found.group(1)}: ", text, count=1)
    return _CITATION.sub(_cited, text)


def _cited(found: re.Match[str]) -> str:
    items = [item.strip() for item in found.group(1).split(",")]
    said = [" to ".join(_RANGE.split(item)) for item in items]
    several = len(items) > 1 or " to " in said[0]
    words = f"{'references' if several else 'reference'} {join_names(said)}"
    # the words around it, not the whole text: one enormous paragraph stays linear
    before = found.string[max(0, found.start() - 40) : found.start()]
    after = found.string[found.end() : found.end() + 40]
    if _WORD_BEFORE.search(before) and not _WANTS_OBJECT.search(before):
        # "work on agents [1], with" is "work on agents, reference 1, with"; "in [1]" stays.
        words = f", {words}" + ("," if _WORD_AFTER.match(after) else "")
    elif before and not before[-1].isspace() and before[-1] not in "([":  # "shown.[4]"
        words = f" {words}"
    return words
