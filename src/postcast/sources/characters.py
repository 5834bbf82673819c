"""Characters no post may carry past the sources stage.

A forum's JSON, a feed or a web page can hold characters that XML 1.0 forbids (C0
controls other than tab and newlines, DEL, lone UTF-16 surrogates from a broken `\\ud83d`
escape, the noncharacters U+FFFE and U+FFFF). No voice says them, and one of them in a
title stopped every feed from being written (lxml refuses the string), so the pass that
stores posts takes them out of every text field, whichever source the post came from.
The controls that separate words (vertical tab, form feed, the information separators)
become spaces, so that "one\x0btwo" stays two words.
"""

from __future__ import annotations

import dataclasses
import re

from postcast.models import Post

XML_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
SEPARATORS = frozenset("\x0b\x0c\x1c\x1d\x1e\x1f")


def _safe(text: str) -> str:
    return XML_UNSAFE.sub(lambda found: " " if found[0] in SEPARATORS else "", text)


def without_unsafe_characters(post: Post) -> Post:
    """`post` with `XML_UNSAFE` characters taken out of its text and its lists of text."""
    changes: dict[str, object] = {}
    for field in dataclasses.fields(post):
        value = getattr(post, field.name)
        if isinstance(value, str) and XML_UNSAFE.search(value):
            changes[field.name] = _safe(value)
        elif isinstance(value, tuple) and any(
            isinstance(item, str) and XML_UNSAFE.search(item) for item in value
        ):
            changes[field.name] = tuple(_safe(item) for item in value)
    return dataclasses.replace(post, **changes) if changes else post  # type: ignore[arg-type]
