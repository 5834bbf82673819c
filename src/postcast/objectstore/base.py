"""The storage interface every backend implements, and the rules shared by all of them."""

from __future__ import annotations

import hashlib
import io
from abc import ABC, abstractmethod
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote

from postcast.errors import InputError, ObjectMissingError, PublishError
from postcast.leftovers import STALE_AFTER_SECONDS
from postcast.objectstore.headers import is_media
from postcast.objectstore.keys import validate_key

CHUNK_BYTES = 1024 * 1024


class Store(ABC):
    """Published files and shared caches, addressed by keys in the site folder's layout.

    Every write is atomic: a reader sees the old object or the new one, never part of
    either. Content-Type and Cache-Control default to what `postcast serve` sends for the
    key's suffix (`postcast.objectstore.headers`).
    """

    scheme: str

    @classmethod
    @abstractmethod
    def from_url(cls, url: str) -> Store:
        """The store a storage URL names (see `postcast.objectstore.registry`)."""

    @abstractmethod
    def location(self, key: str = "") -> str:
        """Where `key` lives, for messages: a path or an s3:// URL."""

    @abstractmethod
    def put_stream(
        self,
        key: str,
        source: BinaryIO,
        content_type: str | None = None,
        cache_control: str | None = None,
    ) -> None:
        """Store everything `source` yields under `key`, atomically, without holding it all
        in memory. If reading `source` fails, the old object (if any) stays as it was."""

    def put_file(
        self,
        key: str,
        path: Path,
        content_type: str | None = None,
        cache_control: str | None = None,
    ) -> None:
        """Store the file at `path` under `key`, atomically and streamed (a long MP3 is
        never read into memory whole)."""
        validate_key(key)
        with open_source(path) as source:
            self.put_stream(key, source, content_type, cache_control)

    @abstractmethod
    def stream(self, key: str, chunk_bytes: int = CHUNK_BYTES) -> Iterator[bytes]:
        """The object's bytes in chunks; ObjectMissingError if there is none."""

    @abstractmethod
    def exists(self, key: str) -> bool: ...

    @abstractmethod
    def size(self, key: str) -> int:
        """The object's length in bytes; ObjectMissingError if there is none."""

    @abstractmethod
    def modified_at(self, key: str) -> float:
        """When the object was last written (seconds since the epoch); ObjectMissingError
        if there is none."""

    def holds(self, key: str, data: bytes) -> bool:
        """Whether `key` holds exactly `data`: republishing an identical file would only
        change its ETag and make podcast apps download it again."""
        try:
            return self.size(key) == len(data) and self.get_bytes(key) == data
        except ObjectMissingError:
            return False

    @abstractmethod
    def delete(self, key: str) -> None:
        """Remove the object; deleting a missing one is not an error (idempotent)."""

    @abstractmethod
    def list(self, prefix: str = "") -> list[str]:
        """Every key starting with `prefix` (a plain string prefix, as in S3), sorted."""

    @abstractmethod
    def remove_stale_temporaries(self, older_than: float = STALE_AFTER_SECONDS) -> int:
        """Discard what writers killed mid-write left behind (hidden temporary files,
        unfinished multipart uploads) untouched for `older_than` seconds; return how many.
        Writers still at work keep theirs, so any process may sweep at start-up."""

    def put_bytes(
        self,
        key: str,
        data: bytes,
        content_type: str | None = None,
        cache_control: str | None = None,
    ) -> None:
        """Store `data` under `key`, atomically, replacing any object there."""
        self.put_stream(key, io.BytesIO(data), content_type, cache_control)

    def get_bytes(self, key: str) -> bytes:
        return b"".join(self.stream(key))

    def url_for(self, key: str, base_url: str) -> str:
        """The public URL of `key` under `base_url` (the site, or a CDN before the bucket)."""
        return f"{base_url.rstrip('/')}/{quote(validate_key(key))}"

    def publish_bytes(self, key: str, data: bytes) -> bool:
        """Publish `data` under `key` by the publishing rule; True if anything was written.

        Feeds, pages and other files are replaced. Media keys are written once: the same
        audio again is a no-op (so a retried task is harmless) and different audio is a
        PublishError, because podcast apps cache enclosures by URL forever.
        """
        if is_media(key) and self.exists(key):
            self._refuse_different_media(key, hashlib.sha256(data).digest(), len(data))
            return False
        self.put_bytes(key, data)
        return True

    def publish_file(self, key: str, path: Path) -> bool:
        """`publish_bytes` for a file on disk, streamed."""
        if is_media(key) and self.exists(key):
            self._refuse_different_media(key, _file_sha256(path), Path(path).stat().st_size)
            return False
        self.put_file(key, path)
        return True

    def _refuse_different_media(self, key: str, digest: bytes, length: int) -> None:
        if self.size(key) == length and self._sha256(key) == digest:
            return
        raise PublishError(
            f"{self.location(key)}: already published with different audio; a media key "
            "is never reused (podcast apps cache enclosures by URL), publish under a new key"
        )

    def _sha256(self, key: str) -> bytes:
        digest = hashlib.sha256()
        for chunk in self.stream(key):
            digest.update(chunk)
        return digest.digest()


def open_source(path: Path) -> BinaryIO:
    """A file to store, opened for reading; InputError naming it if it cannot be."""
    try:
        return open(path, "rb")
    except OSError as error:
        raise InputError(path, f"cannot read the file to store: {error.strerror}") from None


def _file_sha256(path: Path) -> bytes:
    digest = hashlib.sha256()
    with open_source(path) as handle:
        while chunk := handle.read(CHUNK_BYTES):
            digest.update(chunk)
    return digest.digest()
