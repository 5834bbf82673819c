"""The service's commands as a user meets them (the console script, exit codes): a
source that is not configured, a broker that cannot be reached, a queue name that
does not exist."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.service.jobs.support import POSTCAST, make_library

UNREACHABLE = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def _postcast(*arguments: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    return subprocess.run(
        [*POSTCAST, *arguments], capture_output=True, text=True, env=environment, timeout=120
    )


def _library(tmp_path: Path) -> Path:
    return make_library(tmp_path, 1, f"sqlite:///{tmp_path / 'library.sqlite3'}", UNREACHABLE)


def test_enqueue_of_a_source_not_configured_is_bad_input(tmp_path: Path) -> None:
    result = _postcast("enqueue", "--config", str(_library(tmp_path)), "--source", "nope")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "error: nope: no such source in the configuration's [[sources]]"
    )


def test_an_unreachable_broker_is_one_line_naming_it(tmp_path: Path) -> None:
    result = _postcast("enqueue", "--config", str(_library(tmp_path)))
    assert result.returncode == 1
    assert result.stderr.startswith(f"error: {UNREACHABLE}: cannot reach the broker")
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_a_worker_for_an_unknown_queue_is_refused(tmp_path: Path) -> None:
    result = _postcast("worker", "--config", str(_library(tmp_path)), "--queues", "speech,gpu")
    assert result.returncode == 2
    assert "unknown queue(s) ['gpu']" in result.stderr


def test_each_task_of_a_worker_gets_its_share_of_the_cores(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from postcast.config import load_config
    from postcast.service.jobs import commands
    from postcast.service.jobs.tasks import worker_app
    from postcast.speech import workers

    monkeypatch.setattr(workers, "available_cores", lambda: 8)
    assert [commands.voice_threads(n) for n in (None, 1, 2, 3, 8, 16)] == [1, 8, 4, 2, 1, 1]
    app = worker_app(load_config(_library(tmp_path)), threads=3)
    assert app.worker_state is not None and app.worker_state.engine().threads == 3
