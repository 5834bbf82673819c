"""The mastering chain: gain, true-peak limiter, MP3 encoder, streaming.

Gain alone would hit -16 LUFS, but speech has 18-20 dB between its loudness and
its peaks, so the limiter must take 2-4 dB off the peaks, which lowers the
loudness by 1-2 LU; MP3's low-pass then removes a little more (K-weighting
counts high frequencies extra). So whoever runs the chain checks its output
decoded and runs it again with corrected settings (`chunks.master_segment`).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from postcast.audio.encode import Mp3Encoder
from postcast.audio.limiter import TruePeakLimiter
from postcast.config import AudioConfig

# The limiter first aims this far below the configured true-peak ceiling: MP3
# encoding (band-limiting, quantisation) makes decoded peaks overshoot a little.
MP3_HEADROOM_DB = 1.0


@dataclass(frozen=True)
class Mastering:
    gain_db: float
    ceiling_dbtp: float


def limit(
    blocks: Iterable[np.ndarray], total: int, settings: Mastering, rate: int
) -> Iterator[np.ndarray]:
    """`total` samples with gain and true-peak limiting, in order and lined up with the
    input: the limiter's delay line is dropped from the front and flushed at the end."""
    limiter = TruePeakLimiter(rate, settings.ceiling_dbtp)
    gain = 10.0 ** (settings.gain_db / 20.0)
    to_skip, done = limiter.latency, 0
    outputs = itertools.chain((limiter.process(block * gain) for block in blocks), [None])
    for output in outputs:
        output = limiter.flush() if output is None else output  # only once input ends
        skipped = min(to_skip, len(output))
        output, to_skip = output[skipped:], to_skip - skipped
        output = output[: total - done]
        if len(output):
            done += len(output)
            yield output


def run_chain(
    blocks: Iterable[np.ndarray],
    total: int,
    settings: Mastering,
    cfg: AudioConfig,
    write: Callable[[bytes], object],
) -> None:
    """Gain, limit and encode `total` samples at the output rate into `write`.

    LAME (which releases the GIL) encodes one block in a worker thread while the
    next is limited: at most one block waits, so memory stays flat.
    """
    encoder = Mp3Encoder(cfg.sample_rate, cfg.bitrate_kbps)
    pending: Future[object] | None = None
    with ThreadPoolExecutor(max_workers=1) as worker:
        for block in limit(blocks, total, settings, cfg.sample_rate):
            if pending is not None:
                pending.result()  # in order, and any error surfaces here
            pending = worker.submit(_encode_into, encoder, block, write)
        if pending is not None:
            pending.result()
    write(encoder.flush())


def _encode_into(encoder: Mp3Encoder, block: np.ndarray, write: Callable[[bytes], object]) -> None:
    write(encoder.encode(block))
