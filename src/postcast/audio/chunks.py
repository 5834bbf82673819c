"""Mastered chunks: one spoken segment levelled, limited and encoded as its own MP3 stream.

An episode is its ID3 tag followed by its chunks' MP3 frames, one chunk after another,
the way podcast ad insertion stitches MP3s: each independently encoded stream starts
with an empty bit reservoir, so the frames decode in sequence, and the joins fall in the
pauses between segments. Each chunk carries LAME's start-up delay and end padding,
which would lengthen every pause by 25 to 50 ms: where a segment ends in silence, as
most do, that much of its silence is dropped, so the episode keeps its length.

Mastering segment by segment is what lets the audio stage overlap synthesis (a segment
is mastered while the next ones are being spoken) and makes a chunk a pure function of
its segment's audio and the audio settings, so it is cached. A segment's chunk is itself
its sentences' pieces one after another (`pieces.py`), each mastered here as a segment
of its own: re-rendering an edited post masters and encodes only the edited sentences.
Every piece is brought to the target loudness on its own (it may come from another
voice or engine at another level), and checked decoded, so the episode meets the
targets with no second pass over it.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import soundfile as sf
import soxr

from postcast.audio.encode import Mp3Encoder
from postcast.audio.loudness import LoudnessMeter, TruePeakMeter
from postcast.audio.master import MP3_HEADROOM_DB, Mastering, limit
from postcast.config import AudioConfig

# LAME's encoder delay (576 samples) plus the MP3 decoder's (529): where a chunk's
# first input sample lands in its decoded audio.
LAME_DELAY_SAMPLES = 1105
MP3_FRAME_SAMPLES = 1152
# LAME emits ceil((n + delay + this) / 1152) frames for n samples (measured, lameenc 1.x;
# tests/audio/test_audio_chunks.py checks it).
LAME_TAIL_SAMPLES = 48
SILENT = 1e-4  # a trailing sample this quiet may be dropped
# Speech gained to the target loses about this much loudness in the limiter and the
# encoder (the bundled Piper voice: 3.5 to 4 LU, its peaks being high); aiming above by
# as much makes the first encode land in tolerance. A render passes on what each
# segment lost to the next, so other voices need a second encode only at the start.
EXPECTED_LIMITER_LOSS_DB = 3.6
FIRST_SLOPE = 0.5  # LU per dB of gain near the target, measured on that voice
SEGMENT_TOLERANCE_LU = 0.4
# A segment shorter than this (a heading's two words between pauses) barely moves the
# episode's loudness, and its gated loudness moves little with gain: a looser tolerance
# spares it three more encodes, and what it lost is not passed on to the next segment.
SHORT_SEGMENT_S = 5.0
SHORT_SEGMENT_TOLERANCE_LU = 1.0
TRUE_PEAK_MARGIN_DB = 0.3  # a retry aims this far under the ceiling it overshot
ATTEMPTS = 4
MAX_SEGMENT_GAIN_DB = 30.0  # more would mostly lift noise
MIN_SLOPE = 0.15  # LU per dB of gain: below this, more gain only feeds the limiter
SILENCE_FLOOR = 1e-3  # relative to the segment's peak: where speech starts and ends


@dataclass(frozen=True)
class MasteredChunk:
    """One segment as MP3 frames, with what the episode needs to know about them."""

    mp3: bytes
    samples: int  # decoded length at the output rate
    loudness_steps: np.ndarray  # decoded, K-weighted sums of squares per 100 ms
    true_peak_dbtp: float  # decoded, 4x oversampled
    sentence_spans: tuple[tuple[float, float], ...]  # seconds from the chunk's start
    # loudness the limiter and encoder took off (input + gain - decoded); NaN if unknown
    # or not telling (a short segment)
    limiter_loss_db: float = math.nan


@dataclass(frozen=True)
class _Attempt:
    mp3: bytes
    settings: Mastering
    measured: tuple[int, np.ndarray, float, float]  # as `_measure` returns them

    @property
    def loudness(self) -> float:
        return self.measured[2]

    @property
    def peak(self) -> float:
        return self.measured[3]


def master_segment(
    audio: np.ndarray,
    spans: tuple[tuple[float, float], ...],
    cfg: AudioConfig,
    limiter_loss_db: float = EXPECTED_LIMITER_LOSS_DB,
    sample_rate: int | None = None,
) -> MasteredChunk:
    """Level, limit and encode one segment (mono, at `sample_rate`, by default the
    output rate), checked decoded.

    Levelling and limiting run at the segment's own rate (a voice's 22.05 kHz is half
    the samples of the output's 44.1 kHz), then it is resampled for the encoder.

    The gain is found by the secant method on the decoded loudness (the limiter
    flattens loudness against gain); a decoded true peak over the ceiling lowers the
    limiter's ceiling by the overshoot. Silence and sounds too short to measure keep
    their first settings.
    """
    if not len(audio):
        return MasteredChunk(b"", 0, np.zeros(0), -math.inf, ())
    rate = sample_rate or cfg.sample_rate
    input_loudness = _loudness(audio, rate)
    gain = 0.0
    if math.isfinite(input_loudness):
        gain = min(cfg.loudness_lufs - input_loudness + limiter_loss_db, MAX_SEGMENT_GAIN_DB)
    settings = Mastering(gain, cfg.true_peak_dbtp - MP3_HEADROOM_DB)
    short = len(audio) < SHORT_SEGMENT_S * rate
    tolerance = SHORT_SEGMENT_TOLERANCE_LU if short else SEGMENT_TOLERANCE_LU
    previous: _Attempt | None = None
    for _ in range(ATTEMPTS):
        mp3 = _encode(audio, rate, settings, cfg)
        decoded, steps, loudness, peak = _measure(mp3, cfg.sample_rate)
        error = cfg.loudness_lufs - loudness if math.isfinite(loudness) else 0.0
        overshoot = peak - cfg.true_peak_dbtp
        if abs(error) <= tolerance and overshoot <= 0:
            break
        slope = FIRST_SLOPE
        if previous is not None and settings.gain_db != previous.settings.gain_db:
            slope = (loudness - previous.loudness) / (settings.gain_db - previous.settings.gain_db)
            if slope < MIN_SLOPE and previous.peak <= cfg.true_peak_dbtp and overshoot <= 0:
                # The limiter took what the gain added (a heading's few words, already
                # at the ceiling): keep the less squashed encode and stop.
                mp3, settings = previous.mp3, previous.settings
                decoded, steps, loudness, peak = previous.measured
                break
            slope = min(max(slope, MIN_SLOPE), 1.0)
        previous = _Attempt(mp3, settings, (decoded, steps, loudness, peak))
        ceiling = settings.ceiling_dbtp - (overshoot + TRUE_PEAK_MARGIN_DB if overshoot > 0 else 0)
        gain = min(settings.gain_db + error / slope, MAX_SEGMENT_GAIN_DB)
        settings = Mastering(gain, ceiling)
    delay = LAME_DELAY_SAMPLES / cfg.sample_rate
    return MasteredChunk(
        mp3=mp3,
        samples=decoded,
        loudness_steps=steps,
        true_peak_dbtp=peak,
        sentence_spans=tuple((start + delay, end + delay) for start, end in spans),
        limiter_loss_db=math.nan if short else input_loudness + settings.gain_db - loudness,
    )


def fit_to_frames(audio: np.ndarray) -> np.ndarray:
    """`audio` less as much trailing silence as makes its MP3 decode to the whole
    number of frames nearest its own length; unchanged if it ends in sound."""
    frames = max(1, round(len(audio) / MP3_FRAME_SAMPLES))
    fitted = frames * MP3_FRAME_SAMPLES - LAME_DELAY_SAMPLES - LAME_TAIL_SAMPLES
    if fitted <= 0 or fitted >= len(audio):
        return audio
    if np.abs(audio[fitted:]).max() > SILENT:
        return audio
    return audio[:fitted]


def _loudness(audio: np.ndarray, rate: int) -> float:
    """Gated loudness; for a sound under 400 ms (a one-word heading), the ungated
    loudness of the part between its first and last audible samples."""
    meter = LoudnessMeter(rate)
    weighted = meter.weight(audio)
    meter.add_weighted(weighted)
    loudness = meter.integrated()
    if math.isfinite(loudness) or not len(audio):
        return loudness
    peak = float(np.abs(audio).max())
    if peak == 0.0:
        return -math.inf
    audible = np.flatnonzero(np.abs(audio) > peak * SILENCE_FLOOR)
    span = weighted[audible[0] : audible[-1] + 1]
    power = float(np.mean(span * span))
    return -0.691 + 10.0 * math.log10(power) if power > 0 else -math.inf


def _encode(audio: np.ndarray, rate: int, settings: Mastering, cfg: AudioConfig) -> bytes:
    """Gain and limit at `rate`, resample to the output rate, fit to frames, encode."""
    blocks = (audio[start : start + rate] for start in range(0, len(audio), rate))
    limited = np.concatenate(list(limit(blocks, len(audio), settings, rate)))
    if rate != cfg.sample_rate:
        limited = soxr.resample(limited, rate, cfg.sample_rate, quality="VHQ")
    encoder = Mp3Encoder(cfg.sample_rate, cfg.bitrate_kbps)
    return encoder.encode(fit_to_frames(limited)) + encoder.flush()


def _measure(mp3: bytes, rate: int) -> tuple[int, np.ndarray, float, float]:
    """Decoded length, loudness steps, loudness and true peak of one chunk."""
    decoded, decoded_rate = sf.read(io.BytesIO(mp3), dtype="float64", always_2d=False)
    if decoded_rate != rate:
        raise RuntimeError(f"MP3 decoded at {decoded_rate} Hz, encoded at {rate} Hz")
    return measure_blocks([decoded], rate)


def measure_blocks(blocks: Iterable[np.ndarray], rate: int) -> tuple[int, np.ndarray, float, float]:
    """Length, loudness steps, loudness and true peak of decoded audio, block by block."""
    meter, peak, samples = LoudnessMeter(rate), TruePeakMeter(), 0
    for block in blocks:
        meter.add(block)
        peak.add(block)
        samples += len(block)
    return samples, meter.steps(), meter.integrated(), peak.finish()
