"""The speech stage: a script in, one SpokenSegment per segment out, in order, streaming.

Sentences come from the sentence cache when they can, else from the engine, spread over
workers; at most `lookahead` sentences are held ahead of the segment being yielded, so
memory does not grow with the length of the post. Gated takes are heard a segment at a
time (`QualityGate.hear_all`); the intro and outro are spoken first and heard together,
while the workers speak the body.
"""

from __future__ import annotations

import hashlib
import logging
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from postcast.config import AudioConfig, SpeechConfig
from postcast.models import Script, Segment, SegmentKind
from postcast.progress import Progress, no_progress
from postcast.speech.base import (
    FinishedSegments,
    PronunciationLexicon,
    SpeechEngine,
    SpokenSegment,
)
from postcast.speech.cache import SentenceCache, cache_key
from postcast.speech.quality import QualityGate
from postcast.speech.registry import create_engine
from postcast.speech.sentences import split_sentences
from postcast.speech.silence import silence, trim_silence
from postcast.speech.workers import Synthesizer, plan_for

if TYPE_CHECKING:
    from postcast.objectstore import Store

logger = logging.getLogger(__name__)
EXTRA_TAKES = 2  # new takes the quality gate may ask for after the first
INTRO_EXTRA_TAKES = 5  # the intro and outro are heard in every episode: try harder
FRAMING = (SegmentKind.INTRO, SegmentKind.OUTRO)
INTRO_BEAM_SIZE = 5  # the intro gate hears takes as listeners' tools do (beam search)
# Sentences submitted ahead of the segment being yielded: enough that the workers stay
# busy while this process hears the intro and outro (two seconds or so), few enough
# that what is held stays small (24 sentences: about two minutes of audio, 10 MB).
MIN_LOOKAHEAD = 24
LOOKAHEAD_PER_WORKER = 8


class VoiceAssigner:
    """Dialogue speakers get the `[speech] voices` round-robin, in order of first line."""

    def __init__(self, voices: list[str]) -> None:
        self.voices = voices
        self.assigned: dict[str, str | None] = {}

    def voice_for(self, speaker: str | None) -> str | None:
        if speaker is None:
            return None
        if speaker not in self.assigned:
            pool = self.voices
            self.assigned[speaker] = pool[len(self.assigned) % len(pool)] if pool else None
        return self.assigned[speaker]


@dataclass
class _Job:
    future: Future[list[np.ndarray]]
    index: int  # of this sentence in the batch


@dataclass(eq=False)  # compared by identity: it holds audio
class _Pending:
    segment: Segment
    voice: str | None
    sentences: list[str]
    keys: list[str]
    key: str  # of the whole segment (`segment_key`)
    parts: list[np.ndarray | _Job] = field(default_factory=list)
    gate: QualityGate | None = None
    reused: bool = False  # the consumer has this segment's audio already
    started: bool = False
    finished: SpokenSegment | None = None  # when finished before its turn (the outro)

    @property
    def weight(self) -> int:
        """Room this segment takes in the lookahead window: its sentences, or one for a
        reused segment (its finished audio is held until it is yielded)."""
        return 1 if self.reused else len(self.sentences)


def speak(
    script: Script,
    speech: SpeechConfig,
    audio: AudioConfig,
    progress: Progress = no_progress,
    lexicon: PronunciationLexicon | None = None,
    *,
    engine: SpeechEngine | None = None,
    reuse: FinishedSegments | None = None,
    shared_cache: Store | None = None,
) -> Iterator[SpokenSegment]:
    """Speak `script`: one SpokenSegment per segment, in order, pauses baked in.

    `reuse` lets the consumer say it already holds a segment's finished audio (the
    audio stage's mastered chunks): a segment it claims is yielded with `reused` set
    and no audio, and none of its sentences is synthesised or even read from the cache.
    It is claimed when it enters the lookahead window, so what is held stays bounded.
    `shared_cache` backs the sentence cache with a store other workers share.
    """
    own_engine = engine is None
    engine = engine if engine is not None else create_engine(speech, lexicon)
    renderer = _Renderer(engine, speech, audio, progress, lexicon, script, reuse, shared_cache)
    try:
        yield from renderer.run()
    finally:
        renderer.close()
        if own_engine:
            engine.close()


