"""The audio stage: spoken segments in, one tagged MP3 episode out, in one streaming pass.

Each segment is mastered sentence by sentence into an MP3 chunk (`pieces.py`; each piece
resampled to the output rate, levelled to the target loudness, true-peak limited,
encoded, checked decoded: `chunks.py`), or taken from the chunk cache when the same
segment, or the same sentence with its pauses, was mastered before. The
chunks' frames go to a scratch file as they come, while the engine speaks the next
segments; at the end the ID3 tag (chapters need the whole timeline) and the frames
replace `out_path` in one rename. The episode's loudness is the chunks' loudness steps
put end to end; in the rare case it misses the target, the episode is corrected once.
"""

from __future__ import annotations

import math
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import soundfile as sf

from postcast.atomic import atomic_output, scratch_file
from postcast.audio.chunk_cache import ChunkCache
from postcast.audio.chunks import (
    EXPECTED_LIMITER_LOSS_DB,
    LAME_DELAY_SAMPLES,
    MasteredChunk,
    measure_blocks,
)
from postcast.audio.encode import Mp3Encoder
from postcast.audio.loudness import integrated_from_steps
from postcast.audio.master import MP3_HEADROOM_DB, Mastering, run_chain
from postcast.audio.pieces import master_in_pieces
from postcast.audio.tags import EpisodeTags, build_id3, check_tags
from postcast.config import AudioConfig
from postcast.errors import InputError
from postcast.models import Chapter, EpisodeAudio, TimedSegment
from postcast.progress import Progress, no_progress
from postcast.speech.base import SpokenSegment

TASK = "Mastering"
LOUDNESS_TOLERANCE_LU = 0.5  # the episode is corrected if further off
CORRECTIONS = 3  # encodes of the whole episode allowed to correct it


