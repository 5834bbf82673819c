"""Mastering in two streaming passes, in memory that does not grow with length.

Pass 1 resamples each spoken segment to the output rate, levels it (`Leveler`),
appends it to a float32
scratch file and feeds the loudness meter; it also notes where every chapter and
sentence lands. Then the gain and limiter ceiling are calibrated on an excerpt
(`master.py`). Pass 2 reads the scratch file back in one-second chunks, applies
the gain, limits true peaks and encodes MP3 behind an ID3 tag, into a temp file
that is measured decoded and then replaces `out_path`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import BinaryIO

import numpy as np
import soundfile as sf
from scipy import signal

from postcast.atomic import scratch_file
from postcast.audio.encode import Mp3Encoder, atomic_output
from postcast.audio.loudness import LoudnessMeter
from postcast.audio.master import (
    Mastering,
    Measured,
    calibrate,
    corrected,
    in_spec,
    measure_encoded,
    read_excerpt,
    run_chain,
)
from postcast.audio.tags import EpisodeTags, build_id3, check_tags
from postcast.config import AudioConfig
from postcast.errors import InputError
from postcast.models import Chapter, EpisodeAudio, TimedSegment
from postcast.progress import Progress, no_progress
from postcast.speech.base import SpokenSegment

TASK = "Mastering"
CORRECTIONS = 2  # re-encodes allowed when the decoded file misses a target
SEGMENT_GAIN_LIMIT_DB = 24.0  # the leveler's reach: more would mostly lift noise


@dataclass
class Timeline:
    """Where chapters and sentences fall in the episode, collected during pass 1."""

    samples: int = 0
    chapter_starts: list[tuple[float, str]] = field(default_factory=list)
    timings: list[TimedSegment] = field(default_factory=list)

    def add(self, spoken: SpokenSegment, start: float, length: float) -> None:
        if spoken.segment.chapter:
            self.chapter_starts.append((start, spoken.segment.chapter))
        if spoken.sentences:
            for begin, end, text in spoken.sentences:
                self.timings.append(TimedSegment(start + begin, start + min(end, length), text))
        elif spoken.segment.text.strip():
            self.timings.append(TimedSegment(start, start + length, spoken.segment.text))

    def sentences(self, duration: float) -> list[TimedSegment]:
        """The timings, none past the end: start + length sums can pass `duration`
        (samples / rate) in the last floating-point digit."""
        return [
            TimedSegment(min(t.start, duration), min(t.end, duration), t.text) for t in self.timings
        ]

    def chapters(self, duration: float) -> list[Chapter]:
        ends = [start for start, _ in self.chapter_starts[1:]]
        ends.append(duration)
        return [
            Chapter(start=start, title=title, end=end)
            for (start, title), end in zip(self.chapter_starts, ends, strict=False)
        ]


def _prepared(spoken: SpokenSegment, index: int, sample_rate: int) -> np.ndarray:
    """The segment's samples as mono float32 at `sample_rate`, or InputError."""
    where = f"spoken segment {index}"
    audio = np.asarray(spoken.audio, dtype=np.float32)
    if audio.ndim == 2 and 1 in audio.shape:
        audio = audio.reshape(-1)
    if audio.ndim != 1:
        raise InputError(where, f"expected mono audio, got shape {audio.shape}")
    if spoken.sample_rate <= 0:
        raise InputError(where, f"invalid sample rate {spoken.sample_rate}")
    if not np.isfinite(audio).all():
        raise InputError(where, "audio contains NaN or infinite samples")
    if spoken.sample_rate == sample_rate or not len(audio):
        return audio
    # Segments are separate utterances with silence at their ends, so resampling
    # each on its own leaves no audible seam.
    ratio = Fraction(sample_rate, spoken.sample_rate)
    resampled = signal.resample_poly(audio, ratio.numerator, ratio.denominator)
    return resampled.astype(np.float32)


