"""A library with two published episodes (65 s, 67-byte MP3s: a minute of audio is 62
bytes) on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from postcast.storage import open_library
from tests.service.webapp.webapp_library import Stored, add_episode


@pytest.fixture
def episodes(database: str, tmp_path: Path) -> dict[str, Stored]:
    with open_library(database) as library:
        return {
            "first": add_episode(
                library, tmp_path / "site", 1, title="First", authors=("Ada Lovelace",)
            ),
            "second": add_episode(
                library,
                tmp_path / "site",
                2,
                title="Second",
                authors=("Ada Lovelace", "grace_hopper99"),
            ),
        }


@pytest.fixture
def engine(database: str, episodes: dict[str, Stored]) -> Iterator[Engine]:
    library = open_library(database)
    yield library.engine
    library.close()
