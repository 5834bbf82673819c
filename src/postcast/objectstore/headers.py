"""Content types and Cache-Control by file suffix: the one table that `postcast serve` and
every storage backend use, so a feed looks the same from the site folder and from a bucket.
"""

from __future__ import annotations

import mimetypes
from pathlib import PurePosixPath

# Python's mimetypes lacks some of these (vtt, srt) and guesses text/xml for feeds.
CONTENT_TYPES = {
    ".mp3": "audio/mpeg",
    ".m4a": "audio/mp4",
    ".ogg": "audio/ogg",
    ".opus": "audio/ogg",
    ".vtt": "text/vtt; charset=utf-8",
    ".srt": "application/x-subrip; charset=utf-8",
    ".json": "application/json",
    ".xml": "application/rss+xml; charset=utf-8",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
}
# Feeds and pages change on every publish; media never does (enclosure URLs are not reused).
SHORT_CACHE_SUFFIXES = frozenset({".xml", ".html", ".json"})
SHORT_MAX_AGE_SECONDS = 300
LONG_MAX_AGE_SECONDS = 86400
# Audio is written once per key and never replaced (see Store.publish_bytes).
MEDIA_SUFFIXES = frozenset({".mp3", ".m4a", ".ogg", ".opus"})


def suffix_of(key: str) -> str:
    return PurePosixPath(key).suffix.lower()


def content_type_for(key: str) -> str:
    """The Content-Type `postcast serve` sends for `key`.

    Unknown suffixes fall back like Starlette's FileResponse does (mimetypes, then
    application/octet-stream), so the web server and the bucket agree on every file.
    """
    suffix = suffix_of(key)
    if suffix in CONTENT_TYPES:
        return CONTENT_TYPES[suffix]
    return mimetypes.guess_type(key)[0] or "application/octet-stream"


def cache_control_for(key: str) -> str:
    """The Cache-Control `postcast serve` sends for `key`: short for feeds and pages."""
    suffix = suffix_of(key)
    max_age = SHORT_MAX_AGE_SECONDS if suffix in SHORT_CACHE_SUFFIXES else LONG_MAX_AGE_SECONDS
    return f"public, max-age={max_age}"


def is_media(key: str) -> bool:
    """Whether `key` is audio, which is written once and never replaced."""
    return suffix_of(key) in MEDIA_SUFFIXES
