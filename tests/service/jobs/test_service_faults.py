"""Faults of the services a deployment leans on, met in the middle of a backfill by
`postcast worker` processes and a scheduler: Redis restarted empty (its queues lost),
and every PostgreSQL connection of the library dropped. Afterwards every post is
published exactly once, every enclosure matches its file, every MP3 decodes and no
temporary file is left. (S3 failing: tests/objectstore/test_objectstore_publishing.py.)

Each fault strikes at an exact moment: a render held at its fault point (audio written,
not yet recorded; `postcast.faults`) while the fault is made, then let go."""

from __future__ import annotations

import shutil
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from postcast.storage import open_library
from tests.conftest import POSTGRES_SERVER, _unavailable
from tests.service.jobs.support import (
    check_published_once,
    configured,
    feed_guids,
    make_library,
    start_scheduler_process,
    start_worker_process,
    stop_worker,
    wait_until,
)

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
POSTS = 5


class RedisServer:
    """A Redis server of this test's own, on a free port, keeping nothing on disk: a
    restart empties it, as a server without persistence loses its queues."""

    def __init__(self, folder: Path) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.folder = folder
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.folder.mkdir(exist_ok=True)
        arguments = ["--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
        arguments += ["--appendonly", "no", "--dir", str(self.folder)]
        self.process = subprocess.Popen(
            ["redis-server", *arguments], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        wait_until(self._answers, f"redis-server on port {self.port} answering")

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as connection:
                connection.sendall(b"PING\r\n")
                return connection.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[RedisServer]:
    if shutil.which("redis-server") is None:
        _unavailable("redis-server is not installed (apt-get install redis-server)")
    server = RedisServer(tmp_path / "redis")
    server.start()
    yield server
    server.kill()


def _published(config_path: Path) -> bool:
    config = configured(config_path)
    with open_library(config.library.database) as library:
        done = library.count_by_status() == {"published": POSTS}
    return done and len(feed_guids(Path(config.library.site_dir))) == POSTS


def _backfill_through(fault: object, config: Path, tmp_path: Path, workers: int) -> None:
    """Run the service on `config` (a scheduler fetching every 3 seconds, `workers`
    workers); when the first render is held at its fault point, call `fault()`, then let
    the render go on; wait until every post is published and the queues are quiet."""
    pause = tmp_path / "pause"
    pause.mkdir()
    (pause / "render").touch()
    processes = [
        start_worker_process(config, tmp_path / f"worker{n}.log", pause_dir=pause)
        for n in range(workers)
    ]
    processes.append(start_scheduler_process(config, tmp_path / "scheduler.log"))
    try:
        held = pause / "render.held"
        wait_until(lambda: held.is_file() and held.read_text().isdigit(), "a held render")
        fault()  # type: ignore[operator]
        held.unlink()
        wait_until(lambda: _published(config), f"{POSTS} episodes published")
        stop_worker(processes.pop())  # the scheduler: no new fetch
        wait_until(lambda: _published(config), "still published once the scheduler stopped")
    finally:
        for process in processes:
            stop_worker(process)


def test_a_redis_restart_in_the_middle_of_a_backfill_loses_no_episode(
    tmp_path: Path, postgres_url: str, private_redis: RedisServer
) -> None:
    """One worker: while it holds a render, the other renders wait on the queue; Redis
    restarts empty, so they, the held render's delivery and the publish ask are gone.
    The worker and the scheduler reconnect, and the scheduler's fetches queue again
    every render still needed."""
    config = make_library(tmp_path, POSTS, postgres_url, private_redis.url, interval_minutes=0.05)

    def restart() -> None:
        private_redis.kill()
        private_redis.start()

    _backfill_through(restart, config, tmp_path, workers=1)
    assert check_published_once(tmp_path / "site", POSTS) == []


def test_the_library_connections_dropped_in_the_middle_of_a_backfill(
    tmp_path: Path, postgres_url: str, redis_url: str
) -> None:
    """Every connection to the library database is terminated by the server (as a
    restart or a failover does) while two workers and the scheduler hold some: the work
    goes on on new connections, and no episode is counted as failed for it."""
    config = make_library(tmp_path, POSTS, postgres_url, redis_url, interval_minutes=0.05)
    database = postgres_url.rsplit("/", 1)[1]

    def drop_connections() -> None:
        with psycopg.connect(POSTGRES_SERVER + "postgres", autocommit=True) as admin:
            dropped = admin.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE datname = %s AND pid <> pg_backend_pid()",
                (database,),
            ).fetchone()
        assert dropped is not None and dropped[0] >= 3  # each worker's and the scheduler's

    _backfill_through(drop_connections, config, tmp_path, workers=2)
    assert check_published_once(tmp_path / "site", POSTS) == []
    for log in tmp_path.glob("worker*.log"):
        assert b"render failed" not in log.read_bytes(), log.read_text()[-3000:]
