"""Several processes opening one new PostgreSQL library at the same moment (workers of
the Celery service starting together): migrations run under an advisory lock, so one
migrates, the others wait and find nothing to do, and every one of them opens it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text

from postcast.storage import parse_database_url, schema_revision

pytestmark = pytest.mark.postgres
PROCESSES = 6
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
