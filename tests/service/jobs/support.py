"""A small library for the service's tests: local Markdown posts, the espeak voice, the
local PostgreSQL and Redis; and the checks every crash test ends with."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import feedparser
import soundfile

from postcast.config import Config, load_config
from postcast.faults import PAUSE_DIR
from postcast.service.jobs.app import QUEUES, PostcastCelery
from postcast.service.jobs.tasks import worker_app

BASE_URL = "https://pod.example.org/"
POSTCAST = [sys.executable, "-m", "postcast"]
TOPICS = ("river", "garden", "market", "harbour", "orchard", "bridge")
LOCK_FILES = {".postcast.lock", ".postcast.publish.lock"}  # permanent, not leftovers
WAIT_SECONDS = 180.0  # a deadline for events, never a speed bound
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
CLAIM = "postcast-test-claim"


def write_post(folder: Path, number: int, edition: int = 0, title: str | None = None) -> Path:
    """A short post (eligible: over 250 characters), different for every number."""
    sentences = " ".join(
        f"Sentence {n} of post {number} is about the {TOPICS[(n + number) % len(TOPICS)]}."
        for n in range(5)
    )
    path = folder / f"post-{number:02d}.md"
    path.write_text(
        f"---\ntitle: {title or f'Post number {number}'}\nauthor: Ada Example\n"
        f"date: 2025-03-{number + 1:02d}\n---\n\n{sentences}\n\n"
        f"This is edition {edition} of the closing paragraph.\n"
    )
    return path


def make_library(
    root: Path,
    posts: int,
    database: str,
    broker: str,
    engine: str = "espeak",
    interval_minutes: float = 30.0,
    **service: float,
) -> Path:
    """Posts and a postcast.toml with a [service] section; returns the configuration."""
    (root / "posts").mkdir(parents=True, exist_ok=True)
    for number in range(posts):
        write_post(root / "posts", number)
    settings = {
        "visibility_timeout": 4.0,
        "publish_delay_seconds": 0.5,
        "retry_backoff_seconds": 0.2,
        **service,
    }
    lines = "\n".join(f"{key} = {value}" for key, value in settings.items())
    # every take the same, so no intro retakes (espeak's never vary); hibari's first take
    # of a sentence is always the same one, and its intro is not heard back either
    steady = {"piper": "noise_scale = 0.0\nnoise_w_scale = 0.0\n", "hibari": ""}
    noise = f"{steady[engine]}intro_max_wer = 0.0\n" if engine in steady else ""
    config = root / "postcast.toml"
    config.write_text(
        f"interval_minutes = {interval_minutes}\n"
        f'[library]\nbase_url = "{BASE_URL}"\nsite_dir = "site"\ndatabase = "{database}"\n\n'
        '[[sources]]\nname = "drafts"\nkind = "local"\npath = "posts"\n\n'
        f'[speech]\nengine = "{engine}"\ncache_dir = "cache"\n'
        f"{noise}\n"
        '[[feeds]]\nname = "main"\n\n'
        f'[service]\nbroker_url = "{broker}"\n{lines}\n'
    )
    return config


@contextmanager
def own_redis_database() -> Iterator[str | None]:
    """redis://127.0.0.1:6379/N for an empty database among 1..15 that this process
    claims (so tests and benchmarks running at once never share one), emptied after;
    None when every one is in use."""
    import redis

    for number in range(1, 16):
        client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=number)
        if client.dbsize() == 0 and client.set(CLAIM, os.getpid(), nx=True, ex=3600):
            try:
                yield f"redis://{REDIS_HOST}:{REDIS_PORT}/{number}"
            finally:
                client.flushdb()
                client.close()
            return
        client.close()
    yield None


def wait_until(
    check: Callable[[], bool],
    what: str,
    seconds: float = WAIT_SECONDS,
    detail: Callable[[], object] = lambda: "",
) -> None:
    """Poll `check` until it holds; fail naming `what` (and `detail()`) if it never does."""
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"never happened: {what} {detail()}")
        time.sleep(0.1)


@contextmanager
def inprocess_worker(config: Config, **options: object) -> Iterator[PostcastCelery]:
    """A real Celery worker in a thread of this process (celery.contrib.testing)."""
    from celery.contrib.testing.worker import start_worker

    app = worker_app(config)
    with start_worker(
        app,
        pool="solo",
        perform_ping_check=False,
        shutdown_timeout=60.0,
        queues=list(QUEUES),
        **options,
    ):
        yield app


class TaskLog:
    """The tasks this process's workers finished (Celery's task_postrun signal):
    (task name, arguments, final state), in order."""

    def __init__(self) -> None:
        self.done: list[tuple[str, list[object], str]] = []

    def __enter__(self) -> TaskLog:
        from celery.signals import task_postrun

        task_postrun.connect(self._record, weak=False)
        return self

    def __exit__(self, *_: object) -> None:
        from celery.signals import task_postrun

        task_postrun.disconnect(self._record)

    def _record(
        self, task: object = None, args: object = None, state: object = None, **_: object
    ) -> None:
        self.done.append((str(getattr(task, "name", "")), list(args or []), str(state)))  # type: ignore[call-overload]

    def count(self, name: str, state: str | None = None) -> int:
        return sum(1 for done, _, ended in self.done if done == name and state in (None, ended))


def start_worker_process(
    config: Path,
    log: Path,
    *extra: str,
    pause_dir: Path | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.Popen[bytes]:
    """`postcast worker` in a session of its own (its pool children share its group);
    with `pause_dir`, its tasks stop at the fault points armed there."""
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), **(env or {})}
    if pause_dir is not None:
        environment[PAUSE_DIR] = str(pause_dir)
    with log.open("ab") as output:
        return subprocess.Popen(
            [*POSTCAST, "worker", "--config", str(config), "--concurrency", "1", *extra],
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env=environment,
        )


def start_scheduler_process(config: Path, log: Path) -> subprocess.Popen[bytes]:
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    with log.open("ab") as output:
        return subprocess.Popen(
            [*POSTCAST, "scheduler", "--config", str(config)],
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env=environment,
        )


def enqueue(config: Path, *options: str) -> None:
    subprocess.run(
        [*POSTCAST, "enqueue", "--config", str(config), *options],
        check=True,
        capture_output=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )


def kill_at_point(
    point: str, pause_dir: Path, workers: list[subprocess.Popen[bytes]]
) -> subprocess.Popen[bytes]:
    """Wait until a worker's task holds at fault point `point` (armed beforehand), then
    SIGKILL that worker with its pool and release the point. Returns the killed worker."""
    held = pause_dir / f"{point}.held"
    wait_until(lambda: held.is_file() and held.read_text().isdigit(), f"a task held at {point}")
    group = os.getpgid(int(held.read_text()))
    victim = next(worker for worker in workers if worker.pid == group)
    kill_group(victim)
    held.unlink()
    return victim


def kill_group(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL a worker and its pool children, as a machine losing power would."""
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def stop_worker(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            kill_group(process)


def feed_guids(site: Path) -> list[str]:
    feed = site / "feed.xml"
    if not feed.is_file():
        return []
    return [entry.id for entry in feedparser.parse(feed.read_bytes()).entries]


def check_published_once(site: Path, posts: int) -> list[str]:
    """Problems with the published site: one item per post (podcastparser and feedparser
    agree), each enclosure's length its file's size, each MP3 decoding to sound, and no
    temporary file anywhere in the site. Empty when all is well."""
    import podcastparser

    problems: list[str] = []
    data = (site / "feed.xml").read_bytes()
    entries = feedparser.parse(data).entries
    with (site / "feed.xml").open("rb") as stream:
        gpodder = podcastparser.parse(BASE_URL + "feed.xml", stream)["episodes"]
    guids = [entry.id for entry in entries]
    if len(guids) != posts or len(set(guids)) != posts or len(gpodder) != posts:
        problems.append(f"{len(guids)} items ({len(set(guids))} distinct) for {posts} posts")
    for entry in entries:
        enclosure = entry.enclosures[0]
        path = site / enclosure.href.removeprefix(BASE_URL)
        if not path.is_file() or path.stat().st_size != int(enclosure.length):
            problems.append(f"{entry.id}: enclosure length is not {path.name}'s size")
            continue
        audio, rate = soundfile.read(path)
        if len(audio) <= rate:
            problems.append(f"{path.name} decodes to {len(audio) / rate:.2f} s")
    problems += [
        f"left behind: {path.relative_to(site)}"
        for path in site.rglob("*")
        if path.name.startswith(".") and path.name not in LOCK_FILES
    ]
    return problems


def configured(path: Path) -> Config:
    return load_config(path)
