"""What the Celery service's benchmarks share: a library of prose posts on a fresh
PostgreSQL database and a Redis database of their own (claimed as the tests claim
theirs, so a test suite running at the same time never shares it), `postcast worker`
processes with the bundled Piper voice, and the clock.

Every worker runs `--concurrency 1 --threads 1`: one worker is one core's worth of work,
so "2 workers against 1" measures how the service scales out, as two machines would.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from subprocess import Popen

import psutil

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "src"), str(REPO), str(REPO / "benchmarks")]

from prose import paragraphs  # noqa: E402

from postcast.config import SpeechConfig, load_config  # noqa: E402
from postcast.service.jobs.app import make_app  # noqa: E402
from postcast.service.jobs.sending import send_fetch  # noqa: E402
from postcast.storage import Library, open_library  # noqa: E402
from tests.service.jobs.support import (  # noqa: E402
    make_library,
    own_redis_database,
    start_worker_process,
    stop_worker,
    wait_until,
)

POSTGRES = "postgresql://postgres@127.0.0.1:5432/"
DEFAULT_ENGINE = SpeechConfig().engine  # the voice a new library speaks with
SOURCE = "drafts"  # the one source make_library configures
WORKER_OPTIONS = ("--threads", "1")  # with support's --concurrency 1: one core each
PATIENCE = 4 * 3600.0  # a deadline for a stuck run, never a speed bound


@contextmanager
def fresh_database() -> Iterator[str]:
    """A new, empty PostgreSQL database on the local server, dropped afterwards."""
    import psycopg

    name = f"postcast_bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES + "postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield POSTGRES + name
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def write_prose_post(folder: Path, number: int, words: int) -> Path:
    """Post `number`: about `words` words of ordinary prose, its own sentences."""
    body = "\n\n".join(paragraphs(words, seed=1000 + number))
    path = folder / f"post-{number:03d}.md"
    path.write_text(
        f"---\ntitle: Essay number {number}\nauthor: Bench Mark\n"
        f"date: 2025-01-{number % 28 + 1:02d}\n---\n\n{body}\n"
    )
    return path


@dataclass
class ServiceRun:
    """One library with its own database, broker database, cache and site."""

    root: Path
    config_path: Path
    workers: list[Popen[bytes]] = field(default_factory=list)
    cpu_seconds: float = 0.0  # the workers' CPU time during the last `wait`
    pin: bool = False  # each worker on a core of its own (as if on a machine of its own)

    def library(self) -> Library:
        return open_library(load_config(self.config_path).library.database)

    def start_workers(self, count: int, *, wait_ready: bool = True) -> list[Popen[bytes]]:
        started = []
        for _ in range(count):
            log = self.root / f"worker{len(self.workers)}.log"
            started.append(start_worker_process(self.config_path, log, *WORKER_OPTIONS))
            if self.pin:  # long before its pool forks (imports take a second or more)
                self._pin(started[-1], len(self.workers))
            self.workers.append(started[-1])
        if wait_ready:
            for worker in started:
                self._wait_ready(worker)
                if self.pin:  # in case a pool process forked before its parent was pinned
                    self._pin(worker, self.workers.index(worker))
        return started

    @staticmethod
    def _pin(worker: Popen[bytes], number: int) -> None:
        cores = sorted(os.sched_getaffinity(0))
        process = psutil.Process(worker.pid)
        for member in [process, *process.children(recursive=True)]:
            member.cpu_affinity([cores[number % len(cores)]])

    def _wait_ready(self, worker: Popen[bytes]) -> None:
        log = self.root / f"worker{self.workers.index(worker)}.log"
        wait_until(
            lambda: worker.poll() is None and b" ready." in log.read_bytes(),
            f"worker {worker.pid} ready (see {log})",
        )

    def fetch(self) -> None:
        """What `postcast enqueue` sends, from this process (no interpreter to start)."""
        send_fetch(make_app(load_config(self.config_path)), SOURCE)

    def wait(self, check: Callable[[Library], bool], what: str, poll_seconds: float = 0.1) -> float:
        """Seconds until `check(library)` holds, polling every `poll_seconds`; the CPU
        the workers used meanwhile is kept in `cpu_seconds`.

        Each poll is a query (about 2 ms of this process and PostgreSQL): at 10 a second,
        2% of a core that, on a machine whose cores the workers fill, is taken from them.
        A run of a minute or more polls every half second instead: it ends at most that
        late, which counts against the faster run, never for it."""
        before = self.worker_cpu_seconds()
        start = time.perf_counter()
        with self.library() as library:
            while not check(library):
                if time.perf_counter() - start > PATIENCE:
                    raise AssertionError(f"never happened: {what}")
                time.sleep(poll_seconds)
        seconds = time.perf_counter() - start
        self.cpu_seconds = self.worker_cpu_seconds() - before
        return seconds

    def worker_cpu_seconds(self) -> float:
        """CPU seconds (user and system) used so far by the workers and their pool
        children, every thread counted: how many cores a worker really keeps busy."""
        total = 0.0
        for worker in self.workers:
            process = psutil.Process(worker.pid)
            for member in [process, *process.children(recursive=True)]:
                times = member.cpu_times()
                total += times.user + times.system
        return total

    def cores_busy(self, seconds: float) -> float:
        """The workers' average CPU use over the last `wait`, in cores."""
        return self.cpu_seconds / seconds


def all_published(count: int) -> Callable[[Library], bool]:
    return lambda library: library.count_by_status() == {"published": count}


@contextmanager
def service_run(
    engine: str = DEFAULT_ENGINE, pin: bool = False, **service: float
) -> Iterator[ServiceRun]:
    """A library with no posts yet (write them into `run.root / "posts"`), the voice of
    `engine` with every take of a sentence the same and its intro unchecked, and
    `[service]` settings `service`; with `pin`, each worker on a core of its own. Its
    workers are stopped and its databases dropped at the end."""
    with ExitStack() as stack:
        database = stack.enter_context(fresh_database())
        broker = stack.enter_context(own_redis_database())
        if broker is None:
            raise SystemExit("no free Redis database among 1..15 on 127.0.0.1:6379")
        root = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-service-")))
        settings = {"visibility_timeout": 3600.0, "publish_delay_seconds": 1.0, **service}
        config = make_library(root, 0, database, broker, engine=engine, **settings)
        run = ServiceRun(root, config, pin=pin)
        try:
            yield run
        finally:
            for worker in run.workers:
                stop_worker(worker)


def ceiling_note(one_worker_cores: float) -> str:
    """What one worker's CPU use allows 2 workers on this machine: a worker speaks in
    one thread and masters the segments already spoken in another, so it keeps more
    than one core busy, and two workers on 2 cores cannot be twice as fast as one."""
    cores = psutil.cpu_count() or 1
    ceiling = min(2.0, cores / one_worker_cores)
    return (f"1 worker kept {one_worker_cores:.2f} cores busy: on {cores} cores, 2 workers "
            f"can be at most {ceiling:.2f}x as fast")  # fmt: skip


def verdict(figure: float, goal: float, at_least: bool = True) -> int:
    """Print whether `figure` meets `goal`; the exit status to return."""
    met = figure >= goal if at_least else figure <= goal
    print(f"goal {'>=' if at_least else '<='} {goal:g}: {'met' if met else 'MISSED'}")
    return 0 if met else 1
