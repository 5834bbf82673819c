"""Sentence-level audio cache: content-addressed, atomic, bounded, least-recently-used.

A key is sha256(engine identity, spoken text). Each entry is one FLAC file: small
(lossless 24-bit), and its frame CRCs and MD5 let a damaged entry be told apart from
a good one. Entries are written to a temp file and renamed into place, so concurrent
renders and a SIGKILL can leave a stray temp file but never a half-written entry.
Recency is the file's mtime, touched on every hit; eviction drops the oldest first.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile

from postcast.config import SpeechConfig

SUFFIX = ".flac"
TEMP_PREFIX = ".tmp-"
STALE_TEMP_SECONDS = 3600.0  # a temp file this old belongs to a killed writer
EVICT_TO = 0.9  # evict down to this share of the bound, so puts don't evict one by one


def default_cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "postcast"


def cache_key(identity: str, text: str) -> str:
    digest = hashlib.sha256()
    for part in (identity, text):
        encoded = part.encode("utf-8")
        digest.update(len(encoded).to_bytes(8, "big"))  # length-prefixed: no ambiguity
        digest.update(encoded)
    return digest.hexdigest()


@dataclass(frozen=True)
class CachedAudio:
    audio: np.ndarray
    sample_rate: int


class SentenceCache:
    """Audio of spoken sentences under `root/speech/ab/abcdef....flac`."""

    def __init__(self, root: Path, max_bytes: int) -> None:
        self.directory = root / "speech"
        self.max_bytes = max_bytes
        self._total_bytes: int | None = None  # learnt by a scan on the first put
        self._lock = threading.Lock()

    @classmethod
    def from_config(cls, config: SpeechConfig) -> SentenceCache:
        root = Path(config.cache_dir).expanduser() if config.cache_dir else default_cache_root()
        return cls(root, config.cache_max_mb * 1024 * 1024)

    @property
    def enabled(self) -> bool:
        return self.max_bytes > 0

    def path_for(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}{SUFFIX}"

    def get(self, key: str) -> CachedAudio | None:
        """The entry for `key`, or None when absent or damaged (a damaged one is removed)."""
        if not self.enabled:
            return None
        path = self.path_for(key)
        try:
            audio, sample_rate = soundfile.read(path, dtype="float32", always_2d=False)
        except FileNotFoundError:
            return None
        except (soundfile.LibsndfileError, RuntimeError, ValueError, OSError):
            path.unlink(missing_ok=True)
            return None
        if audio.ndim != 1 or audio.size == 0:
            path.unlink(missing_ok=True)
            return None
        # A hit makes the entry the most recently used; if another render evicted it
        # meanwhile, the audio already read is still good.
        with contextlib.suppress(FileNotFoundError):
            os.utime(path)
        return CachedAudio(audio, int(sample_rate))

    def put(self, key: str, audio: np.ndarray, sample_rate: int) -> None:
        if not self.enabled or audio.size == 0:
            return
        path = self.path_for(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp_name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=SUFFIX, dir=path.parent)
        try:
            with os.fdopen(handle, "wb") as file:
                soundfile.write(file, audio, sample_rate, format="FLAC", subtype="PCM_24")
            os.replace(temp_name, path)
        except BaseException:
            Path(temp_name).unlink(missing_ok=True)
            raise
        self._account(path.stat().st_size)

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
        """(mtime, size, path) of every entry; stale temp files are removed on the way."""
        entries: list[tuple[float, int, Path]] = []
        if not self.directory.is_dir():
            return entries
        now = time.time()
        for shard in os.scandir(self.directory):
            if not shard.is_dir():
                continue
            for item in os.scandir(shard.path):
                try:
                    stat = item.stat()
                except FileNotFoundError:
                    continue
                if item.name.startswith(TEMP_PREFIX):
                    if now - stat.st_mtime > STALE_TEMP_SECONDS:
                        Path(item.path).unlink(missing_ok=True)
                elif item.name.endswith(SUFFIX):
                    entries.append((stat.st_mtime, stat.st_size, Path(item.path)))
        return entries

    def _scan_total(self) -> int:
        return sum(size for _, size, _ in self._entries())

    def total_bytes(self) -> int:
        return self._scan_total()

    def evict(self) -> None:
        """Drop least-recently-used entries until the cache is under its bound."""
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
