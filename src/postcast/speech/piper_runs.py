"""How much of a sentence Piper speaks in one run, and what a run leaves behind.

One run of the bundled voice needs ~20 MB per second of the audio it makes (its
decoder's working buffers), over the ~200 MB of the loaded voice: a 400-character
sentence (21 s) peaked at 615 MB, a table row of 40 "zero,"s (19 s) at 700 MB beside
the intro gate's Whisper. ONNX Runtime's CPU arena then keeps that memory for the rest
of the process. Two bounds follow:

- a sentence with more than `MAX_RUN_PHONEMES` phonemes in one of Piper's runs is
  spoken in halves, cut at the clause break (else the space) nearest its middle and
  joined with a short pause, so no run passes ~13 s of audio (~450 MB);
- after a run of more than `SHRINK_AFTER_IDS` phoneme ids the arena hands its free
  memory back. Shrinking after every run cost 22% more CPU (the pages are freed and
  faulted in again each sentence); most sentences are shorter than this.

Measured no help: the arena off (880-920 MB: the allocator keeps the freed pages),
growing it only by what is asked (kSameAsRequested: worse), memory patterns off.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import onnxruntime

# ~12.8 s of audio at the densest measured speech (19.5 phonemes a second): about 220
# characters of prose. Sentences shorter than this are spoken as Piper always spoke them.
MAX_RUN_PHONEMES = 250
# ~150 phonemes (~7.5 s): Piper's ids are the phonemes with a pad between each two.
SHRINK_AFTER_IDS = 300
CLAUSE_PAUSE_S = 0.25  # between halves cut at a comma, semicolon, colon or dash
WORD_PAUSE_S = 0.1  # between halves cut at a space: a breath, not a clause's pause
ARENA_SHRINKAGE = ("memory.enable_memory_arena_shrinkage", "cpu:0")

_CLAUSE_BREAK = re.compile(r"(?<=[,;:—–)])\s+")
_SPACE = re.compile(r"\s+")


def _shrinking_run_options() -> onnxruntime.RunOptions:
    options = onnxruntime.RunOptions()
    options.add_run_config_entry(*ARENA_SHRINKAGE)
    return options


class ArenaReturningSession:
    """An ONNX Runtime session whose CPU arena gives back what a long run took.

    It stands in for the session in `piper.PiperVoice` (which only calls `run`); any
    other attribute is the wrapped session's.
    """

    def __init__(self, session: onnxruntime.InferenceSession) -> None:
        self.session = session
        self.shrinking_options = _shrinking_run_options()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.session, name)

    def run(
        self,
        output_names: list[str] | None,
        input_feed: dict[str, Any],
        run_options: onnxruntime.RunOptions | None = None,
    ) -> list[Any]:
        if run_options is None and _longest_input(input_feed) > SHRINK_AFTER_IDS:
            run_options = self.shrinking_options
        outputs: list[Any] = self.session.run(output_names, input_feed, run_options)
        return outputs


def _longest_input(input_feed: dict[str, Any]) -> int:
    """The phoneme ids in a run: the last axis of its longest input (`input`, padded)."""
    return max((int(np.shape(value)[-1]) for value in input_feed.values()), default=0)


@dataclass(frozen=True)
class Halves:
    head: str
    tail: str
    pause_s: float  # the silence to put between them


def halve(text: str) -> Halves:
    """`text` cut in two: at the clause break nearest its middle, if one is in its middle
    half, else at the space nearest its middle; a single long "word" (a hash, a run of
    letters) is cut at its middle."""
    middle = len(text) // 2
    clauses = [
        cut for cut in _CLAUSE_BREAK.finditer(text) if abs(cut.start() - middle) <= middle / 2
    ]
    spaces = [cut for cut in _SPACE.finditer(text) if cut.start() > 0 and cut.end() < len(text)]
    for breaks, pause in ((clauses, CLAUSE_PAUSE_S), (spaces, WORD_PAUSE_S)):
        if breaks:
            cut = min(breaks, key=lambda match: abs(match.start() - middle))
            return Halves(text[: cut.start()], text[cut.end() :], pause)
    return Halves(text[:middle], text[middle:], WORD_PAUSE_S)
