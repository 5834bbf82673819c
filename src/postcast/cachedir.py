"""A content-addressed cache folder: atomic entries, bounded size, least-recently-used.

Shared by the sentence cache (speech) and the mastered-chunk cache (audio). Entries
live under `directory/ab/abcdef...SUFFIX`; each is written to a temp file and renamed
into place, so concurrent writers and a SIGKILL can leave a stray temp file but never
a half-written entry. Recency is the file's mtime, touched on every hit; eviction
drops the oldest first. Hand-written because the libraries that bound a cache
(diskcache, cachetools) keep one SQLite index or live in memory: a folder of files
renamed into place is safe across processes and machines sharing a disk, with no lock.
A disk that refuses an entry (full, read-only) is a `WriteError` naming the cache file.

With a `shared` store (`[service] storage`), the folder is the fast first level of a
two-level cache: a local miss looks in the store (and keeps what it finds), and a new
entry goes to both, under `cache/<folder name>/ab/abcdef...SUFFIX`. Keys are content
addresses, so an entry one worker made is never made again by another; two workers
making the same entry at once only store it twice, each copy as good as the other.
The store is not bounded here (a bucket lifecycle rule may expire old entries), and a
store that fails is a miss, logged: the cache saves work, it is never needed for it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from postcast.atomic import new_temporary, written_to
from postcast.errors import ObjectMissingError, PostcastError
from postcast.leftovers import CACHE_PREFIX, CACHE_TEMPORARY, remove_temporaries

if TYPE_CHECKING:
    from postcast.objectstore import Store

logger = logging.getLogger(__name__)

EVICT_TO = 0.9  # evict down to this share of the bound, so puts don't evict one by one
SHARED_PREFIX = "cache"  # where caches live in a shared store, beside the published site


def default_cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "postcast"


def cache_root(cache_dir: str | None) -> Path:
    """`[speech] cache_dir` if set, else `$XDG_CACHE_HOME/postcast`: every cache's parent."""
    return Path(cache_dir).expanduser() if cache_dir else default_cache_root()


class CacheDirectory:
    """Files named by key under `directory`, at most `max_bytes` in all (0: disabled)."""

    def __init__(
        self, directory: Path, suffix: str, max_bytes: int, shared: Store | None = None
    ) -> None:
        self.directory = directory
        self.suffix = suffix
        self.max_bytes = max_bytes
        self.shared = shared  # the second level, shared by workers (None: this disk only)
        # Keys the store had not, for the life of this object (one render): a render asks
        # about each sentence twice (planning, then speaking); one request is enough.
        self._not_shared: set[str] = set()
        self._total_bytes: int | None = None  # learnt by a scan on the first put
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.max_bytes > 0

    def path_for(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}{self.suffix}"

    def shared_key(self, key: str) -> str:
        """The entry's key in the shared store: the local layout under `cache/`."""
        return f"{SHARED_PREFIX}/{self.directory.name}/{key[:2]}/{key}{self.suffix}"

    def fetch(self, key: str, *, share: bool = True) -> bool:
        """Whether the entry for `key` is on this disk, brought from the shared store on a
        local miss (so a worker with an empty disk uses what any worker made); with
        `share` false, this disk only."""
        if not self.enabled:
            return False
        if self.path_for(key).is_file():
            return True
        if self.shared is None or not share or key in self._not_shared:
            return False
        try:
            chunks = self.shared.stream(self.shared_key(key))
            path = self._write_local(key, lambda temp: _write_chunks(temp, chunks))
        except ObjectMissingError:
            self._not_shared.add(key)
            return False
        except PostcastError as error:
            logger.warning("shared cache: %s (treated as a miss)", error)
            return False
        self._account(path.stat().st_size)
        return True

    def _share(self, key: str, path: Path) -> None:
        """Offer a new entry to the other workers; only made after a miss in the store too,
        so each key is written once (or, by two workers at once, twice alike)."""
        if self.shared is None:
            return
        try:
            self.shared.put_file(self.shared_key(key), path)
        except PostcastError as error:
            logger.warning("shared cache: %s (kept on this disk only)", error)

    def touch(self, path: Path) -> None:
        """Mark an entry just used; if another process evicted it meanwhile, what the
        caller already read is still good."""
        with contextlib.suppress(FileNotFoundError):
            os.utime(path)

    def write(self, key: str, fill: Callable[[BinaryIO], object], *, share: bool = True) -> None:
        """Create the entry for `key` with `fill(file)`, atomically, then keep the bound."""

        def fill_path(temp: Path) -> None:
            with open(temp, "wb") as file:
                fill(file)

        self.write_path(key, fill_path, share=share)

    def write_path(self, key: str, make: Callable[[Path], object], *, share: bool = True) -> Path:
        """Create the entry for `key` by `make(temp_path)` (for writers that want a path,
        not a file), atomically, share it (unless `share` is false), then keep the bound;
        returns the entry's path."""
        path = self._write_local(key, make)
        if share:
            self._share(key, path)
        self._account(path.stat().st_size)
        return path

    def _write_local(self, key: str, make: Callable[[Path], object]) -> Path:
        path = self.path_for(key)
        # Not `atomic_output`: a cache entry needs no fsync (a lost one is made again),
        # and the fsyncs would cost a disk flush per sentence.
        temp = new_temporary(path.parent, CACHE_PREFIX, self.suffix, path)
        try:
            with written_to(path, temp):
                make(temp)
                os.replace(temp, path)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
        return path

    def _account(self, added: int) -> None:
        with self._lock:
            if self._total_bytes is None:
                self._total_bytes = self._scan_total()
            else:
                self._total_bytes += added
            over = self._total_bytes > self.max_bytes
        if over:
            self.evict()

    def _entries(self) -> list[tuple[float, int, Path]]:
        """(mtime, size, path) of every entry (temporaries are not entries)."""
        entries: list[tuple[float, int, Path]] = []
        if not self.directory.is_dir():
            return entries
        for shard in os.scandir(self.directory):
            if not shard.is_dir():
                continue
            for item in os.scandir(shard.path):
                try:
                    stat = item.stat()
                except FileNotFoundError:
                    continue
                if item.name.endswith(self.suffix) and not item.name.startswith(CACHE_PREFIX):
                    entries.append((stat.st_mtime, stat.st_size, Path(item.path)))
        return entries

    def _scan_total(self) -> int:
        return sum(size for _, size, _ in self._entries())

    def total_bytes(self) -> int:
        return self._scan_total()

    def evict(self) -> None:
        """Drop least-recently-used entries until the folder is under its bound, and the
        temporaries killed writers left."""
        remove_temporaries(self.directory, CACHE_TEMPORARY)
        entries = sorted(self._entries())
        total = sum(size for _, size, _ in entries)
        target = int(self.max_bytes * EVICT_TO)
        for _, size, path in entries:
            if total <= target:
                break
            path.unlink(missing_ok=True)
            total -= size
        with self._lock:
            self._total_bytes = total


def _write_chunks(path: Path, chunks: Iterator[bytes]) -> None:
    with open(path, "wb") as file:
        file.writelines(chunks)
