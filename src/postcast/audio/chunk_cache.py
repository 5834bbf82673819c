"""The mastered-chunk cache: a segment's MP3 frames, keyed by what went into them.

The key is the speech stage's segment key (the sentences' cache keys, the pauses, the
voice's sample rate) plus every audio setting and the mastering code's version, so an
entry is reused only where mastering again would give interchangeable audio. Entries
are `.npz` files (numpy's zip of arrays, CRC-checked) in a `postcast.cachedir` folder
beside the sentence cache.
"""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

import lameenc
import numpy as np

from postcast import metrics
from postcast.audio.chunks import MasteredChunk
from postcast.audio.encode import LAME_QUALITY
from postcast.cachedir import CacheDirectory, cache_root
from postcast.config import AudioConfig, SpeechConfig

if TYPE_CHECKING:
    from postcast.objectstore import Store

SUFFIX = ".npz"
# Bump when mastering changes what it makes from the same input.
MASTERING_VERSION = "2"  # 2: segments mastered sentence by sentence


class ChunkCache(CacheDirectory):
    """Mastered chunks under `root/mastered/`; `claim` holds one in memory until `take`."""

    def __init__(
        self, root: Path, max_bytes: int, cfg: AudioConfig, shared: Store | None = None
    ) -> None:
        super().__init__(root / "mastered", SUFFIX, max_bytes, shared)
        self.settings = "|".join(
            str(part)
            for part in (
                MASTERING_VERSION,
                cfg.sample_rate,
                cfg.bitrate_kbps,
                cfg.loudness_lufs,
                cfg.true_peak_dbtp,
                LAME_QUALITY,
                getattr(lameenc, "__version__", "?"),
            )
        )
        self._claimed: dict[str, MasteredChunk] = {}

    @classmethod
    def from_config(
        cls, speech: SpeechConfig, audio: AudioConfig, shared: Store | None = None
    ) -> ChunkCache:
        root = cache_root(speech.cache_dir)
        return cls(root, audio.cache_max_mb * 1024 * 1024, audio, shared)

    def key_for(self, segment_key: str) -> str:
        return hashlib.sha256(f"{self.settings}|{segment_key}".encode()).hexdigest()

    def has(self, segment_key: str) -> bool:
        return segment_key in self._claimed or self.fetch(self.key_for(segment_key))

    @metrics.counts_lookups("segment")
    def claim(self, segment_key: str) -> bool:
        """Load the chunk for `segment_key` and hold it for `take`; False if absent."""
        if segment_key in self._claimed:
            return True
        chunk = self.get(segment_key)
        if chunk is None:
            return False
        self._claimed[segment_key] = chunk
        return True

    def take(self, segment_key: str) -> MasteredChunk | None:
        """The chunk `claim` holds (released), else the stored one, else None."""
        return self._claimed.pop(segment_key, None) or self.get(segment_key)

    @property
    def pieces(self) -> LocalPieces:
        """Where a segment's sentence pieces are kept (`audio.pieces`): this folder only."""
        return LocalPieces(self)

    def get(self, segment_key: str, *, share: bool = True) -> MasteredChunk | None:
        """The stored chunk, or None when absent or damaged (a damaged one is removed);
        with `share` false, from this disk only."""
        key = self.key_for(segment_key)
        if not self.fetch(key, share=share):
            return None
        path = self.path_for(key)
        try:
            with np.load(path, allow_pickle=False) as entry:
                chunk = MasteredChunk(
                    mp3=entry["mp3"].tobytes(),
                    samples=int(entry["samples"]),
                    loudness_steps=entry["steps"],
                    true_peak_dbtp=float(entry["peak"]),
                    sentence_spans=tuple((float(a), float(b)) for a, b in entry["spans"]),
                    limiter_loss_db=float(entry["loss"]),
                )
        except FileNotFoundError:
            return None
        except (zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError):
            path.unlink(missing_ok=True)
            return None
        self.touch(path)
        return chunk

    def put(self, segment_key: str, chunk: MasteredChunk, *, share: bool = True) -> None:
        if not self.enabled:
            return
        spans = np.asarray(chunk.sentence_spans, dtype=np.float64).reshape(-1, 2)
        self.write(
            self.key_for(segment_key),
            lambda file: np.savez(
                file,
                mp3=np.frombuffer(chunk.mp3, dtype=np.uint8),
                samples=np.int64(chunk.samples),
                steps=chunk.loudness_steps,
                peak=np.float64(chunk.true_peak_dbtp),
                spans=spans,
                loss=np.float64(chunk.limiter_loss_db),
            ),
            share=share,
        )


class LocalPieces:
    """A chunk cache's sentence pieces, on this machine's disk only: they spare a re-render
    here re-mastering a paragraph for one edited sentence, and are not worth the shared
    store's requests (a few per segment, each a round trip to S3) on every cold render."""

    def __init__(self, cache: ChunkCache) -> None:
        self.cache = cache

    def get(self, key: str) -> MasteredChunk | None:
        return self.cache.get(key, share=False)

    def put(self, key: str, chunk: MasteredChunk) -> None:
        self.cache.put(key, chunk, share=False)
