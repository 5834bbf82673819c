"""Prometheus metrics: what the pipeline counts, and how a process exposes them.

The stages record through the functions here (one line each where the work happens);
`GET /metrics` on `postcast web` and `serve_metrics(port)` on a worker expose them.

Several processes: a Celery prefork worker renders in child processes, and each
child's counters live in its own memory. prometheus_client's multiprocess mode is the
standard answer and is used whenever `PROMETHEUS_MULTIPROC_DIR` is set (it must be set
before the process starts, and emptied before the first one starts): every process
writes its values to files in that folder, and any process's exposition adds them all
up. Point the workers and `postcast web` on one machine at the same folder and either
endpoint answers for all of them. Without it, each process exposes its own values,
which is right for one process (`postcast run`, the web app alone).

Synthesis is measured where it runs (a speech pool's worker process too) and reported
back with the audio (`TimedBatch`), so it is recorded in the rendering process itself:
the speech pool's short-lived processes need no multiprocess folder.
"""

from __future__ import annotations

import os
import struct
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from datetime import datetime
from functools import wraps
from typing import Any, ParamSpec, TypeVar
from wsgiref.simple_server import WSGIServer

import numpy as np
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
    start_http_server,
)
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector

NAMESPACE = "postcast"
MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"

EPISODES_RENDERED = Counter(
    "episodes_rendered",
    "Episodes rendered and recorded, by the kind of source their post came from.",
    ["source_kind"],
    namespace=NAMESPACE,
)
EPISODES_FAILED = Counter(
    "episodes_failed",
    "Episode renders that failed (the episode is marked failed), by source kind.",
    ["source_kind"],
    namespace=NAMESPACE,
)
SYNTHESIS_SECONDS = Histogram(
    "synthesis_seconds",
    "Seconds the TTS engine took to speak one batch of sentences.",
    ["engine"],
    namespace=NAMESPACE,
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120),
)
SYNTHESIZED_AUDIO_SECONDS = Counter(
    "synthesized_audio_seconds",
    "Seconds of audio the TTS engine spoke (rate(synthesis_seconds_sum) / rate(this): RTF).",
    ["engine"],
    namespace=NAMESPACE,
)
REAL_TIME_FACTOR = Histogram(
    "real_time_factor",
    "Per episode: engine seconds spent speaking / seconds of audio spoken (below 1: faster "
    "than real time; with a pool, per worker).",
    ["engine"],
    namespace=NAMESPACE,
    buckets=(0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 5),
)
QUEUE_LATENCY_SECONDS = Histogram(
    "queue_latency_seconds",
    "Seconds from a task's enqueueing to its start on a worker.",
    ["task"],
    namespace=NAMESPACE,
    buckets=(0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600, 4 * 3600, 24 * 3600),
)
SENTENCE_CACHE_HITS = Counter(
    "sentence_cache_hits", "Sentences found in the sentence cache.", namespace=NAMESPACE
)
SENTENCE_CACHE_MISSES = Counter(
    "sentence_cache_misses", "Sentences the sentence cache did not hold.", namespace=NAMESPACE
)
SEGMENT_CACHE_HITS = Counter(
    "segment_cache_hits", "Segments found mastered in the chunk cache.", namespace=NAMESPACE
)
SEGMENT_CACHE_MISSES = Counter(
    "segment_cache_misses", "Segments the chunk cache did not hold.", namespace=NAMESPACE
)
_LOOKUPS = {
    "sentence": (SENTENCE_CACHE_HITS, SENTENCE_CACHE_MISSES),
    "segment": (SEGMENT_CACHE_HITS, SEGMENT_CACHE_MISSES),
}

P = ParamSpec("P")
R = TypeVar("R")


def episode_rendered(source_kind: str) -> None:
    EPISODES_RENDERED.labels(source_kind=source_kind).inc()


def episode_failed(source_kind: str) -> None:
    EPISODES_FAILED.labels(source_kind=source_kind).inc()


def observe_queue_latency(
    enqueued_at: float | datetime, task: str, now: float | None = None
) -> float:
    """Record a task's wait, from `enqueued_at` (epoch seconds, or an aware datetime, as
    the message carries it) to `now` (default: the present); returns the seconds. The
    task wrapper calls this as a task starts. Another machine's clock may run ahead:
    a negative wait counts as none."""
    if isinstance(enqueued_at, datetime):
        enqueued_at = enqueued_at.timestamp()
    waited = max(0.0, (time.time() if now is None else now) - enqueued_at)
    QUEUE_LATENCY_SECONDS.labels(task=task).observe(waited)
    return waited


