"""Two `postcast worker` processes on one broker and one PostgreSQL library: the work
is shared, and a worker SIGKILLed in the middle of a fetch, a render or a publish
leaves its task to the other (late acknowledgement; on Redis the visibility timeout
brings it back, on RabbitMQ the closed connection). Afterwards every post is published
exactly once, every enclosure matches its file, every MP3 decodes and no temporary file
is left."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from postcast.service.jobs.deaths import DEATHS_LIMIT
from postcast.storage import EpisodeStatus, open_library
from tests.service.jobs.support import (
    POSTCAST,
    check_published_once,
    configured,
    enqueue,
    feed_guids,
    kill_at_point,
    make_library,
    start_scheduler_process,
    start_worker_process,
    stop_worker,
    wait_until,
)

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
POSTS = 3


def _published(config_path: Path, posts: int) -> bool:
    config = configured(config_path)
    with open_library(config.library.database) as library:
        done = library.count_by_status() == {"published": posts}
    return done and len(feed_guids(Path(config.library.site_dir))) == posts


@pytest.fixture
def library_config(tmp_path: Path, redis_url: str, postgres_url: str) -> Path:
    return make_library(tmp_path, POSTS, postgres_url, redis_url)


@pytest.fixture
def workers() -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for worker in started:
        stop_worker(worker)


def test_two_worker_processes_share_the_work(
    tmp_path: Path, library_config: Path, workers: list[subprocess.Popen[bytes]]
) -> None:
    for number in range(2):
        workers.append(start_worker_process(library_config, tmp_path / f"worker{number}.log"))
    enqueue(library_config)
    wait_until(lambda: _published(library_config, POSTS), f"{POSTS} episodes published")
    assert check_published_once(tmp_path / "site", POSTS) == []


def test_a_worker_loads_its_voice_before_its_first_task(
    tmp_path: Path, redis_url: str, postgres_url: str, workers: list[subprocess.Popen[bytes]]
) -> None:
    """Each pool process loads the Piper voice as it starts, so a render never waits for
    it: the worker says so before any task has reached it, and then renders with it."""
    config = make_library(tmp_path, 1, postgres_url, redis_url, engine="piper")
    log = tmp_path / "worker.log"
    workers.append(start_worker_process(config, log))
    wait_until(lambda: b"voice ready in" in log.read_bytes(), "the voice loaded")
    assert b" received" not in log.read_bytes()
    enqueue(config)
    wait_until(lambda: _published(config, 1), "the episode published")
    assert log.read_bytes().count(b"voice ready in") == 1  # loaded once, then kept


@pytest.mark.parametrize("broker", ["redis", "amqp"])
@pytest.mark.parametrize("point", ["fetch", "render", "publish"])
def test_a_worker_killed_mid_task_leaves_the_task_to_another(
    point: str, broker: str, tmp_path: Path, postgres_url: str, request: pytest.FixtureRequest
) -> None:
    """The service as deployed: two workers and a scheduler fetching every 3 seconds
    (whose next fetch also sends again a task Redis lost with its worker), on Redis and
    on RabbitMQ (which puts a dead consumer's unacknowledged task back at once)."""
    broker_url = request.getfixturevalue(f"{broker}_url")
    config = make_library(tmp_path, POSTS, postgres_url, broker_url, interval_minutes=0.05)
    pause = tmp_path / "pause"
    pause.mkdir()
    (pause / point).touch()  # armed: the first task to get there stops there
    workers = [
        start_worker_process(config, tmp_path / f"worker{n}.log", pause_dir=pause) for n in range(2)
    ]
    scheduler = start_scheduler_process(config, tmp_path / "scheduler.log")
    try:
        if point == "render":  # held there: `postcast status` sees it running
            held = pause / "render.held"
            wait_until(lambda: held.is_file() and held.read_text().isdigit(), "a held render")
            report = json.loads(_status(config))
            # The other worker may be fetching (the scheduler's) or rendering beside it.
            assert "postcast.render" in [task["task"] for task in report["running"]]
            assert "rendering" in [episode["status"] for episode in report["episodes"]]
        victim = kill_at_point(point, pause, workers)
        wait_until(lambda: _published(config, POSTS), f"{POSTS} episodes published")
        stop_worker(scheduler)
        wait_until(lambda: _published(config, POSTS) and _idle(config), "the queues drained")
    finally:
        for process in [scheduler, *workers]:
            stop_worker(process)
    assert victim.returncode is not None
    assert check_published_once(tmp_path / "site", POSTS) == []


def _status(config_path: Path) -> str:
    result = subprocess.run(
        [*POSTCAST, "status", "--config", str(config_path), "--json"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    return result.stdout


def _idle(config_path: Path) -> bool:
    from postcast.service.jobs.app import make_app
    from postcast.service.jobs.sending import PUBLISH_DUE
    from postcast.service.jobs.status import queue_depths

    config = configured(config_path)
    app = make_app(config)
    try:
        waiting = any(queue_depths(app).values())
    finally:
        app.close()
    with open_library(config.library.database) as library:
        return not waiting and PUBLISH_DUE not in library.live_locks()


def test_a_render_that_kills_its_pool_process_is_given_up_after_three_deaths(
    tmp_path: Path, redis_url: str, postgres_url: str, workers: list[subprocess.Popen[bytes]]
) -> None:
    """The out-of-memory killer's way: the pool process rendering an episode is killed
    (SIGKILL) and the worker's parent lives on. Redelivered, the render would kill the
    next process too; after three deaths it is not started again but marked failed."""
    config = make_library(tmp_path, 1, postgres_url, redis_url)
    pause = tmp_path / "pause"
    pause.mkdir()
    workers.append(start_worker_process(config, tmp_path / "worker.log", pause_dir=pause))
    held = pause / "render.held"
    enqueue(config)
    for _ in range(DEATHS_LIMIT):
        (pause / "render").touch()
        wait_until(lambda: held.is_file() and held.read_text().isdigit(), "a render held")
        child = int(held.read_text())
        assert child != workers[0].pid  # a pool process, not the worker itself
        os.kill(child, signal.SIGKILL)
        held.unlink()  # the parent puts the render back on its queue
    (pause / "render").touch()  # armed: a fourth start would stop here
    with open_library(postgres_url) as library:
        wait_until(
            lambda: library.count_by_status() == {"failed": 1},
            "the episode marked failed",
            detail=library.count_by_status,
        )
        (failed,) = library.episodes_with_status(EpisodeStatus.FAILED)
    assert failed.last_error is not None and "killed its process 3 times" in failed.last_error
    assert (pause / "render").exists()  # the render was not started a fourth time
    assert workers[0].poll() is None  # the worker itself lives on
