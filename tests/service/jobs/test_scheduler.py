"""Two `postcast scheduler` processes: one schedules, the other stands by; when the
first is SIGKILLed the second takes over. Every fetch message says which process sent
it (Celery's `origin` header), so the queue shows there was one schedule at a time."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.service.jobs.support import (
    kill_group,
    make_library,
    start_scheduler_process,
    stop_worker,
    wait_until,
)

pytestmark = pytest.mark.postgres


def _origins(redis_url: str) -> list[str]:
    import redis

    client = redis.Redis.from_url(redis_url)
    try:
        messages = reversed(client.lrange("fetch", 0, -1))  # pushed at the head: oldest last
        return [json.loads(raw)["headers"]["origin"] for raw in messages]
    finally:
        client.close()


def _pid(origin: str) -> int:
    return int(origin.removeprefix("gen").partition("@")[0])


def test_two_schedulers_make_one_schedule(
    tmp_path: Path, redis_url: str, postgres_url: str
) -> None:
    config = make_library(tmp_path, 1, postgres_url, redis_url, interval_minutes=0.02)
    logs = [tmp_path / "first.log", tmp_path / "second.log"]
    first = start_scheduler_process(config, logs[0])
    second: subprocess.Popen[bytes] | None = None
    try:
        wait_until(lambda: "scheduling:" in logs[0].read_text(), "the first scheduling")
        second = start_scheduler_process(config, logs[1])
        wait_until(lambda: "standby:" in logs[1].read_text(), "the second standing by")
        wait_until(lambda: len(_origins(redis_url)) >= 4, "four scheduled fetches")
        assert {_pid(origin) for origin in _origins(redis_url)} == {first.pid}
        sent_by_first = len(_origins(redis_url))
        kill_group(first)
        sent_by_first = max(sent_by_first, len(_origins(redis_url)))
        wait_until(lambda: "scheduling:" in logs[1].read_text(), "the second taking over")
        wait_until(lambda: len(_origins(redis_url)) >= sent_by_first + 3, "fetches by the second")
        pids = [_pid(origin) for origin in _origins(redis_url)]
        assert set(pids) == {first.pid, second.pid}
        switch = pids.index(second.pid)  # one handover: none of the first's after it
        assert set(pids[:switch]) == {first.pid} and set(pids[switch:]) == {second.pid}
    finally:
        for process in (first, second):
            if process is not None:
                stop_worker(process)
