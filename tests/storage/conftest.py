"""The library under test, on SQLite and on the local PostgreSQL alike."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from postcast.storage import Library, open_library


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def library(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Library]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'library.sqlite3'}"
    else:
        url = str(request.getfixturevalue("postgres_url"))
    opened = open_library(url)
    yield opened
    opened.close()
