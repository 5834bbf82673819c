"""Sentence-level audio cache: content-addressed, atomic, bounded, least-recently-used.

A key is sha256(engine identity, spoken text). Each entry is one FLAC file: small
(lossless 24-bit), and its frame CRCs and MD5 let a damaged entry be told apart from
a good one. Storage, atomic writes and eviction are `postcast.cachedir`'s.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import soundfile

from postcast import metrics
from postcast.cachedir import CacheDirectory, cache_root, default_cache_root
from postcast.config import SpeechConfig

if TYPE_CHECKING:
    from postcast.objectstore import Store

__all__ = ["CachedAudio", "SentenceCache", "cache_key", "default_cache_root"]
SUFFIX = ".flac"


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


class SentenceCache(CacheDirectory):
    """Audio of spoken sentences under `root/speech/ab/abcdef....flac` (and, with a
    `shared` store, under `cache/speech/` there too: see `postcast.cachedir`)."""

    def __init__(self, root: Path, max_bytes: int, shared: Store | None = None) -> None:
        super().__init__(root / "speech", SUFFIX, max_bytes, shared)

    @classmethod
    def from_config(cls, config: SpeechConfig, shared: Store | None = None) -> SentenceCache:
        root = cache_root(config.cache_dir)
        return cls(root, config.cache_max_mb * 1024 * 1024, shared)

    def has(self, key: str) -> bool:
        return self.fetch(key)

    @metrics.counts_lookups("sentence")
    def get(self, key: str) -> CachedAudio | None:
        """The entry for `key`, or None when absent or damaged (a damaged one is removed)."""
        if not self.fetch(key):
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
        self.touch(path)
        return CachedAudio(audio, int(sample_rate))

    def put(self, key: str, audio: np.ndarray, sample_rate: int) -> None:
        if not self.enabled or audio.size == 0:
            return
        self.write(
            key,
            lambda file: soundfile.write(file, audio, sample_rate, format="FLAC", subtype="PCM_24"),
        )
