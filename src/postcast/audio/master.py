"""The mastering chain: gain, true-peak limiter, MP3 encoder, streaming.

Gain alone would hit -16 LUFS, but speech has 18-20 dB between its loudness and
its peaks, so the limiter must take 2-4 dB off the peaks, which lowers the
loudness by 1-2 LU; MP3's low-pass then removes a little more (K-weighting
counts high frequencies extra). So whoever runs the chain checks its output
decoded and runs it again with corrected settings (`chunks.master_segment`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
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


@dataclass(frozen=True)
class Measured:
    loudness_lufs: float
    true_peak_dbtp: float


def run_chain(
    blocks: Iterable[np.ndarray],
    total: int,
    settings: Mastering,
    cfg: AudioConfig,
    write: Callable[[bytes], object] | None,
    on_samples: Callable[[int], None] = lambda done: None,
    listen: Callable[[np.ndarray], None] = lambda limited: None,
) -> None:
    """Gain, limit and encode `total` samples; the output lines up with the input.

    `listen` sees the encoder's input; with `write` None nothing is encoded.
    LAME (which releases the GIL) encodes one block in a worker thread while the
    next is limited: at most one block waits, so memory stays flat.
    """
    limiter = TruePeakLimiter(cfg.sample_rate, settings.ceiling_dbtp)
    encoder = Mp3Encoder(cfg.sample_rate, cfg.bitrate_kbps) if write is not None else None
    gain = 10.0 ** (settings.gain_db / 20.0)
    to_skip, done = limiter.latency, 0  # the limiter's first output is its delay line
    pending: Future[object] | None = None

    def emit(limited: np.ndarray) -> None:
        nonlocal to_skip, done, pending
        skipped = min(to_skip, len(limited))
        limited, to_skip = limited[skipped:], to_skip - skipped
        limited = limited[: total - done]
        if len(limited):
            listen(limited)
            if encoder is not None and write is not None:
                if pending is not None:
                    pending.result()  # in order, and any error surfaces here
                pending = worker.submit(lambda: write(encoder.encode(limited)))
            done += len(limited)
            on_samples(done)

    with ThreadPoolExecutor(max_workers=1) as worker:
        for block in blocks:
            emit(limiter.process(block * gain))
        emit(limiter.flush())
        if pending is not None:
            pending.result()
    if encoder is not None and write is not None:
        write(encoder.flush())
