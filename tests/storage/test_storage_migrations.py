"""Migrations from an empty database, on SQLite and PostgreSQL, match the ORM tables."""

from __future__ import annotations

from importlib.resources import as_file, files
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, inspect

from postcast.errors import InputError, StorageError
from postcast.storage import open_library, parse_database_url, schema_revision
from postcast.storage.schema import Base, described_by_orm

TABLES = {
    *("sources", "posts", "episodes", "renders", "feeds", "episode_locks", "alembic_version"),
    *("episode_moderation", "url_requests", "lexicon_entries", "lexicon_changes"),
    *("episode_events", "webhook_deliveries", "render_progress"),
    *("listener_salts", "listens", "imported_access_logs"),
}


def _tables(engine: Engine) -> set[str]:
    """The tables schema.py describes (the search index's are made per database)."""
    return {name for name in inspect(engine).get_table_names() if described_by_orm(name, "table")}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'library.sqlite3'}"
    return str(request.getfixturevalue("postgres_url"))


def _head() -> str:
    with as_file(files("postcast.storage").joinpath("migrations")) as folder:
        config = AlembicConfig()
        config.set_main_option("script_location", str(folder))
        head = ScriptDirectory.from_config(config).get_current_head()
    assert head is not None
    return head


def test_open_library_migrates_an_empty_database_to_head(empty_database: str) -> None:
    engine = create_engine(parse_database_url(empty_database))
    try:
        assert schema_revision(engine) is None
        assert inspect(engine).get_table_names() == []
        open_library(empty_database).close()
        assert schema_revision(engine) == _head()
        assert _tables(engine) == TABLES
        assert "episode_search" in inspect(engine).get_table_names()
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"include_name": described_by_orm}
            )
            differences = compare_metadata(context, Base.metadata)
        assert differences == [], "schema.py and the migrations disagree; add a migration"
        open_library(empty_database).close()  # a second open finds nothing to do
        assert schema_revision(engine) == _head()
    finally:
        engine.dispose()


def test_migrations_downgrade_to_empty_and_back(empty_database: str) -> None:
    open_library(empty_database).close()
    engine = create_engine(parse_database_url(empty_database))
    try:
        with as_file(files("postcast.storage").joinpath("migrations")) as folder:
            config = AlembicConfig()
            config.set_main_option("script_location", str(folder))
            with engine.begin() as connection:
                config.attributes["connection"] = connection
                command.downgrade(config, "base")
            assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        open_library(empty_database).close()
        assert _tables(engine) == TABLES
    finally:
        engine.dispose()


def test_user_urls_get_the_psycopg_driver() -> None:
    for url in ("postgresql://postcast@db.example.org/library", "postgres://postcast@db/library"):
        assert parse_database_url(url).drivername == "postgresql+psycopg"
    explicit = parse_database_url("postgresql+psycopg://postcast@db/library")
    assert explicit.drivername == "postgresql+psycopg"


def test_relative_sqlite_paths_resolve_from_the_config_folder(tmp_path: Path) -> None:
    url = parse_database_url("sqlite:///state/library.sqlite3", base_dir=tmp_path)
    assert url.database == str(tmp_path / "state" / "library.sqlite3")
    open_library("sqlite:///state/library.sqlite3", base_dir=tmp_path).close()
    assert (tmp_path / "state" / "library.sqlite3").is_file()


@pytest.mark.parametrize("url", ["mysql://root@localhost/postcast", "not a url at all"])
def test_unsupported_urls_are_input_errors(url: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_database_url(url)
    assert "mysql" in str(caught.value) or "not a database URL" in str(caught.value)


def test_unreachable_server_is_a_storage_error_without_password() -> None:
    with pytest.raises(StorageError) as caught:
        open_library("postgresql://postcast:s3cret@127.0.0.1:9/library?connect_timeout=2")
    assert "cannot open database" in str(caught.value)
    assert "s3cret" not in str(caught.value)
