"""Database URLs, engines and migrations (Alembic, run programmatically)."""

from __future__ import annotations

import contextlib
import fcntl
from collections.abc import Iterator
from importlib.resources import as_file, files
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import StaticPool

from postcast.errors import InputError

POSTGRES_DRIVER = "postgresql+psycopg"
# Any constant works: it only keeps two processes from migrating one database at once.
MIGRATION_LOCK_ID = 7_305_118_212


def safe_url(url: URL) -> str:
    return url.render_as_string(hide_password=True)


def database_url(url: str, base_dir: Path | None = None) -> URL:
    """Parse a user's database URL: `postgresql://` gets the psycopg 3 driver, and a
    relative SQLite path resolves from `base_dir` (default: the working directory)."""
    try:
        parsed = make_url(url)
    except ArgumentError as error:
        raise InputError(url, f"not a database URL ({error})") from error
    backend = parsed.drivername.split("+", 1)[0]
    if backend in ("postgresql", "postgres"):
        if "+" not in parsed.drivername or backend == "postgres":
            parsed = parsed.set(drivername=POSTGRES_DRIVER)
        return parsed
    if backend != "sqlite":
        raise InputError(safe_url(parsed), "unsupported database; use sqlite:/// or postgresql://")
    if parsed.database and parsed.database != ":memory:":
        path = Path(parsed.database).expanduser()
        if not path.is_absolute():
            path = (base_dir or Path.cwd()) / path
        parsed = parsed.set(database=str(path))
    return parsed


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")  # SQLite leaves foreign keys off by default
    cursor.execute("PRAGMA busy_timeout=30000")  # the web app reads while a pass writes
    cursor.close()


def create_library_engine(url: URL) -> Engine:
    if url.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    in_memory = not url.database or url.database == ":memory:"
    if not in_memory:
        Path(url.database or "").parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, poolclass=StaticPool) if in_memory else create_engine(url)
    event.listen(engine, "connect", _sqlite_pragmas)
    if not in_memory:
        # Write-ahead logging lets readers (the web app) work while a pass writes. Two
        # processes switching a new file to it at once: the second is told "database is
        # locked" at once, without the busy timeout's wait (seen with two `run --once`
        # started together), so the switch is made under the migration's lock file.
        with _one_migrator(engine), engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA journal_mode=WAL")
    return engine


@contextlib.contextmanager
def _one_migrator(engine: Engine) -> Iterator[None]:
    """SQLite has no advisory lock, and runs DDL outside transactions: two processes
    opening a new library at once would both create its tables (and both switch it to
    write-ahead logging). A lock file beside the database lets one do it while the
    other waits (then finds nothing to do)."""
    database = engine.url.database
    if engine.url.get_backend_name() != "sqlite" or not database or database == ":memory:":
        yield
        return
    with open(f"{database}.migrate-lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def migrate(engine: Engine) -> None:
    """Bring the schema up to the newest migration (creates every table on an empty database)."""
    with as_file(files("postcast.storage").joinpath("migrations")) as folder, _one_migrator(engine):
        alembic_config = AlembicConfig()
        # configparser syntax: a literal % must be doubled
        alembic_config.set_main_option("script_location", str(folder).replace("%", "%%"))
        with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_ID}
                )
            alembic_config.attributes["connection"] = connection
            command.upgrade(alembic_config, "head")


def schema_revision(engine: Engine) -> str | None:
    """The migration the database is at (None: not migrated)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
