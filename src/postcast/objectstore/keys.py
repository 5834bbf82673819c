"""Object keys: POSIX relative paths inside the site folder (or under the bucket prefix).

A key is checked before any backend sees it, so a bad one fails the same way on a folder
and on a bucket, and can never climb out of the folder or name a hidden temporary.
"""

from __future__ import annotations

import re

from postcast.errors import InputError

# S3's limit, in UTF-8 bytes; applied to every backend so a key that works on a folder
# also works on a bucket.
MAX_KEY_BYTES = 1024
# S3's bucket naming rules: 3-63 lowercase letters, digits, dots and hyphens.
BUCKET_NAME = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")


def validate_key(key: str) -> str:
    """Return `key` unchanged if it is a safe relative POSIX path; else raise InputError."""
    problem = key_problem(key)
    if problem:
        raise InputError(f"object key {key!r}", problem)
    return key


def key_problem(key: str) -> str | None:
    if not isinstance(key, str) or not key:
        return "must be a non-empty string"
    if "\\" in key:
        return "must use '/' as separator, not a backslash"
    if key.startswith("/"):
        return "must be relative (no leading '/')"
    if any(ord(char) < 32 or ord(char) == 127 for char in key):
        return "must not contain control characters"
    if len(key.encode("utf-8")) > MAX_KEY_BYTES:
        return f"is longer than {MAX_KEY_BYTES} bytes"
    for part in key.split("/"):
        if not part:
            return "must not have empty path components ('//' or a trailing '/')"
        if part in {".", ".."}:
            return f"must not contain a {part!r} component"
        if part.startswith("."):
            # Dot-files are the atomic writers' temporaries; the web server hides them.
            return f"must not contain a hidden (dot-prefixed) component {part!r}"
    return None


def validate_prefix(prefix: str) -> str:
    """A listing/location prefix: empty, or a key, optionally ending in '/'."""
    stripped = prefix.rstrip("/")
    if stripped:
        validate_key(stripped)
    return prefix
