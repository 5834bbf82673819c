"""Fixtures: the web app over a standard library, on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from postcast.config import Config
from postcast.service.webapp import create_web_app
from tests.service.webapp.webapp_library import ADMIN_TOKEN, Stored, standard_library, web_config

AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


@pytest.fixture
def config(tmp_path: Path, database: str) -> Config:
    return web_config(tmp_path, database)


@pytest.fixture
def stored(config: Config) -> dict[str, Stored]:
    return standard_library(config)


@pytest.fixture
def client(config: Config, stored: dict[str, Stored]) -> Iterator[TestClient]:
    with TestClient(create_web_app(config)) as test_client:
        yield test_client
