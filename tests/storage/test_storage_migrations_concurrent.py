"""Several processes opening one new PostgreSQL library at the same moment (workers of
the Celery service starting together): migrations run under an advisory lock, so one
migrates, the others wait and find nothing to do, and every one of them opens it. And
several openers of one new SQLite library at once: none is told the file is locked."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text

from postcast.storage import parse_database_url, schema_revision
from postcast.storage.database import create_library_engine

PROCESSES = 6
NEW_FILES = 300
OPENERS = 10
OPEN_AT_SIGNAL = """
import sys, time
from pathlib import Path
from postcast.storage import open_library
start = Path(sys.argv[2])
while not start.exists():
    time.sleep(0.005)
open_library(sys.argv[1]).close()
print("opened")
"""


@pytest.mark.postgres
def test_processes_starting_at_once_migrate_one_database_once(
    postgres_url: str, tmp_path: Path
) -> None:
    start = tmp_path / "start"
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    command = [sys.executable, "-c", OPEN_AT_SIGNAL, postgres_url, str(start)]
    processes = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=environment)
        for _ in range(PROCESSES)
    ]
    time.sleep(3)  # imports done (not a bound: a late starter only finds less to do)
    start.touch()
    results = [process.communicate(timeout=300) for process in processes]
    assert [process.returncode for process in processes] == [0] * PROCESSES, results
    assert all(out.strip() == b"opened" for out, _ in results)
    engine = create_engine(parse_database_url(postgres_url))
    try:
        from importlib.resources import as_file, files

        with as_file(files("postcast.storage").joinpath("migrations")) as folder:
            head = ScriptDirectory(str(folder)).get_current_head()
        assert schema_revision(engine) == head
        with engine.connect() as connection:
            versions = connection.execute(text("SELECT count(*) FROM alembic_version")).scalar()
        assert versions == 1
    finally:
        engine.dispose()


def test_openers_of_a_new_sqlite_library_at_once_are_never_told_it_is_locked(
    tmp_path: Path,
) -> None:
    """Switching a new file to write-ahead logging while another connection switches it
    fails at once with "database is locked" (no busy wait): two `postcast run --once`
    started together failed so about once in twenty. Ten openers released together on
    each of 300 new files: without the lock file, about one file in 25 failed here."""
    failures: list[str] = []

    def open_when_released(url: str, release: threading.Barrier) -> None:
        release.wait()
        try:
            create_library_engine(parse_database_url(url)).dispose()
        except Exception as error:  # every failure is the finding
            failures.append(f"{url}: {error}")

    for number in range(NEW_FILES):
        url = f"sqlite:///{tmp_path / f'library-{number}.sqlite3'}"
        release = threading.Barrier(OPENERS)
        openers = [
            threading.Thread(target=open_when_released, args=(url, release)) for _ in range(OPENERS)
        ]
        for opener in openers:
            opener.start()
        for opener in openers:
            opener.join()
    assert failures == []
