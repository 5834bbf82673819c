"""The mastering chain (gain, true-peak limiter, MP3) and how its settings are found.

Gain alone would hit -16 LUFS, but speech has 18-20 dB between its loudness and
its peaks, so the limiter must take 2-4 dB off the peaks, which lowers the
loudness by 1-2 LU; MP3's low-pass then removes a little more (K-weighting
counts high frequencies extra). So the chain is calibrated by running it (MP3
round trip included once) over an excerpt of the episode (at most a few minutes, spread
over its whole length) until the decoded excerpt meets the targets, and the
final file is measured after decoding as well.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import BinaryIO

import numpy as np
import soundfile as sf

from postcast.audio.encode import Mp3Encoder
from postcast.audio.limiter import TruePeakLimiter
from postcast.audio.loudness import READ_CHUNK, LoudnessMeter, TruePeakMeter
from postcast.config import AudioConfig

# The limiter first aims this far below the configured true-peak ceiling: MP3
# encoding (band-limiting, quantisation) makes decoded peaks overshoot a little.
MP3_HEADROOM_DB = 1.0
CALIBRATION_TP_MARGIN_DB = 0.3  # the excerpt must beat the ceiling by this much
MAX_GAIN_DB = 40.0  # never lift near-silence (room tone, hiss) by more than this
CALIBRATION_ROUNDS = 4
CALIBRATION_TOLERANCE_LU = 0.2
MIN_SLOPE = 0.15  # LU per dB of gain: below this, more gain only feeds the limiter
EXCERPT_SECONDS = 60.0
EXCERPT_WINDOW_SECONDS = 5.0
LOUDNESS_TOLERANCE_LU = 0.5  # the final file is corrected once if further off


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


def measure_encoded(source: Path | BinaryIO) -> Measured:
    """Loudness and true peak of an MP3 (or any audio file) after decoding."""
    with sf.SoundFile(source) as decoded:
        loudness, peak = LoudnessMeter(decoded.samplerate), TruePeakMeter()
        for block in decoded.blocks(blocksize=READ_CHUNK, dtype="float64", always_2d=True):
            mono = block[:, 0] if block.shape[1] == 1 else block.mean(axis=1)
            loudness.add(mono)
            peak.add(mono)
    return Measured(loudness.integrated(), peak.finish())


def read_excerpt(scratch: Path, total: int, rate: int) -> np.ndarray:
    """The whole scratch file if short, else evenly spaced windows from all of it."""
    with sf.SoundFile(scratch) as source:
        if total <= EXCERPT_SECONDS * rate:
            whole: np.ndarray = source.read(dtype="float32")
            return whole
        window = int(EXCERPT_WINDOW_SECONDS * rate)
        count = int(EXCERPT_SECONDS / EXCERPT_WINDOW_SECONDS)
        parts = []
        for start in np.linspace(0, total - window, count).astype(int):
            source.seek(int(start))
            parts.append(source.read(window, dtype="float32"))
    return np.concatenate(parts)


def _chunks(samples: np.ndarray, size: int) -> Iterator[np.ndarray]:
    for start in range(0, len(samples), size):
        yield samples[start : start + size].astype(np.float64)


def _simulate(
    excerpt: np.ndarray, settings: Mastering, cfg: AudioConfig, mp3: bool
) -> tuple[Measured, Measured | None]:
    """The excerpt through the chain, measured before encoding and, with `mp3`, decoded."""
    loudness, peak = LoudnessMeter(cfg.sample_rate), TruePeakMeter()

    def listen(limited: np.ndarray) -> None:
        loudness.add(limited)
        peak.add(limited)

    encoded = io.BytesIO() if mp3 else None
    write = encoded.write if encoded is not None else None
    blocks = _chunks(excerpt, cfg.sample_rate)
    run_chain(blocks, len(excerpt), settings, cfg, write, listen=listen)
    limited = Measured(loudness.integrated(), peak.finish())
    if encoded is None:
        return limited, None
    encoded.seek(0)
    return limited, measure_encoded(encoded)


def _difference(decoded: float, limited: float) -> float:
    return decoded - limited if math.isfinite(decoded) and math.isfinite(limited) else 0.0


def initial_settings(episode_lufs: float, cfg: AudioConfig) -> Mastering:
    gain = 0.0 if math.isinf(episode_lufs) else min(cfg.loudness_lufs - episode_lufs, MAX_GAIN_DB)
    return Mastering(gain_db=gain, ceiling_dbtp=cfg.true_peak_dbtp - MP3_HEADROOM_DB)


def calibrate(excerpt: np.ndarray, episode_lufs: float, cfg: AudioConfig) -> Mastering:
    """Gain and limiter ceiling that bring the decoded excerpt to the targets.

    The limiter flattens the loudness-versus-gain curve (+1 dB of gain may give
    only +0.3 LU), so the gain is found by the secant method on the excerpt's
    measured loudness, while the ceiling drops by any decoded overshoot.

    Only the first round goes through MP3 and back: it tells how far decoding
    moves the loudness and the true peak from the encoder's input. Later rounds
    measure the encoder's input and add those offsets (the final file is still
    measured decoded, and corrected if it misses).
    """
    settings = initial_settings(episode_lufs, cfg)
    meter = LoudnessMeter(cfg.sample_rate)
    meter.add(excerpt)
    if math.isinf(episode_lufs) or math.isinf(meter.integrated()):
        return settings
    target = cfg.loudness_lufs + meter.integrated() - episode_lufs  # the excerpt's share
    previous: tuple[float, float] | None = None
    offsets = Measured(0.0, 0.0)  # decoded minus encoder input, from the first round
    for round_ in range(CALIBRATION_ROUNDS):
        limited, decoded = _simulate(excerpt, settings, cfg, mp3=round_ == 0)
        if decoded is not None:
            offsets = Measured(
                _difference(decoded.loudness_lufs, limited.loudness_lufs),
                _difference(decoded.true_peak_dbtp, limited.true_peak_dbtp),
            )
        measured = Measured(
            limited.loudness_lufs + offsets.loudness_lufs,
            limited.true_peak_dbtp + offsets.true_peak_dbtp,
        )
        overshoot = measured.true_peak_dbtp - (cfg.true_peak_dbtp - CALIBRATION_TP_MARGIN_DB)
        error = target - measured.loudness_lufs
        if abs(error) < CALIBRATION_TOLERANCE_LU and overshoot <= 0:
            break
        slope = 1.0
        if previous is not None and settings.gain_db != previous[0]:
            slope = (measured.loudness_lufs - previous[1]) / (settings.gain_db - previous[0])
            slope = min(max(slope, MIN_SLOPE), 1.0)
        previous = (settings.gain_db, measured.loudness_lufs)
        gain = min(settings.gain_db + error / slope, MAX_GAIN_DB)
        settings = Mastering(gain, settings.ceiling_dbtp - max(overshoot, 0.0))
    return settings


def in_spec(measured: Measured, cfg: AudioConfig) -> bool:
    loudness_error = abs(measured.loudness_lufs - cfg.loudness_lufs)
    return loudness_error <= LOUDNESS_TOLERANCE_LU and measured.true_peak_dbtp <= cfg.true_peak_dbtp


def corrected(settings: Mastering, measured: Measured, cfg: AudioConfig) -> Mastering:
    """Settings for a second try when the whole decoded file missed a target."""
    if math.isinf(measured.loudness_lufs):
        return settings
    overshoot = max(measured.true_peak_dbtp - cfg.true_peak_dbtp, 0.0)
    gain = settings.gain_db + (cfg.loudness_lufs - measured.loudness_lufs)
    ceiling = settings.ceiling_dbtp - (overshoot + CALIBRATION_TP_MARGIN_DB if overshoot else 0.0)
    return replace(settings, gain_db=min(gain, MAX_GAIN_DB), ceiling_dbtp=ceiling)
