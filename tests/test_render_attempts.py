"""A render that kills its process (the kernel's out-of-memory killer, a crash in a
native library) is started again by the next pass, or redelivered by the broker to the
next worker, and would kill that one too, forever. After three deaths in a row of one
revision the episode is marked failed instead, with an error saying so; an edit (a new
revision) is rendered as usual."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from postcast.faults import PAUSE_DIR
from postcast.render_attempts import DEATHS_LIMIT
from postcast.storage import EpisodeStatus, open_library
from tests.service.jobs.support import wait_until, write_post

pytestmark = pytest.mark.slow


def _library(root: Path) -> Path:
    (root / "posts").mkdir(exist_ok=True)
    write_post(root / "posts", 1)
    config = root / "postcast.toml"
    config.write_text(
        '[library]\nbase_url = "https://pod.example.org/"\nsite_dir = "site"\n'
        'database = "sqlite:///library.sqlite3"\n'
        '[[sources]]\nname = "drafts"\nkind = "local"\npath = "posts"\n'
        '[speech]\nengine = "espeak"\ncache_dir = "cache"\n'
    )
    return config


def _run_once(config: Path, pause: Path) -> subprocess.Popen[bytes]:
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), PAUSE_DIR: str(pause)}
    return subprocess.Popen(
        [sys.executable, "-m", "postcast", "run", "--once", "--config", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=environment,
    )


def _killed_while_rendering(config: Path, pause: Path) -> None:
    (pause / "render").touch()
    run = _run_once(config, pause)
    held = pause / "render.held"
    wait_until(lambda: held.is_file() and held.read_text().isdigit(), "a render held")
    run.send_signal(signal.SIGKILL)
    run.wait()
    held.unlink()


def test_a_render_that_kills_its_process_again_and_again_is_marked_failed(
    tmp_path: Path,
) -> None:
    config = _library(tmp_path)
    pause = tmp_path / "pause"
    pause.mkdir()
    for _ in range(DEATHS_LIMIT):
        _killed_while_rendering(config, pause)

    (pause / "render").touch()  # armed: a render that starts again would stop here
    run = _run_once(config, pause)
    _, errors = run.communicate(timeout=300)
    assert (pause / "render").exists(), "the render was started a fourth time"
    with open_library(f"sqlite:///{tmp_path / 'library.sqlite3'}") as library:
        (episode,) = library.episodes_with_status(EpisodeStatus.FAILED)
    assert episode.last_error is not None
    assert f"killed its process {DEATHS_LIMIT} times" in episode.last_error
    assert b"killed its process" in errors

    (pause / "render").unlink()
    write_post(tmp_path / "posts", 1, edition=2)  # a new revision: tried afresh
    run = _run_once(config, pause)
    run.communicate(timeout=300)
    with open_library(f"sqlite:///{tmp_path / 'library.sqlite3'}") as library:
        assert library.count_by_status() == {"published": 1}