class Leveler:
    """Brings every segment to the same loudness before the episode is normalised.

    Segments are separate utterances, possibly by different voices or engines at
    very different levels; one episode-wide gain would leave the quiet ones
    quiet and make the limiter crush the loud ones. Segments too short to
    measure (under 400 ms) keep the previous segment's gain.
    """

    def __init__(self, sample_rate: int, target_lufs: float) -> None:
        self.sample_rate = sample_rate
        self.target_lufs = target_lufs
        self.gain_db = 0.0

    def __call__(self, audio: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The levelled segment, and the same K-weighted (for the episode's meter)."""
        meter = LoudnessMeter(self.sample_rate)
        weighted = meter.weight(audio)
        meter.add_weighted(weighted)
        loudness = meter.integrated()
        if math.isfinite(loudness):
            wanted = self.target_lufs - loudness
            self.gain_db = min(max(wanted, -SEGMENT_GAIN_LIMIT_DB), SEGMENT_GAIN_LIMIT_DB)
        gain = 10.0 ** (self.gain_db / 20.0)
        levelled: np.ndarray = (audio * gain).astype(np.float32)
        return levelled, weighted * gain


def _first_pass(
    spoken: Iterable[SpokenSegment], scratch: Path, cfg: AudioConfig, progress: Progress
) -> tuple[Timeline, float]:
    sample_rate = cfg.sample_rate
    timeline = Timeline()
    meter = LoudnessMeter(sample_rate)
    level = Leveler(sample_rate, cfg.loudness_lufs)
    with sf.SoundFile(
        scratch, "w", samplerate=sample_rate, channels=1, format="RF64", subtype="FLOAT"
    ) as sink:
        for index, item in enumerate(spoken):
            audio, weighted = level(_prepared(item, index, sample_rate))
            timeline.add(item, timeline.samples / sample_rate, len(audio) / sample_rate)
            # K-weighting is linear: the leveller's filtered segment, scaled, is
            # what the episode's meter would compute (but for the filters' state
            # at segment starts, which segments' silent ends leave near zero).
            meter.add_weighted(weighted)
            sink.write(audio)
            timeline.samples += len(audio)
            progress(TASK, timeline.samples / sample_rate, None)
    if not timeline.samples:
        raise InputError("spoken segments", "no audio to master")
    return timeline, meter.integrated()


def _write_episode(
    scratch: Path,
    total: int,
    header: bytes,
    settings: Mastering,
    cfg: AudioConfig,
    out_path: Path,
    progress: Progress,
) -> Measured:
    """Encode the scratch audio behind `header` into `out_path`; measure it decoded.

    If the decoded file misses a target (the excerpt was not typical enough), it
    is encoded again with corrected settings before it replaces `out_path`.
    """

    def report(done: int) -> None:
        progress(TASK, done / cfg.sample_rate, total / cfg.sample_rate)

    def encode(stream: BinaryIO, written: Path, settings: Mastering) -> Measured:
        stream.seek(0)
        stream.truncate()
        stream.write(header)
        blocks = sf.blocks(str(scratch), blocksize=cfg.sample_rate, dtype="float64")
        run_chain(blocks, total, settings, cfg, stream.write, report)
        stream.flush()
        return measure_encoded(written)

    with atomic_output(out_path) as (stream, written):
        measured = encode(stream, written, settings)
        for _ in range(CORRECTIONS):
            if in_spec(measured, cfg):
                break
            settings = corrected(settings, measured, cfg)
            measured = encode(stream, written, settings)
    return measured


def _finite_or_none(value: float) -> float | None:
    return value if math.isfinite(value) else None  # silence has no loudness or peak


def render_audio(
    spoken: Iterable[SpokenSegment],
    out_path: Path,
    tags: EpisodeTags,
    cfg: AudioConfig,
    progress: Progress = no_progress,
) -> EpisodeAudio:
    """Master spoken segments into a tagged MP3 at `out_path`, written atomically.

    Consumes `spoken` once. Memory stays flat however long the episode is.
    """
    out_path = Path(out_path)
    check_tags(tags)
    Mp3Encoder(cfg.sample_rate, cfg.bitrate_kbps)  # reject a bad bitrate before any work
    with scratch_file(out_path.parent, ".f32.wav") as scratch:
        rate = cfg.sample_rate
        timeline, loudness = _first_pass(spoken, scratch, cfg, progress)
        total = timeline.samples
        duration = total / rate
        chapters = timeline.chapters(duration)
        settings = calibrate(read_excerpt(scratch, total, rate), loudness, cfg)
        header = build_id3(tags, chapters, duration)
        measured = _write_episode(scratch, total, header, settings, cfg, out_path, progress)
    return EpisodeAudio(
        path=str(out_path),
        duration=duration,
        size=out_path.stat().st_size,
        chapters=chapters,
        timings=timeline.sentences(duration),
        loudness_lufs=_finite_or_none(measured.loudness_lufs),
        true_peak_dbtp=_finite_or_none(measured.true_peak_dbtp),
    )
