"""LocalStore: the site folder itself (the default backend, as `postcast run` writes today).

Content-Type and Cache-Control are not stored on disk: `postcast serve` derives them
from the suffix with the same table (`postcast.objectstore.headers`).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from postcast.atomic import atomic_output
from postcast.errors import ObjectMissingError
from postcast.leftovers import SITE_TEMPORARY, STALE_AFTER_SECONDS, remove_temporaries
from postcast.objectstore.base import CHUNK_BYTES, Store
from postcast.objectstore.keys import validate_key, validate_prefix


class LocalStore(Store):
    """Objects are files under `root`; a key is the file's path relative to it."""

    scheme = "file"

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    @classmethod
    def from_url(cls, url: str) -> LocalStore:
        """`file:///abs/folder` or a plain path."""
        return cls(Path(url.removeprefix("file://")))

    def location(self, key: str = "") -> str:
        return str(self.root / key) if key else str(self.root)

    def _path(self, key: str) -> Path:
        return self.root / validate_key(key)

    def put_stream(
        self,
        key: str,
        source: BinaryIO,
        content_type: str | None = None,
        cache_control: str | None = None,
    ) -> None:
        # atomic_output: a hidden temporary beside the target, fsync, os.replace,
        # removed on any failure.
        with atomic_output(self._path(key)) as temp_path, open(temp_path, "wb") as out:
            shutil.copyfileobj(source, out, CHUNK_BYTES)

    def stream(self, key: str, chunk_bytes: int = CHUNK_BYTES) -> Iterator[bytes]:
        path = self._path(key)
        try:
            handle = open(path, "rb")  # noqa: SIM115 -- closed by the generator below
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise ObjectMissingError(self.location(key)) from None
        return _chunks(handle, chunk_bytes)

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def size(self, key: str) -> int:
        path = self._path(key)
        if not path.is_file():
            raise ObjectMissingError(self.location(key))
        return path.stat().st_size

    def modified_at(self, key: str) -> float:
        try:
            return self._path(key).stat().st_mtime
        except (FileNotFoundError, NotADirectoryError):
            raise ObjectMissingError(self.location(key)) from None

    def holds(self, key: str, data: bytes) -> bool:
        path = self._path(key)
        try:
            return path.stat().st_size == len(data) and path.read_bytes() == data
        except OSError:
            return False

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def list(self, prefix: str = "") -> list[str]:
        validate_prefix(prefix)
        # Walk only the folder the prefix's complete components name, then filter the rest.
        folder = prefix.rpartition("/")[0]
        start = self.root / folder if folder else self.root
        keys: list[str] = []
        for directory, subdirectories, files in os.walk(start):
            subdirectories[:] = [name for name in subdirectories if not name.startswith(".")]
            relative = Path(directory).relative_to(self.root).as_posix()
            for name in files:
                key = name if relative == "." else f"{relative}/{name}"
                if not name.startswith(".") and key.startswith(prefix):
                    keys.append(key)
        return sorted(keys)

    def remove_stale_temporaries(self, older_than: float = STALE_AFTER_SECONDS) -> int:
        return remove_temporaries(self.root, SITE_TEMPORARY, older_than)


def _chunks(handle: BinaryIO, chunk_bytes: int) -> Iterator[bytes]:
    with handle:
        while chunk := handle.read(chunk_bytes):
            yield chunk
