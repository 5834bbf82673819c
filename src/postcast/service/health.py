"""The health check: can this process do its work now? (`GET /healthz` on the web app.)

Each check answers None (fine) or the problem in words. The database is asked on a
connection of its own, never a pooled one: a pooled SQLite connection keeps reading a
file that was deleted or replaced under it, and would say all is well.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from postcast.atomic import writable_folder
from postcast.errors import PostcastError, describe

CONNECT_TIMEOUT_SECONDS = 5  # a database server that does not answer is down, for us
# Every migrated library has this table (Alembic's own): a file without it is not one.
SCHEMA_PROBE = "SELECT version_num FROM alembic_version"

Check = Callable[[], str | None]


@dataclass(frozen=True)
class HealthReport:
    problems: dict[str, str | None]  # check name -> None (fine) or what is wrong

    @property
    def healthy(self) -> bool:
        return all(problem is None for problem in self.problems.values())

    def as_json(self) -> dict[str, object]:
        return {
            "status": "ok" if self.healthy else "unavailable",
            "checks": {
                name: {"ok": True} if problem is None else {"ok": False, "error": problem}
                for name, problem in self.problems.items()
            },
        }


def database_problem(url: URL) -> str | None:
    """None if the library database answers a query on its schema."""
    sqlite = url.get_backend_name() == "sqlite"
    on_disk = sqlite and url.database not in (None, "", ":memory:")
    # Connecting would create a missing file, empty: say it is missing instead.
    if on_disk and not Path(url.database or "").is_file():
        return f"{url.database}: no such file"
    connect_args = {} if sqlite else {"connect_timeout": CONNECT_TIMEOUT_SECONDS}
    engine = create_engine(url, poolclass=NullPool, connect_args=connect_args)
    try:
        with engine.connect() as connection:
            connection.execute(text(SCHEMA_PROBE)).first()
    except SQLAlchemyError as error:
        reason = getattr(error, "orig", None) or error
        return " ".join(str(reason).split()) or type(reason).__name__
    finally:
        engine.dispose()
    return None


def folder_problem(folder: Path) -> str | None:
    """None if `folder` exists and a file can be written in it (checked by writing)."""
    if not folder.is_dir():
        return f"{folder}: no such folder"
    try:
        writable_folder(folder)
    except PostcastError as error:
        return str(error)
    except OSError as error:
        return f"{folder}: {describe(error)}"
    return None


def check_health(checks: dict[str, Check]) -> HealthReport:
    return HealthReport({name: check() for name, check in checks.items()})


def library_checks(database: URL, site_dir: Path) -> dict[str, Check]:
    """What every process that renders or serves the library needs."""
    return {
        "database": lambda: database_problem(database),
        "site_dir": lambda: folder_problem(site_dir),
    }
