"""Faults from outside end in one line naming the file and the problem, never a traceback.

Wrong configuration types, a damaged or foreign SQLite file, a site folder that is a
file or cannot be written, a full disk: each is run through the real command line and
must exit with the code the README documents (2 bad input, 5 publishing).
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from postcast.errors import WriteError
from postcast.leftovers import LOCK_NAME, PUBLISH_LOCK_NAME
from postcast.service import cli

POSTCAST = [sys.executable, "-m", "postcast"]


@pytest.fixture(autouse=True)
def own_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))


def postcast(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*POSTCAST, *args], capture_output=True, text=True, timeout=300)


def _library(folder: Path, extra: str = "", site_dir: str = "site") -> Path:
    """A configuration with no sources: a pass opens the database and publishes."""
    config = folder / "postcast.toml"
    config.write_text(
        f'[library]\nsite_dir = "{site_dir}"\ndatabase = "sqlite:///library.sqlite3"\n'
        f'[speech]\ncache_dir = "cache"\n{extra}'
    )
    return config


def _one_error_line(result: subprocess.CompletedProcess[str], code: int) -> str:
    """The single `error:` line of a failed run, after checking its exit code."""
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.mark.parametrize(
    ("section", "problem"),
    [
        (
            '[[sources]]\nname = "lw"\nkind = "forummagnum"\nurl = "https://x.org"\n'
            'karma_threshold = "high"\n',
            '[[sources]] #1 karma_threshold: "high" is not an integer',
        ),
        ('[audio]\nbitrate_kbps = "fast"\n', '[audio] bitrate_kbps: "fast" is not an integer'),
        ("[audio]\nbitrate_kbps = -5\n", "[audio] bitrate_kbps: -5 is outside 64..96"),
        ('[narration]\ntitel = "x"\n', "[narration] unknown key(s): titel"),
    ],
)
def test_wrong_configuration_is_one_line_exit_2(tmp_path: Path, section: str, problem: str) -> None:
    config = _library(tmp_path, section)
    line = _one_error_line(postcast("run", "--once", "--config", str(config)), 2)
    assert line == f"error: {config}: {problem}"
    assert not (tmp_path / "library.sqlite3").exists(), "nothing runs on a bad configuration"


def test_a_site_dir_of_the_wrong_type(tmp_path: Path) -> None:
    config = tmp_path / "postcast.toml"
    config.write_text("[library]\nsite_dir = 5\n")
    line = _one_error_line(postcast("run", "--once", "--config", str(config)), 2)
    assert line == f"error: {config}: [library] site_dir: 5 is not a string"


def test_script_checks_the_configuration_before_the_post(tmp_path: Path) -> None:
    config = _library(tmp_path, "[audio]\nbitrate_kbps = 500\n")
    post = tmp_path / "post.md"
    post.write_text("---\ntitle: A post\n---\n\nSome words.\n")
    line = _one_error_line(postcast("script", str(post), "--config", str(config)), 2)
    assert line.endswith("[audio] bitrate_kbps: 500 is outside 64..96")


def test_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    config = _library(tmp_path)
    database = tmp_path / "library.sqlite3"
    database.write_bytes(b"this is a text file, not SQLite\n" * 200)
    line = _one_error_line(postcast("run", "--once", "--config", str(config)), 2)
    assert line.startswith(f"error: {database}: file is not a database")


def test_a_damaged_database(tmp_path: Path) -> None:
    config = _library(tmp_path)
    assert postcast("run", "--once", "--config", str(config)).returncode == 0
    database = tmp_path / "library.sqlite3"
    with sqlite3.connect(database) as connection:  # the real page size, not a guess
        page = connection.execute("PRAGMA page_size").fetchone()[0]
    data = bytearray(database.read_bytes())
    for start in range(page, len(data), page):  # keep the header, damage every other page
        data[start : start + 64] = b"\xff" * 64
    database.write_bytes(bytes(data))
    line = _one_error_line(postcast("run", "--once", "--config", str(config)), 2)
    assert line.startswith(f"error: {database}: database disk image is malformed")


def test_a_site_dir_that_is_a_file(tmp_path: Path) -> None:
    config = _library(tmp_path)
    (tmp_path / "site").write_text("not a folder")
    line = _one_error_line(postcast("run", "--once", "--config", str(config)), 5)
    assert line == f"error: {tmp_path / 'site'}: is not a folder"


@contextlib.contextmanager
def _unwritable(folder: Path) -> Iterator[None]:
    """`folder` refuses new files, even to root (which ignores permission bits)."""
    folder.mkdir()
    if os.geteuid() != 0:
        folder.chmod(0o555)
        try:
            yield
        finally:
            folder.chmod(0o755)
        return
    chattr = shutil.which("chattr")
    if chattr is None or subprocess.run([chattr, "+i", str(folder)]).returncode != 0:
        pytest.skip("running as root, and this file system cannot make a folder immutable")
    try:
        yield
    finally:
        subprocess.run([chattr, "-i", str(folder)], check=True)


def test_a_site_dir_that_cannot_be_written(tmp_path: Path) -> None:
    config = _library(tmp_path)
    with _unwritable(tmp_path / "site"):
        line = _one_error_line(postcast("run", "--once", "--config", str(config)), 5)
    assert line.startswith(f"error: {tmp_path / 'site'}: ")
    assert line.endswith(("permission denied", "operation not permitted"))


def test_a_full_disk_on_a_tiny_file_system(tmp_path: Path) -> None:
    """The real thing where this machine can mount a 16 KiB tmpfs (root in a VM)."""
    tiny = tmp_path / "tiny"
    tiny.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", str(tiny)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip("cannot mount a tmpfs here; the injected full disk below still runs")
    try:
        config = _library(tmp_path, site_dir="tiny/site")
        line = _one_error_line(postcast("run", "--once", "--config", str(config)), 5)
        leftovers = [
            path.name
            for path in tiny.rglob(".*")
            if path.is_file() and path.name not in (LOCK_NAME, PUBLISH_LOCK_NAME)
        ]
    finally:
        subprocess.run(["umount", str(tiny)], check=True)
    assert line.startswith(f"error: {tiny / 'site'}/")
    assert line.endswith(": no space left on device (disk full)")
    assert leftovers == [], "no temporary file stays behind"


def _main(monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    """The console entry point in this process, as `postcast ARGS` would run it."""
    monkeypatch.setattr(sys, "argv", ["postcast", *args])
    with pytest.raises(SystemExit) as exit_:
        cli.main()
    return int(exit_.value.code or 0)


def test_a_full_disk_while_publishing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Where no tmpfs can be mounted: the disk fills at the atomic writer's fsync."""
    config = _library(tmp_path)

    def full(descriptor: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("postcast.atomic.os.fsync", full)
    assert _main(monkeypatch, "run", "--once", "--config", str(config)) == 5
    lines = [line for line in capsys.readouterr().err.splitlines() if "error:" in line]
    assert len(lines) == 1 and lines[0].startswith(f"error: {tmp_path / 'site'}/")
    assert lines[0].endswith("no space left on device (disk full)")
    site = tmp_path / "site"
    hidden = [path for path in site.rglob(".*") if path.is_file()]
    assert [path for path in hidden if path.name not in (LOCK_NAME, PUBLISH_LOCK_NAME)] == []


def test_an_os_error_no_stage_expected_is_still_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    def unreadable(*args: object, **kwargs: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied", str(tmp_path / "post.md"))

    monkeypatch.setattr("postcast.sources.files.load_post_file", unreadable)
    assert _main(monkeypatch, "script", str(tmp_path / "post.md")) == 5
    assert capsys.readouterr().err.strip() == f"error: {tmp_path / 'post.md'}: permission denied"


def test_run_goes_on_after_a_pass_fails_for_want_of_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Running as a service, a pass that fails on a full disk is reported, and the next
    pass comes at the next interval."""
    from postcast import pipeline

    config = tmp_path / "postcast.toml"
    config.write_text('interval_minutes = 1\n[library]\nsite_dir = "site"\n')
    outcomes: list[BaseException | None] = [WriteError(tmp_path / "site", "disk full"), None]
    passes: list[int] = []

    def one_pass(*args: object, **kwargs: object) -> pipeline.PassReport:
        passes.append(1)
        outcome = outcomes.pop(0)
        if outcome is not None:
            raise outcome
        return pipeline.PassReport()

    class Stop(Exception):
        pass

    def sleep(seconds: float) -> None:
        assert seconds == 30  # the minute in two looks for operators' requests
        if not outcomes:
            raise Stop

    monkeypatch.setattr(pipeline, "run_pass", one_pass)
    monkeypatch.setattr(cli.time, "sleep", sleep)
    monkeypatch.setattr(sys, "argv", ["postcast", "run", "--config", str(config)])
    with pytest.raises(Stop):
        cli.main()
    assert len(passes) == 2
    assert f"error: {tmp_path / 'site'}: disk full" in capsys.readouterr().err