def counts_lookups(cache: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorate a cache's lookup: a result that is neither None nor False is a hit."""
    hits, misses = _LOOKUPS[cache]

    def decorate(lookup: Callable[P, R]) -> Callable[P, R]:
        @wraps(lookup)
        def counted(*args: P.args, **kwargs: P.kwargs) -> R:
            found = lookup(*args, **kwargs)
            (misses if found is None or found is False else hits).inc()
            return found

        return counted

    return decorate


class TimedBatch(list[np.ndarray]):
    """A batch's audio, and the seconds the engine took to make it where it ran: a
    list, so it is what callers already expect, and it pickles with its `seconds`
    across a process pool."""

    seconds: float = 0.0


def timed_batch(
    synthesize: Callable[[list[str], str | None], list[np.ndarray]],
    texts: list[str],
    voice: str | None,
) -> TimedBatch:
    start = time.perf_counter()
    batch = TimedBatch(synthesize(texts, voice))
    batch.seconds = time.perf_counter() - start
    return batch


class SynthesisMeter:
    """Records each finished batch (a future's done-callback) and, when the episode's
    speech is over (`close`), the episode's real-time factor."""

    def __init__(self, engine: str, sample_rate: int) -> None:
        self.engine = engine or "unknown"
        self.sample_rate = sample_rate
        self.seconds = 0.0
        self.audio_seconds = 0.0
        self._lock = threading.Lock()  # callbacks arrive on the pool's threads

    def observe(self, future: Future[Any]) -> None:
        if future.cancelled() or future.exception() is not None:
            return
        batch = future.result()
        if not isinstance(batch, TimedBatch):
            return
        audio = sum(part.size for part in batch) / self.sample_rate
        SYNTHESIS_SECONDS.labels(engine=self.engine).observe(batch.seconds)
        SYNTHESIZED_AUDIO_SECONDS.labels(engine=self.engine).inc(audio)
        with self._lock:
            self.seconds += batch.seconds
            self.audio_seconds += audio

    def close(self) -> None:
        with self._lock:
            seconds, audio = self.seconds, self.audio_seconds
            self.seconds = self.audio_seconds = 0.0
        if audio > 0:
            REAL_TIME_FACTOR.labels(engine=self.engine).observe(seconds / audio)


# --- exposition ------------------------------------------------------------------------


def multiprocess_mode() -> bool:
    return bool(os.environ.get(MULTIPROCESS_ENV))


def registry() -> CollectorRegistry:
    """What an exposition reports: every process's values in multiprocess mode (a fresh
    registry reading the folder, as prometheus_client prescribes), else this process's."""
    if not multiprocess_mode():
        return REGISTRY
    collecting = CollectorRegistry()
    collecting.register(_PoolCollector())
    return collecting


# A pool process that starts (or records a new label) while /metrics reads its file can be
# caught half-written: prometheus_client then raises (struct.error, "Read beyond file size")
# and the scrape answered 500. Read again, as the next moment's file is whole.
_READ_ATTEMPTS = 5
_HALF_WRITTEN = (struct.error, RuntimeError, ValueError, UnicodeDecodeError)


class _PoolCollector(Collector):
    """prometheus_client's multiprocess collector, reading again a file caught mid-write."""

    def collect(self) -> Iterable[Metric]:
        for attempt in range(_READ_ATTEMPTS):
            try:
                pool = multiprocess.MultiProcessCollector(None)  # type: ignore[no-untyped-call]
                metrics: list[Metric] = list(pool.collect())  # type: ignore[no-untyped-call]
                return metrics
            except _HALF_WRITTEN:
                if attempt == _READ_ATTEMPTS - 1:
                    raise
                time.sleep(0.02)
        return []


def exposition() -> tuple[bytes, str]:
    """The text exposition and its content type, for an HTTP answer."""
    return generate_latest(registry()), CONTENT_TYPE_LATEST


def serve_metrics(port: int, addr: str = "0.0.0.0") -> WSGIServer:
    """Serve `/metrics` from a background thread (a worker's own HTTP port); returns the
    server (`shutdown()` stops it). In multiprocess mode, call it in one process only
    (a prefork worker's parent): it reports every process's values."""
    server, _thread = start_http_server(port, addr, registry=registry())
    return server


def process_exited(pid: int) -> None:
    """Tell multiprocess mode that a worker process is gone (from the pool's
    process-shutdown hook), so live gauges stop counting it."""
    if multiprocess_mode():
        multiprocess.mark_process_dead(pid)  # type: ignore[no-untyped-call]


def sample(name: str, labels: dict[str, str] | None = None) -> float:
    """One sample's value as exposed now (0 when absent): for tests and health reports."""
    value = registry().get_sample_value(name, labels or {})
    return 0.0 if value is None else value
