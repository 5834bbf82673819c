"""A library connection the PostgreSQL server drops in the middle of a transaction (a
restart, a failover, an idle-session timeout): the transaction, rolled back by the
server, runs again once on a new connection, so the caller never sees the drop."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from postcast.storage import open_library

pytestmark = pytest.mark.postgres


def _dropped_the_first_time(calls: list[int]) -> object:
    def work(session: Session) -> int:
        calls.append(1)
        if len(calls) == 1:  # the server ends this connection, mid-transaction
            session.execute(text("SELECT pg_terminate_backend(pg_backend_pid())"))
        return int(session.execute(text("SELECT 41 + 1")).scalar_one())

    return work


@pytest.mark.parametrize("kind", ["_write", "_read"])
def test_a_dropped_connection_runs_the_transaction_again_once(postgres_url: str, kind: str) -> None:
    calls: list[int] = []
    with open_library(postgres_url) as library:
        assert getattr(library, kind)(_dropped_the_first_time(calls)) == 42
    assert len(calls) == 2


def test_a_connection_dropped_twice_in_a_row_is_an_error(postgres_url: str) -> None:
    calls: list[int] = []

    def always_dropped(session: Session) -> None:
        calls.append(1)
        session.execute(text("SELECT pg_terminate_backend(pg_backend_pid())"))

    with open_library(postgres_url) as library, pytest.raises(DBAPIError):
        library._write(always_dropped)
    assert len(calls) == 2  # once again, not forever
