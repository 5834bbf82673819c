"""Storage backends for everything postcast publishes, and for the shared caches.

How the pipeline uses them (`postcast.passes`, `postcast.publishing`, `postcast.cachedir`):

- `[service] storage` (default: the site folder) goes through `open_store`, which picks
  the backend by URL scheme: a folder path or `file:///folder` gives `LocalStore`,
  `s3://bucket/prefix` gives `S3Store` (endpoint and credentials from `AWS_ENDPOINT_URL`,
  `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_DEFAULT_REGION`).
- Keys are the site folder's layout, whatever the backend: `feed.xml` is the main feed,
  so on S3 it is `prefix/feed.xml`. Publishing writes media first with `publish_file`
  (write-once: the same audio again is a no-op, so a redelivered task is harmless, and
  different audio under a used key is refused), then transcripts, chapters and pages, and
  the feeds last with `publish_bytes` (replaced atomically: never half-written), so a feed
  never names an enclosure that is not there yet.
- Enclosure URLs are the key under `base_url` (the site, or the CDN in front of the
  bucket), as `store.url_for` makes them; `store.size(key)` gives the enclosure length.
- Content-Type and Cache-Control come from `postcast.objectstore.headers`, the table
  `postcast serve` uses too, so a bucket behind a CDN answers like the web server.
- Sentence and segment caches are content-addressed keys (`cache/speech/ab/<sha256>.flac`,
  `cache/mastered/ab/<sha256>.npz`) put with `put_file` and read with `stream`, shared by
  workers behind each machine's own cache folder (`postcast.cachedir`).
"""

from __future__ import annotations

from postcast.errors import ObjectMissingError
from postcast.objectstore.base import Store
from postcast.objectstore.headers import cache_control_for, content_type_for, is_media
from postcast.objectstore.keys import validate_key
from postcast.objectstore.registry import (
    BACKENDS,
    as_store,
    cache_store,
    is_folder,
    open_store,
    site_store,
)

__all__ = [
    "BACKENDS",
    "ObjectMissingError",
    "Store",
    "as_store",
    "cache_control_for",
    "cache_store",
    "content_type_for",
    "is_folder",
    "is_media",
    "open_store",
    "site_store",
    "validate_key",
]
