"""Alembic environment: runs on the connection `postcast.storage` hands over.

`open_library` migrates programmatically (no alembic.ini); the `alembic` command works
too when given `-x url=...`.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine

from postcast.errors import InputError
from postcast.storage.schema import Base, described_by_orm


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER most things
        compare_type=True,
        include_name=described_by_orm,  # the search index is made per database, by hand
    )
    with context.begin_transaction():
        context.run_migrations()


def main() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = context.get_x_argument(as_dictionary=True).get("url") or context.config.get_main_option(
        "sqlalchemy.url"
    )
    if url is None:  # create_engine(None) would fail with a less helpful message
        raise InputError("database url", "none given: pass `-x url=...` to alembic")
    engine = create_engine(url)
    with engine.begin() as new_connection:
        _run(new_connection)
    engine.dispose()


main()