@dataclass
class Timeline:
    """Where chapters, sentences and loudness fall in the episode, chunk after chunk."""

    sample_rate: int
    samples: int = 0
    chapter_starts: list[tuple[float, str]] = field(default_factory=list)
    timings: list[TimedSegment] = field(default_factory=list)
    loudness_steps: list[np.ndarray] = field(default_factory=list)
    true_peak_dbtp: float = -math.inf

    def add(self, spoken: SpokenSegment, chunk: MasteredChunk) -> None:
        start = self.samples / self.sample_rate
        length = chunk.samples / self.sample_rate
        if spoken.segment.chapter:
            self.chapter_starts.append((start, spoken.segment.chapter))
        texts = [text for _, _, text in spoken.sentences]
        if texts and len(texts) == len(chunk.sentence_spans):
            for (begin, end), text in zip(chunk.sentence_spans, texts, strict=True):
                self.timings.append(TimedSegment(start + begin, start + min(end, length), text))
        elif spoken.segment.text.strip():
            begin = start + min(LAME_DELAY_SAMPLES / self.sample_rate, length)
            self.timings.append(TimedSegment(begin, start + length, spoken.segment.text))
        self.loudness_steps.append(chunk.loudness_steps)
        self.true_peak_dbtp = max(self.true_peak_dbtp, chunk.true_peak_dbtp)
        self.samples += chunk.samples

    @property
    def duration(self) -> float:
        return self.samples / self.sample_rate

    def loudness(self) -> float:
        steps = np.concatenate(self.loudness_steps) if self.loudness_steps else np.zeros(0)
        return integrated_from_steps(steps, self.sample_rate // 10)

    def sentences(self) -> list[TimedSegment]:
        """The timings, none past the end (sums of floats can pass it in the last digit)."""
        end = self.duration
        return [TimedSegment(min(t.start, end), min(t.end, end), t.text) for t in self.timings]

    def chapters(self) -> list[Chapter]:
        ends = [start for start, _ in self.chapter_starts[1:]]
        ends.append(self.duration)
        return [
            Chapter(start=start, title=title, end=end)
            for (start, title), end in zip(self.chapter_starts, ends, strict=False)
        ]


def _validated(spoken: SpokenSegment, index: int) -> np.ndarray:
    """The segment's samples as mono float32, or InputError."""
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
    return audio


def _chunk_for(
    spoken: SpokenSegment,
    index: int,
    cfg: AudioConfig,
    cache: ChunkCache | None,
    limiter_loss_db: float,
) -> MasteredChunk:
    """The segment's chunk: from the cache when it holds it, else mastered (and kept)."""
    if spoken.key is not None and cache is not None:
        cached = cache.take(spoken.key)
        if cached is not None:
            return cached
    if spoken.reused:
        raise RuntimeError(f"spoken segment {index} was reused, but no mastered chunk is held")
    audio = _validated(spoken, index)
    spans = tuple((begin, end) for begin, end, _ in spoken.sentences)
    # Sentences are separate utterances with silence around them, so mastering (and
    # resampling) each piece on its own leaves no audible seam.
    pieces = cache.pieces if cache is not None else None
    chunk = master_in_pieces(audio, spans, cfg, limiter_loss_db, spoken.sample_rate, pieces)
    if spoken.key is not None and cache is not None:
        cache.put(spoken.key, chunk)
    return chunk


def _master_all(
    spoken: Iterable[SpokenSegment],
    body: Path,
    cfg: AudioConfig,
    cache: ChunkCache | None,
    progress: Progress,
) -> Timeline:
    """Every segment's chunk, appended to `body` as it comes."""
    timeline = Timeline(cfg.sample_rate)
    limiter_loss = EXPECTED_LIMITER_LOSS_DB
    with open(body, "wb") as frames:
        for index, item in enumerate(spoken):
            chunk = _chunk_for(item, index, cfg, cache, limiter_loss)
            if math.isfinite(chunk.limiter_loss_db):  # the next segment will lose as much
                limiter_loss = chunk.limiter_loss_db
            frames.write(chunk.mp3)
            timeline.add(item, chunk)
            progress(TASK, timeline.duration, None)
    if not timeline.samples:
        raise InputError("spoken segments", "no audio to master")
    return timeline


def master_into_cache(spoken: Iterable[SpokenSegment], cfg: AudioConfig, cache: ChunkCache) -> int:
    """Master every segment not already held into `cache`, keeping no audio: a long
    post's part, spoken on one worker, so that the render assembling the post (on any
    worker) takes each chunk whole. Returns how many segments were mastered."""
    limiter_loss = EXPECTED_LIMITER_LOSS_DB
    mastered = 0
    for index, item in enumerate(spoken):
        if item.reused:  # mastered before (its key was found in the cache)
            continue
        chunk = _chunk_for(item, index, cfg, cache, limiter_loss)
        if math.isfinite(chunk.limiter_loss_db):
            limiter_loss = chunk.limiter_loss_db
        mastered += 1
    return mastered


class HeldChunks:
    """The chunk cache as a part sees it: a segment mastered before needs nothing, and
    nothing is loaded to hold it (the render that assembles the post loads it)."""

    def __init__(self, cache: ChunkCache) -> None:
        self.cache = cache

    def has(self, key: str) -> bool:
        return self.cache.has(key)

    def claim(self, key: str) -> bool:
        return self.cache.has(key)


def _corrected(body: Path, timeline: Timeline, cfg: AudioConfig, into: Path) -> None:
    """Re-level the whole episode (decoded, gain, limiter, encoded) into `into`.

    Only for an episode whose chunks, each in tolerance, still add up to a loudness
    off target (chunks mastered under other settings, say). The gain is found as in
    `master_segment`; the timeline takes the new file's length and measurements.
    """
    loudness = timeline.loudness()
    gain = cfg.loudness_lufs - loudness + EXPECTED_LIMITER_LOSS_DB
    total = sum(len(block) for block in _decoded_blocks(body))
    for _ in range(CORRECTIONS):
        settings = Mastering(gain, cfg.true_peak_dbtp - MP3_HEADROOM_DB)
        with open(into, "wb") as out:
            run_chain(_decoded_blocks(body), total, settings, cfg, out.write)
        samples, steps, _, peak = measure_blocks(_decoded_blocks(into), cfg.sample_rate)
        timeline.loudness_steps = [steps]
        timeline.true_peak_dbtp = peak
        timeline.samples = samples
        error = cfg.loudness_lufs - timeline.loudness()
        if (
            abs(error) <= LOUDNESS_TOLERANCE_LU / 2
            and timeline.true_peak_dbtp <= cfg.true_peak_dbtp
        ):
            return
        gain += error


def _decoded_blocks(mp3: Path) -> Iterator[np.ndarray]:
    """An MP3 decoded in one-second blocks, to its real end: libsndfile's frame count
    for MP3 is an estimate, and `soundfile.blocks` pads up to it."""
    with sf.SoundFile(mp3) as decoded:
        while len(block := decoded.read(decoded.samplerate, dtype="float64")):
            yield block if block.ndim == 1 else block.mean(axis=1)


def _finite_or_none(value: float) -> float | None:
    return value if math.isfinite(value) else None  # silence has no loudness or peak


def render_audio(
    spoken: Iterable[SpokenSegment],
    out_path: Path,
    tags: EpisodeTags,
    cfg: AudioConfig,
    progress: Progress = no_progress,
    cache: ChunkCache | None = None,
) -> EpisodeAudio:
    """Master spoken segments into a tagged MP3 at `out_path`, written atomically.

    Consumes `spoken` once. Memory stays flat however long the episode is. With a
    `cache`, segments mastered before are reused and new ones are kept.
    """
    out_path = Path(out_path)
    check_tags(tags)
    Mp3Encoder(cfg.sample_rate, cfg.bitrate_kbps)  # reject a bad bitrate before any work
    with scratch_file(out_path.parent, ".mp3") as body:
        timeline = _master_all(spoken, body, cfg, cache, progress)
        loudness = timeline.loudness()
        if math.isfinite(loudness) and abs(loudness - cfg.loudness_lufs) > LOUDNESS_TOLERANCE_LU:
            with scratch_file(out_path.parent, ".mp3") as levelled:
                _corrected(body, timeline, cfg, levelled)
                shutil.move(levelled, body)
            loudness = timeline.loudness()
        header = build_id3(tags, timeline.chapters(), timeline.duration)
        with atomic_output(out_path) as temp, open(temp, "wb") as stream:
            stream.write(header)
            with open(body, "rb") as frames:
                shutil.copyfileobj(frames, stream, 1 << 20)
        progress(TASK, timeline.duration, timeline.duration)
    return EpisodeAudio(
        path=str(out_path),
        duration=timeline.duration,
        size=out_path.stat().st_size,
        chapters=timeline.chapters(),
        timings=timeline.sentences(),
        loudness_lufs=_finite_or_none(loudness),
        true_peak_dbtp=_finite_or_none(timeline.true_peak_dbtp),
    )
