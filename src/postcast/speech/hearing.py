"""A quality gate's Whisper in a short-lived process of its own, not beside the voice.

Whisper and its libraries (CTranslate2, PyAV, tokenizers) take ~180 MB, and the intro
gate hears while Piper speaks the body in the render's process: a two-paragraph post's
render peaked at 690 MB. Heard in a spawned process that ends once the intro and outro
are heard, Whisper's memory is gone before the body's long sentences need the voice's;
the price is starting one Python (~0.3 CPU-s), paid while the voice speaks.

A job queue's worker process is daemonic and may not start one: there Whisper hears in
the worker itself and stays loaded between episodes, as its voice does
(`quality.loaded_whisper`).

Hearing stays deterministic: the gate decodes at temperature 0 (greedy or beam search),
so CTranslate2 draws no random numbers and the process hears what this one would.
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from postcast.speech.quality import QualityGate

logger = logging.getLogger(__name__)


class HearingProcess:
    """Hears for `gate` in a spawned process, started on first use, ended by `close`."""

    def __init__(self, gate: QualityGate) -> None:
        self.gate = gate
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    @staticmethod
    def possible() -> bool:
        """A daemonic process (some job queues' workers) may not start children."""
        return not multiprocessing.current_process().daemon

    def start(self) -> Future[None]:
        """Start the process and load Whisper there, in the background of this one."""
        return self._executor().submit(_load_whisper)

    def transcribe(self, audio: np.ndarray, sample_rate: int, hotwords: str | None) -> str:
        try:
            return self._executor().submit(_hear, audio, sample_rate, hotwords).result()
        except BrokenProcessPool as error:  # killed (out of memory?): hear here instead
            logger.warning("the quality gate's Whisper process stopped (%s): heard here", error)
            self.close()
            return self.gate.transcribe_here(audio, sample_rate, hotwords)

    def close(self) -> None:
        """End the process, and its Whisper with it; a later `transcribe` starts another."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)

    @property
    def running(self) -> bool:
        return self._pool is not None

    def _executor(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                gate = self.gate
                self._pool = ProcessPoolExecutor(
                    max_workers=1,
                    # spawned, not forked: a fork would copy the voice's pages and threads
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=_make_gate,
                    initargs=(gate.max_wer, gate.threads, gate.beam_size),
                )
            return self._pool


# --- inside the hearing process ------------------------------------------------------

_process_gate: QualityGate | None = None


def _make_gate(max_wer: float, threads: int, beam_size: int) -> None:
    from postcast.speech.quality import QualityGate  # here: quality.py imports this module

    global _process_gate
    _process_gate = QualityGate(max_wer, threads, beam_size)


def _gate() -> QualityGate:
    assert _process_gate is not None, "the hearing process starts with its gate"
    return _process_gate


def _load_whisper() -> None:
    _gate().load()


def _hear(audio: np.ndarray, sample_rate: int, hotwords: str | None) -> str:
    return _gate().transcribe_here(audio, sample_rate, hotwords)