class _Renderer:
    def __init__(
        self,
        engine: SpeechEngine,
        speech: SpeechConfig,
        audio: AudioConfig,
        progress: Progress,
        lexicon: PronunciationLexicon | None,
        script: Script,
        reuse: FinishedSegments | None = None,
        shared_cache: Store | None = None,
    ) -> None:
        planned = [(segment, split_sentences(segment.text)) for segment in script.segments]
        self.reuse = reuse
        self.total = sum(len(sentences) for _, sentences in planned)
        self.engine = engine
        self.speech = speech
        self.audio = audio
        self.progress = progress
        self.cache = SentenceCache.from_config(speech, shared_cache)
        self.gate = QualityGate(speech.quality_max_wer) if speech.quality_gate else None
        self.framing_gate = (
            QualityGate(speech.intro_max_wer, beam_size=INTRO_BEAM_SIZE, own_process=True)
            if speech.intro_max_wer and engine.takes_vary
            else None
        )
        self.voices = VoiceAssigner(speech.voices)
        self.sample_rate = engine.sample_rate
        self._identities: dict[str, str] = {}
        self._in_flight: dict[str, _Job] = {}
        # taken from the front as they start, so a finished segment's audio is let go
        self.pending = deque(self._plan(segment, sentences) for segment, sentences in planned)
        # The pool is sized by what is left to synthesise: a re-render after a small
        # edit runs in this process rather than paying a pool's start-up.
        self.plan = plan_for(engine, speech, self._to_synthesise())
        self.synthesizer = Synthesizer(engine, self.plan, speech, lexicon)
        self.lookahead = max(MIN_LOOKAHEAD, LOOKAHEAD_PER_WORKER * self.plan.workers)
        # The intro and outro are spoken first and heard together in one Whisper pass
        # while the body is spoken, rather than the outro holding up the episode's end.
        self.framing = [
            p for p in self.pending if p.gate is not None and p.gate is self.framing_gate
        ]
        self.done = 0
        self.flagged = 0

    def close(self) -> None:
        self.synthesizer.close()
        if self.framing_gate is not None:
            self.framing_gate.close()

    def run(self) -> Iterator[SpokenSegment]:
        self.progress("speech", 0, self.total)
        for pending in self.framing:
            self._start(pending)
        if self.framing_gate is not None and any(
            isinstance(part, _Job) for pending in self.framing for part in pending.parts
        ):  # Whisper loads in its own process while the voice speaks the intro
            self.framing_gate.start()
        window: deque[_Pending] = deque()
        held = 0  # sentences in the window
        while self.pending:
            started = self._start(self.pending.popleft())
            window.append(started)
            held += started.weight
            while window and held > self.lookahead:
                finished = window.popleft()
                held -= finished.weight
                yield self._finish(finished)
        while window:
            yield self._finish(window.popleft())

    def _gate_for(self, segment: Segment) -> QualityGate | None:
        if segment.kind in FRAMING and self.framing_gate is not None:
            return self.framing_gate
        return self.gate

    def _identity(self, voice: str | None, gate: QualityGate | None) -> str:
        key = f"{voice}|{gate.max_wer if gate else None}"
        if key not in self._identities:
            identity = self.engine.identity(voice)
            if gate is not None:  # a gated take is a checked take: keep them apart
                identity += f"|gate<={gate.max_wer}"
            self._identities[key] = identity
        return self._identities[key]

    def _plan(self, segment: Segment, sentences: list[str]) -> _Pending:
        """The segment's voice, gate, and sentence and segment keys, before any audio."""
        voice = self.voices.voice_for(segment.voice)
        gate = self._gate_for(segment)
        identity = self._identity(voice, gate)
        # keyed on what the voice is given: a lexicon change re-speaks only its sentences
        keys = [cache_key(identity, self.engine.pronounced(s)) for s in sentences]
        key = self._segment_key(segment, keys)
        return _Pending(segment, voice, sentences, keys, key, gate=gate)

    def _to_synthesise(self) -> int:
        """Sentences that neither the consumer nor the sentence cache holds."""
        missing: set[str] = set()
        for pending in self.pending:
            if self.reuse is None or not self.reuse.has(pending.key):
                missing.update(key for key in pending.keys if not self.cache.has(key))
        return len(missing)

    def _start(self, pending: _Pending) -> _Pending:
        if pending.started:
            return pending
        pending.started = True
        if self.reuse is not None and self.reuse.claim(pending.key):
            pending.reused = True
            return pending
        misses: list[int] = []
        for position, key in enumerate(pending.keys):
            cached = self.cache.get(key)
            if cached is not None and cached.sample_rate == self.sample_rate:
                pending.parts.append(cached.audio)
            elif key in self._in_flight:  # the same sentence a little earlier
                pending.parts.append(self._in_flight[key])
            else:
                pending.parts.append(np.zeros(0, dtype=np.float32))  # filled just below
                misses.append(position)
        self._submit(pending, misses)
        return pending

    def _segment_key(self, segment: Segment, keys: list[str]) -> str:
        """Everything the segment's audio is made of, besides the takes themselves."""
        pauses = (segment.pause_before, segment.pause_after, self.audio.sentence_pause)
        parts = [*keys, *(repr(pause) for pause in pauses), str(self.sample_rate)]
        return hashlib.sha256("|".join(parts).encode()).hexdigest()

    def _submit(self, pending: _Pending, misses: list[int]) -> None:
        if not misses:
            return
        # one job per segment where batching pays (a GPU), else per sentence for balance
        groups = [misses] if self.plan.batches_segments else [[p] for p in misses]
        for group in groups:
            future = self.synthesizer.submit([pending.sentences[p] for p in group], pending.voice)
            for index, position in enumerate(group):
                job = _Job(future, index)
                pending.parts[position] = job
                self._in_flight[pending.keys[position]] = job

    def _finish(self, pending: _Pending) -> SpokenSegment:
        if pending.finished is None:
            if pending in self.framing:  # with the other framing segments, in one pass
                self._finish_group([p for p in self.framing if p.finished is None])
            else:
                self._finish_group([pending])
        finished, pending.finished = pending.finished, None  # let the audio go with it
        assert finished is not None
        return finished

    def _finish_group(self, group: list[_Pending]) -> None:
        """Finish each segment of `group` (sharing one gate), their takes heard together."""
        fresh: list[tuple[_Pending, int]] = []  # (segment, sentence) newly synthesised
        for pending in group:
            if pending.reused:
                pending.finished = self._reused(pending)
                continue
            for position, part in enumerate(pending.parts):
                if isinstance(part, _Job):
                    result = part.future.result()[part.index]
                    pending.parts[position] = trim_silence(result, self.sample_rate)
                    fresh.append((pending, position))
        passed = [True] * len(fresh)
        gate = group[0].gate
        if gate is not None and fresh:
            best, passed = self._gated(
                [pending.sentences[i] for pending, i in fresh],
                [self._take(pending, i) for pending, i in fresh],
                [pending.voice for pending, _ in fresh],
                gate,
            )
            for (pending, i), take in zip(fresh, best, strict=True):
                pending.parts[i] = take
            if gate is self.framing_gate:  # heard once, all together: Whisper can go
                gate.close()
        flagged: dict[int, list[str]] = {id(pending): [] for pending in group}
        for (pending, i), ok in zip(fresh, passed, strict=True):
            key = pending.keys[i]
            if ok:
                self.cache.put(key, self._take(pending, i), self.sample_rate)
            else:
                flagged[id(pending)].append(pending.sentences[i])
            self._in_flight.pop(key, None)
        for pending in group:
            if not pending.reused:
                takes = [self._take(pending, i) for i in range(len(pending.parts))]
                self._count_done(pending)
                pending.finished = self._assemble(pending, takes, tuple(flagged[id(pending)]))
                pending.parts = []

    @staticmethod
    def _take(pending: _Pending, position: int) -> np.ndarray:
        part = pending.parts[position]
        assert not isinstance(part, _Job), "a sentence's audio, once its job is done"
        return part

    def _count_done(self, pending: _Pending) -> None:
        for _ in pending.sentences:  # progress counts sentences, as `total` does
            self.done += 1
            self.progress("speech", self.done, self.total)

    def _reused(self, pending: _Pending) -> SpokenSegment:
        self._count_done(pending)
        return SpokenSegment(
            segment=pending.segment,
            audio=np.zeros(0, dtype=np.float32),
            sample_rate=self.sample_rate,
            sentences=tuple((0.0, 0.0, text) for text in pending.sentences),
            key=pending.key,
            reused=True,
        )

    def _gated(
        self,
        texts: list[str],
        takes: list[np.ndarray],
        voices: list[str | None],
        gate: QualityGate,
    ) -> tuple[list[np.ndarray], list[bool]]:
        """The best take of each sentence and whether it passed the gate.

        Each round hears all the takes still failing in one Whisper pass and asks for
        new takes of those together, so the pool speaks them in parallel.
        """
        framing = gate is self.framing_gate
        best = list(takes)
        scores = gate.hear_all(texts, takes, self.sample_rate)
        best_wer = [wer for wer, _ in scores]
        transcripts = [{heard} for _, heard in scores]
        failing = [i for i, wer in enumerate(best_wer) if not gate.passes(wer)]
        for _ in range(INTRO_EXTRA_TAKES if framing else EXTRA_TAKES):
            if not failing:
                break
            futures = [self.synthesizer.submit([texts[i]], voices[i]) for i in failing]
            retakes = [trim_silence(f.result()[0], self.sample_rate) for f in futures]
            scores = gate.hear_all([texts[i] for i in failing], retakes, self.sample_rate)
            still_failing = []
            for i, retake, (wer, heard) in zip(failing, retakes, scores, strict=True):
                if wer < best_wer[i]:
                    best[i], best_wer[i] = retake, wer
                # The same words heard twice: the recogniser hears this sentence its own
                # way (a name, a word it spells its way), and more takes won't change it.
                if not gate.passes(best_wer[i]) and not (framing and heard in transcripts[i]):
                    still_failing.append(i)
                transcripts[i].add(heard)
            failing = still_failing
        passed = []
        for text, wer in zip(texts, best_wer, strict=True):
            ok = gate.passes(wer)
            passed.append(ok or framing)
            if ok:
                continue
            if framing:  # the best of several takes: keep it, don't flag it
                logger.info("intro/outro: best take of %r has WER %.2f", text, wer)
                continue
            self.flagged += 1
            logger.warning("quality gate: best take of %r has WER %.2f", text, wer)
            self.progress("speech: sentences flagged by the quality gate", self.flagged, None)
        return best, passed

    def _assemble(
        self, pending: _Pending, takes: list[np.ndarray], flagged: tuple[str, ...]
    ) -> SpokenSegment:
        rate = self.sample_rate
        segment = pending.segment
        pieces = [silence(segment.pause_before, rate)]
        offset = pieces[0].size
        timings: list[tuple[float, float, str]] = []
        gap = silence(self.audio.sentence_pause, rate)
        for position, (text, take) in enumerate(zip(pending.sentences, takes, strict=True)):
            if position:
                pieces.append(gap)
                offset += gap.size
            timings.append((offset / rate, (offset + take.size) / rate, text))
            pieces.append(take)
            offset += take.size
        pieces.append(silence(segment.pause_after, rate))
        return SpokenSegment(
            segment=segment,
            audio=np.concatenate(pieces).astype(np.float32, copy=False),
            sample_rate=rate,
            sentences=tuple(timings),
            flagged=bool(flagged),
            flagged_sentences=flagged,
            key=None if flagged else pending.key,
        )
