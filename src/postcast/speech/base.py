"""The speech stage's interface: an engine turns one sentence into mono float32 audio."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

import numpy as np

from postcast.models import Segment


class SpeechEngine(ABC):
    """A TTS engine plug-in. Heavy loading happens on first use, never at import."""

    name: str = ""

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


@dataclass
class SpokenSegment:
    """A narration segment with its audio (silences included) at `sample_rate`."""

    segment: Segment
    audio: np.ndarray  # mono float32
    sample_rate: int
    # (start, end, text) of each sentence inside `audio`, in seconds from its start
    sentences: tuple[tuple[float, float, str], ...] = ()
