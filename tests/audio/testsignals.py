"""Speech-like synthetic narration for tests and benchmarks of the audio stage (a test
helper: it needs SciPy, which postcast itself does not).

Voiced syllables (a gliding harmonic series through two formant filters) plus
noisy consonants, with pauses, at a chosen level, with optional hot transients:
close enough to speech for loudness gating and limiting to behave as on a voice.
Generated lazily, so a two-hour stream costs no memory up front.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
from scipy import signal

from postcast.models import Segment, SegmentKind
from postcast.speech.base import SpokenSegment

FORMANTS_HZ = ((700.0, 1.2), (1800.0, 2.5))  # centre, relative bandwidth


def _syllable(rng: np.random.Generator, rate: int) -> np.ndarray:
    length = int(rng.uniform(0.12, 0.3) * rate)
    t = np.arange(length) / rate
    pitch = rng.uniform(95, 180) * (1 + 0.1 * np.sin(2 * np.pi * rng.uniform(2, 5) * t))
    phase = 2 * np.pi * np.cumsum(pitch) / rate
    # Random harmonic phases: real voices are not one sharp pulse per period.
    offsets = rng.uniform(0, 2 * np.pi, 24)
    voiced = sum(np.sin(k * phase + offsets[k - 1]) / k for k in range(1, 25))
    shaped = np.zeros(length)
    for centre, width in FORMANTS_HZ:
        b, a = signal.iirpeak(min(centre, rate / 2.5), width * 4, fs=rate)
        shaped += signal.lfilter(b, a, voiced)
    hiss = signal.lfilter([1.0], [1.0, -0.7], rng.normal(size=length))  # sloping spectrum
    consonant = hiss * (t < 0.04) * 0.08
    envelope = np.sin(np.pi * np.arange(length) / length) ** 0.7
    return (shaped * 0.3 + consonant) * envelope


def speechlike(
    seconds: float, rate: int, level: float = 0.1, hot_peaks: int = 0, seed: int = 0
) -> np.ndarray:
    """Float32 speech-like audio with quiet ends; `level` scales its RMS roughly."""
    rng = np.random.default_rng(seed)
    total = int(seconds * rate)
    out = np.zeros(total)
    position = int(0.15 * rate)
    while position < total - int(0.4 * rate):
        syllable = _syllable(rng, rate)
        end = min(position + len(syllable), total)
        out[position:end] = syllable[: end - position]
        position = end + int(rng.choice([0.02, 0.05, 0.25]) * rate)
    rms = np.sqrt(np.mean(out[out != 0] ** 2)) if out.any() else 1.0
    out *= level / rms
    for _ in range(hot_peaks):
        at = int(rng.integers(int(0.2 * rate), max(int(0.2 * rate) + 1, total - int(0.3 * rate))))
        height = min(1.0, level * rng.uniform(6.0, 10.0))  # plosives, 16-20 dB over the RMS
        click = np.hanning(int(0.004 * rate)) * rng.choice([-1, 1]) * height
        out[at : at + len(click)] += click[: total - at]
    return out.astype(np.float32)


def spoken_stream(
    count: int,
    rate: int = 22050,
    seconds: float = 8.0,
    chapter_every: int = 0,
    levels: tuple[float, ...] = (0.1,),
    hot_peaks: int = 0,
    seed: int = 0,
) -> Iterator[SpokenSegment]:
    """`count` segments made one at a time; every `chapter_every`-th starts a chapter."""
    for index in range(count):
        audio = speechlike(seconds, rate, levels[index % len(levels)], hot_peaks, seed + index)
        chapter = (
            f"Part {index // chapter_every + 1}"
            if chapter_every and not index % chapter_every
            else None
        )
        half = seconds / 2
        yield SpokenSegment(
            segment=Segment(text=f"Segment {index}.", kind=SegmentKind.PARAGRAPH, chapter=chapter),
            audio=audio,
            sample_rate=rate,
            sentences=(
                (0.1, half, f"Sentence {index}a."),
                (half, seconds - 0.1, f"Sentence {index}b."),
            ),
        )


def long_stream(
    total_seconds: float, rate: int = 22050, seconds: float = 8.0
) -> Iterator[SpokenSegment]:
    """A long episode, made lazily from a few distinct segments cycled with varying levels.

    Synthesising every segment afresh would make a two-hour benchmark mostly
    about this generator; only the cycle (eight segments) is ever held in memory.
    """
    variants = list(spoken_stream(8, rate, seconds, chapter_every=4, hot_peaks=1, seed=100))
    for index in range(int(total_seconds // seconds)):
        template = variants[index % len(variants)]
        level = (0.5, 1.0, 2.0)[index % 3]
        chapter = f"Chapter {index // 40 + 1}" if index % 40 == 0 else None
        yield SpokenSegment(
            segment=Segment(text=f"Segment {index}.", kind=SegmentKind.PARAGRAPH, chapter=chapter),
            audio=template.audio * level,
            sample_rate=rate,
            sentences=template.sentences,
        )
