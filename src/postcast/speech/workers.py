"""Spreading synthesis over the machine: a thread pool, a process pool, or one session.

Each synthesiser takes a batch of sentences for one voice and returns a future of
their audio; `speak` keeps the futures in order, so output order never depends on
which worker finishes first.
"""

from __future__ import annotations

import contextvars
import multiprocessing
import os
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from postcast import logs, metrics
from postcast.config import SpeechConfig
from postcast.errors import PostcastError, SpeechError
from postcast.speech.base import Concurrency, PronunciationLexicon, SpeechEngine
from postcast.speech.registry import create_engine

# Measured by benchmarks/speech_parallel.py on the 2-core development machine: a pool
# of single-threaded ONNX sessions beat one session on every core in 7 of 8 rounds
# (best RTF 0.110 vs 0.126, up to 1.9x under load); the numbers are in its docstring.
PIPER_CPU_DEFAULT = Concurrency.PROCESSES
POOL_MIN_SENTENCES = 24  # fewer, and the pool's start-up costs more than it saves


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@dataclass(frozen=True)
class Plan:
    """How many workers of which kind, and whether a job is a whole segment's sentences."""

    mode: Concurrency
    workers: int

    @property
    def batches_segments(self) -> bool:
        return self.mode is Concurrency.SINGLE


def plan_for(engine: SpeechEngine, config: SpeechConfig, sentences: int | None = None) -> Plan:
    """`config.workers` if set (1: one in-process engine), else what suits the engine
    and the amount of work (`sentences`, when known)."""
    mode = engine.concurrency()
    if mode is Concurrency.PROCESSES:
        if config.workers == 1 or (config.workers == 0 and not _pool_pays(sentences)):
            return Plan(Concurrency.SINGLE, 1)
        return Plan(Concurrency.PROCESSES, config.workers or available_cores())
    if mode is Concurrency.SINGLE:
        return Plan(Concurrency.SINGLE, 1)
    if mode is Concurrency.SHARED:  # its threads are its CPU threads: `threads` bounds them
        return Plan(Concurrency.SHARED, config.workers or engine.threads or available_cores())
    return Plan(Concurrency.THREADS, config.workers or max(4, available_cores()))


def _pool_pays(sentences: int | None) -> bool:
    """Starting worker processes costs ~2 s (spawn, import, load the voice): a short
    script is done sooner by the one engine already in this process."""
    if PIPER_CPU_DEFAULT is Concurrency.SINGLE or available_cores() < 2:
        return False
    return sentences is None or sentences >= POOL_MIN_SENTENCES


class Synthesizer:
    """Runs `engine.synthesize_batch` on an executor made on the first job."""

    def __init__(
        self,
        engine: SpeechEngine,
        plan: Plan,
        config: SpeechConfig,
        lexicon: PronunciationLexicon | None,
    ) -> None:
        self.engine = engine
        self.plan = plan
        self.config = config
        self.lexicon = lexicon
        self._executor: Executor | None = None
        self.meter = metrics.SynthesisMeter(engine.name, engine.sample_rate)

    def _start(self) -> Executor:
        if self.plan.mode is Concurrency.PROCESSES and multiprocessing.current_process().daemon:
            # a daemonic worker (some job queues) may not have children: use one thread
            self.plan = Plan(Concurrency.SINGLE, 1)
        if self.plan.mode is Concurrency.PROCESSES:
            # spawn, not fork: the parent may already hold ONNX Runtime's threads.
            return ProcessPoolExecutor(
                max_workers=self.plan.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_worker,
                initargs=(self.config, self.lexicon, logs.snapshot()),
            )
        return ThreadPoolExecutor(max_workers=self.plan.workers, thread_name_prefix="speech")

    def submit(self, texts: list[str], voice: str | None) -> Future[list[np.ndarray]]:
        if self._executor is None:
            self._executor = self._start()
        if self.plan.mode is Concurrency.PROCESSES:
            future = self._executor.submit(_worker_synthesize, texts, voice)
        else:  # in this process: in a copy of the caller's context (its episode's GUID)
            run = contextvars.copy_context().run
            batch = self.engine.synthesize_batch
            future = self._executor.submit(run, metrics.timed_batch, batch, texts, voice)
        future.add_done_callback(self.meter.observe)
        return future

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
        self.meter.close()


# --- inside a worker process --------------------------------------------------------

_worker_engine: SpeechEngine | None = None


def _start_worker(
    config: SpeechConfig,
    lexicon: PronunciationLexicon | None,
    log_settings: logs.LogSettings | None = None,
) -> None:
    global _worker_engine
    logs.restore(log_settings)
    # One single-threaded ONNX session per process: processes, not threads, share the cores.
    _worker_engine = create_engine(config, lexicon, threads=1)


def _worker_synthesize(texts: list[str], voice: str | None) -> list[np.ndarray]:
    assert _worker_engine is not None, "worker started without its engine"
    try:
        return metrics.timed_batch(_worker_engine.synthesize_batch, texts, voice)
    except SpeechError:
        raise
    except PostcastError as error:
        # other errors take their own arguments and would not unpickle in the parent
        raise SpeechError(str(error)) from None
