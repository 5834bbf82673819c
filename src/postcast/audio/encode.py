"""Incremental MP3 encoding (LAME via `lameenc`) and atomic file output."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import lameenc
import numpy as np

from postcast.errors import InputError

MIN_BITRATE_KBPS = 64
MAX_BITRATE_KBPS = 96
# 0 best .. 9 fastest. LAME's default 5: twice as fast as 2 (the calibration encodes
# minutes of audio several times) and no audible difference on 64 kbps speech.
LAME_QUALITY = 5


class Mp3Encoder:
    """Mono constant-bitrate MP3: feed float chunks, get MP3 bytes back."""

    def __init__(self, sample_rate: int, bitrate_kbps: int) -> None:
        if not MIN_BITRATE_KBPS <= bitrate_kbps <= MAX_BITRATE_KBPS:
            raise InputError(
                "audio.bitrate_kbps",
                f"{bitrate_kbps} is outside {MIN_BITRATE_KBPS}..{MAX_BITRATE_KBPS}",
            )
        self._encoder = lameenc.Encoder()
        self._encoder.set_bit_rate(bitrate_kbps)
        self._encoder.set_in_sample_rate(sample_rate)
        self._encoder.set_out_sample_rate(sample_rate)  # never let LAME resample
        self._encoder.set_channels(1)
        self._encoder.set_quality(LAME_QUALITY)

    def encode(self, samples: np.ndarray) -> bytes:
        # The limiter keeps peaks below full scale; clip only guards rounding.
        pcm = np.clip(np.round(samples * 32767.0), -32768, 32767).astype("<i2")
        return bytes(self._encoder.encode(pcm.tobytes()))

    def flush(self) -> bytes:
        return bytes(self._encoder.flush())


def _fsync_directory(folder: Path) -> None:
    with contextlib.suppress(OSError):  # some file systems cannot fsync a folder
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


@contextlib.contextmanager
def atomic_output(path: Path) -> Iterator[tuple[BinaryIO, Path]]:
    """Write `path` all or nothing: a temp file beside it, fsync, then `os.replace`.

    Yields the open temp file and its path (to read back what was written).

    On any error the temp file is removed and an existing `path` is left as it was.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temp_name = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=".part", dir=path.parent
    )
    try:
        with os.fdopen(descriptor, "wb") as stream:
            os.fchmod(stream.fileno(), 0o644)  # mkstemp's 0600 would hide it from web servers
            yield stream, Path(temp_name)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_name)
        raise
    _fsync_directory(path.parent)


@contextlib.contextmanager
def scratch_file(folder: Path, suffix: str) -> Iterator[Path]:
    """A temporary file in `folder` (beside the output, not on a RAM-backed /tmp)."""
    folder.mkdir(parents=True, exist_ok=True)
    descriptor, name = tempfile.mkstemp(prefix=".postcast-", suffix=suffix, dir=folder)
    os.close(descriptor)
    try:
        yield Path(name)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(name)
