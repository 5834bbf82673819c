"""The speech stage's interface: an engine turns one sentence into mono float32 audio."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol

import numpy as np

from postcast.config import SpeechConfig
from postcast.models import Segment

if TYPE_CHECKING:
    from collections.abc import Callable

    from postcast.narration.lexicon import LexiconEntry


class PronunciationLexicon(Protocol):
    """What the engines need from `postcast.narration.lexicon.Lexicon`."""

    @property
    def version(self) -> str: ...

    def to_piper(self, text: str) -> str:
        """Known words wrapped as Piper `[[ ipa ]]` phoneme blocks."""
        ...

    def respell(self, text: str) -> str:
        """Known words replaced by spellings any engine reads right."""
        ...

    def rewrite(self, text: str, pronounce: Callable[[LexiconEntry, str], str | None]) -> str:
        """Known words in an engine's own notation (`pronounce(entry, possessive)`)."""
        ...


class FinishedSegments(Protocol):
    """Segments the consumer of `speak` already holds finished (the audio stage's
    mastered chunks), by segment key."""

    def has(self, key: str) -> bool:
        """Whether it holds `key` now: cheap, for planning only."""
        ...

    def claim(self, key: str) -> bool:
        """Hold `key` until the consumer takes it; False if it cannot."""
        ...


class Concurrency(StrEnum):
    """How an engine is best run on several sentences at once."""

    PROCESSES = "processes"  # CPU-bound in the GIL or one session per core: a process pool
    THREADS = "threads"  # waits on a subprocess or the network: a thread pool
    SHARED = "shared"  # CPU-bound outside the GIL: one thread per CPU thread, one model
    SINGLE = "single"  # one instance uses the whole machine (a GPU, all-core ORT)


class SpeechEngine(ABC):
    """A TTS engine plug-in. Heavy loading happens on first use, never at import.

    Engines are built as `Engine(config, lexicon, threads)`: `threads` is how many CPU
    threads one instance may use (0: all of them); the process pool passes 1.
    """

    name: str = ""
    # Whether a second take of the same sentence can sound different (Piper samples
    # noise; espeak-ng does not): retakes only help an engine whose takes vary.
    takes_vary: bool = True

    def __init__(
        self, config: SpeechConfig, lexicon: PronunciationLexicon | None = None, threads: int = 0
    ) -> None:
        self.config = config
        self.lexicon = lexicon
        self.threads = threads

    @property
    @abstractmethod
    def sample_rate(self) -> int:
        """Sample rate of the audio `synthesize` returns."""

    @abstractmethod
    def synthesize(self, text: str, voice: str | None = None) -> np.ndarray:
        """Speak one sentence; return mono float32 samples in [-1, 1], unnormalised."""

    @abstractmethod
    def identity(self, voice: str | None = None) -> str:
        """Everything that changes the sound (engine, voice, settings, lexicon version).

        Part of the sentence-cache key: two calls with equal identity and text
        must give interchangeable audio.
        """

    def synthesize_batch(self, texts: list[str], voice: str | None = None) -> list[np.ndarray]:
        """Speak several sentences; engines that can batch (a GPU) override this."""
        return [self.synthesize(text, voice) for text in texts]

    def concurrency(self) -> Concurrency:
        """How `speak` should spread sentences over the machine for this engine."""
        return Concurrency.THREADS

    def close(self) -> None:  # noqa: B027 - optional hook, most engines hold nothing
        """Release sessions, connections, subprocesses (default: nothing to release)."""

    def warm_up(self) -> None:  # noqa: B027 - optional hook, most engines load nothing
        """Load what the first sentence would wait for (a model, a phonemizer), so that a
        long-running process's first render pays no start-up (default: nothing to load)."""

    def lexicon_version(self) -> str:
        return self.lexicon.version if self.lexicon is not None else "none"

    def pronounced(self, text: str) -> str:
        """`text` as the voice is given it (the lexicon applied); with `identity`, the
        sentence-cache key. The built-in engines return what they speak and leave the
        lexicon's version out of `identity` (LEXICON_IN_TEXT), so a changed word re-speaks
        only the sentences that hold it. This default keys on the text as written: an
        engine keeping it must put `lexicon_version()` in its identity."""
        return text


# In `identity` of an engine whose `pronounced` applies the lexicon.
LEXICON_IN_TEXT = "lexicon=in-text"


@dataclass
class SpokenSegment:
    """A narration segment with its audio (silences included) at `sample_rate`."""

    segment: Segment
    audio: np.ndarray  # mono float32
    sample_rate: int
    # (start, end, text) of each sentence inside `audio`, in seconds from its start
    sentences: tuple[tuple[float, float, str], ...] = ()
    # the quality gate could not get a sentence under `quality_max_wer` in any take
    flagged: bool = False
    flagged_sentences: tuple[str, ...] = ()
    # What the audio is made of (sentence cache keys, pauses, rate): equal keys mean
    # interchangeable audio. None when some take was not kept (flagged) or unknown.
    key: str | None = None
    # The consumer's `reuse` callback claimed this key: `audio` is left empty, and the
    # sentences' times are the consumer's to know.
    reused: bool = False
