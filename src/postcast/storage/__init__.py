"""storage stage: the library database (SQLAlchemy 2, Alembic migrations; SQLite or PostgreSQL).

`open_library(url)` migrates the database to the newest schema and returns a `Library`.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.exc import OperationalError

from postcast.errors import StorageError
from postcast.storage.database import (
    create_library_engine,
    migrate,
    safe_url,
    schema_revision,
)
from postcast.storage.database import database_url as parse_database_url
from postcast.storage.library import Library
from postcast.storage.locks import new_lock_owner
from postcast.storage.records import (
    EpisodeRecord,
    EpisodeStatus,
    FeedState,
    PostKey,
    PostState,
    RenderJob,
    SourceStatus,
)
from postcast.storage.renders import DEFAULT_MAX_FAILURES


def open_library(database_url: str, base_dir: Path | None = None) -> Library:
    """Open (creating and migrating as needed) the library at a database URL.

    `sqlite:///relative.db` resolves from `base_dir`; `postgresql://` uses psycopg 3.
    """
    url = parse_database_url(database_url, base_dir)
    engine = create_library_engine(url)
    try:
        migrate(engine)
    except OperationalError as error:
        engine.dispose()
        raise StorageError(f"cannot open database {safe_url(url)}: {error.orig}") from error
    return Library(engine)


__all__ = [
    "DEFAULT_MAX_FAILURES",
    "EpisodeRecord",
    "EpisodeStatus",
    "FeedState",
    "Library",
    "PostKey",
    "PostState",
    "RenderJob",
    "SourceStatus",
    "StorageError",
    "new_lock_owner",
    "open_library",
    "parse_database_url",
    "schema_revision",
]
