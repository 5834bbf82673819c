"""A render the kernel's out-of-memory killer takes is a failed render: under a
supervisor that restarts `postcast run` it is tried again, and after three such deaths
the episode waits (reported, with why) instead of killing every restart. Real kills: the
pass is held at its fault point "speak" (the attempt recorded, nothing spoken), moved
into a memory cgroup of 20 MB, and released; loading the voice then exceeds the limit.
A pass killed any other way (SIGKILL) is not counted."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from postcast.faults import PAUSE_DIR
from postcast.out_of_memory import ATTEMPT, KILLED, oom_kills
from postcast.storage import open_library
from postcast.storage.locks import SERVICE_PREFIX
from postcast.storage.schema import EpisodeRow
from tests.conftest import _unavailable
from tests.service.observed_library import CONFIG_TOML, write_post

pytestmark = pytest.mark.slow
POSTCAST = [sys.executable, "-m", "postcast"]
V1_MEMORY = Path("/sys/fs/cgroup/memory")
LIMIT_BYTES = 20 * 1024 * 1024  # new charges only: what the process allocates once moved
# The bundled Piper voice (not espeak): loading it goes well over the limit.
CONFIG = CONFIG_TOML.replace('engine = "espeak"\n', "")


@pytest.fixture
def memory_cgroup() -> Iterator[Path]:
    """A cgroup (v1 memory controller) limited to LIMIT_BYTES, removed afterwards."""
    group = V1_MEMORY / f"postcast-test-{uuid.uuid4().hex[:8]}"
    try:
        group.mkdir()
        (group / "memory.limit_in_bytes").write_text(str(LIMIT_BYTES))
    except OSError as error:
        _unavailable(f"cannot make a memory cgroup under {V1_MEMORY} ({error}); needs root")
    if oom_kills() is None:
        _unavailable("the kernel keeps no out-of-memory kill count (/proc/vmstat oom_kill)")
    yield group
    for _ in range(50):  # its last process may take a moment to be reaped
        try:
            group.rmdir()
            return
        except OSError:
            time.sleep(0.1)


def _library(root: Path) -> Path:
    write_post(root / "posts", "lighthouse")
    config = root / "postcast.toml"
    config.write_text(CONFIG)
    return config


def _pass(config: Path, pause: Path | None = None) -> subprocess.Popen[str]:
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    if pause is not None:
        (pause / "speak").touch()  # armed: the pass stops there
        environment[PAUSE_DIR] = str(pause)
    return subprocess.Popen(
        [*POSTCAST, "run", "--once", "--config", str(config)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=environment,
    )


def _held(pause: Path, process: subprocess.Popen[str]) -> int:
    held = pause / "speak.held"
    deadline = time.monotonic() + 300
    while not (held.is_file() and held.read_text().isdigit()):
        assert process.poll() is None, process.communicate()[0]
        assert time.monotonic() < deadline, "the pass never reached its render"
        time.sleep(0.05)
    return int(held.read_text())


def _killed_for_memory(config: Path, pause: Path, group: Path) -> None:
    before = oom_kills()
    process = _pass(config, pause)
    pid = _held(pause, process)
    (group / "cgroup.procs").write_text(str(pid))
    (pause / "speak.held").unlink()  # go on: the voice loads, over the limit
    output = process.communicate(timeout=300)[0]
    assert process.returncode == -signal.SIGKILL, output
    assert (oom_kills() or 0) > (before or 0)


def _episode(config: Path) -> tuple[str, int, str | None]:
    with open_library(f"sqlite:///{config.parent / 'library.sqlite3'}") as library:
        with library.engine.connect() as connection:
            (row,) = connection.execute(select(EpisodeRow)).all()
        return row.status, row.failures, row.last_error


def test_the_attempt_lease_is_a_service_lease() -> None:
    assert ATTEMPT.startswith(SERVICE_PREFIX)  # never taken for an episode's own lock


def test_three_out_of_memory_deaths_fail_the_episode_and_the_pass_goes_on(
    tmp_path: Path, memory_cgroup: Path
) -> None:
    config = _library(tmp_path)
    pause = tmp_path / "pause"
    pause.mkdir()
    for death in range(3):
        _killed_for_memory(config, pause, memory_cgroup)
        status, failures, _ = _episode(config)
        assert failures == death  # this death is counted by the next pass
    finished = _pass(config)
    output = finished.communicate(timeout=300)[0]
    assert finished.returncode == 0, output
    assert "out-of-memory killer" in output
    status, failures, error = _episode(config)
    assert (status, failures, error) == ("failed", 3, KILLED)
    assert not (tmp_path / "site" / "episodes").exists() or not list(
        (tmp_path / "site" / "episodes").glob("*.mp3")
    )


def test_passes_killed_otherwise_are_not_counted(tmp_path: Path) -> None:
    """Three SIGKILLs at the same moment (an operator, a deploy): the fourth pass renders."""
    config = _library(tmp_path)
    pause = tmp_path / "pause"
    pause.mkdir()
    for _ in range(3):
        process = _pass(config, pause)
        os.kill(_held(pause, process), signal.SIGKILL)
        process.communicate(timeout=60)
        (pause / "speak.held").unlink()
    finished = _pass(config)
    output = finished.communicate(timeout=600)[0]
    assert finished.returncode == 0, output
    assert "out-of-memory" not in output
    assert _episode(config)[:2] == ("published", 0)


def test_only_dead_renders_are_swept_and_only_kills_for_memory_counted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sweep on its own: rows of live processes stay, rows of dead ones go, and only
    those older than the kernel's last out-of-memory kill count as failures (the count
    is read as 5 here; the tests above use the kernel's own)."""
    from postcast import out_of_memory
    from postcast.out_of_memory import count_killed_render
    from postcast.storage.locks import machine_id
    from tests.service.webapp.webapp_library import add_episode

    ended = subprocess.Popen(["true"])
    ended.wait()  # a pid of this machine that no longer runs
    kills = 5
    monkeypatch.setattr(out_of_memory, "oom_kills", lambda: kills)
    dead, alive = f"{machine_id()}:{ended.pid}:abc", f"{machine_id()}:{os.getpid()}:abc"
    with open_library(f"sqlite:///{tmp_path / 'library.sqlite3'}") as library:
        guids = [add_episode(library, tmp_path / "site", n, title=f"E{n}").guid for n in (1, 2, 3)]
        library.lock_episode(ATTEMPT + guids[0], f"{dead}:{kills - 1}")  # killed for memory
        library.lock_episode(ATTEMPT + guids[1], f"{dead}:{kills}")  # killed otherwise
        library.lock_episode(ATTEMPT + guids[2], f"{alive}:{kills - 1}")  # still rendering
        assert not count_killed_render(library, guids[1])
        assert not count_killed_render(library, guids[2])
        assert count_killed_render(library, guids[0])
        left = [name for name in library.live_locks() if name.startswith(ATTEMPT)]
        assert left == [ATTEMPT + guids[2]]
        with library.engine.connect() as connection:
            failures = dict(connection.execute(select(EpisodeRow.guid, EpisodeRow.failures)).all())
        assert failures == {guids[0]: 1, guids[1]: 0, guids[2]: 0}
