"""Fixtures: a library on SQLite and PostgreSQL, a receiver, a configuration naming it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from postcast.storage import Library, open_library
from tests.webhooks.receiver import Receiver

SECRET_ENV = "POSTCAST_TEST_WEBHOOK_SECRET"
SECRET = "whsec-0123456789abcdef"


@pytest.fixture
def library(database: str) -> Iterator[Library]:
    with open_library(database) as opened:
        yield opened


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    served = Receiver()
    yield served
    served.close()


@pytest.fixture(autouse=True)
def secret(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv(SECRET_ENV, SECRET)
    return SECRET


@pytest.fixture
def sqlite_library(tmp_path: Path) -> Iterator[Library]:
    """For tests where the database does not matter (the addresses refused)."""
    with open_library(f"sqlite:///{tmp_path / 'library.sqlite3'}") as opened:
        yield opened
