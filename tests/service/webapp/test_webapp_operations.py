"""`GET /metrics` and `GET /healthz` on `postcast web`: the exposition parses with
prometheus_client's own parser; the health check answers 200 while the library works
and 503, naming the problem, when its database or site folder is gone or damaged."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import make_url

from postcast import metrics
from postcast.config import Config
from postcast.service.health import database_problem
from postcast.service.webapp import create_web_app
from tests.service.webapp.webapp_library import standard_library, web_config


def test_metrics_are_the_prometheus_text_format(client: TestClient) -> None:
    metrics.episode_rendered("forummagnum")
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=")
    families = {family.name: family for family in text_string_to_metric_families(response.text)}
    assert families["postcast_episodes_rendered"].type == "counter"
    assert families["postcast_synthesis_seconds"].type == "histogram"
    (rendered,) = [
        sample.value
        for sample in families["postcast_episodes_rendered"].samples
        if sample.name.endswith("_total") and sample.labels == {"source_kind": "forummagnum"}
    ]
    assert rendered == metrics.sample(
        "postcast_episodes_rendered_total", {"source_kind": "forummagnum"}
    )
    assert rendered >= 1


def test_a_working_library_is_healthy(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": {"ok": True}, "site_dir": {"ok": True}},
    }
    assert response.headers["cache-control"] == "no-store"
    assert not [p for p in Path(client.app.state.web.site_dir).iterdir() if "probe" in p.name]


def test_operations_paths_are_not_in_the_api_schema(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert "/metrics" not in paths and "/healthz" not in paths


@pytest.fixture
def sqlite_app(tmp_path: Path) -> Iterator[tuple[Config, TestClient]]:
    """The app running (started up) over SQLite; the tests then break what it needs."""
    config = web_config(tmp_path)
    standard_library(config)
    with TestClient(create_web_app(config)) as client:
        assert client.get("/healthz").status_code == 200
        yield config, client


def _unhealthy(client: TestClient, check: str) -> str:
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"][check]["ok"] is False
    other = {"database": "site_dir", "site_dir": "database"}[check]
    assert body["checks"][other] == {"ok": True}
    return str(body["checks"][check]["error"])


def _database_file(config: Config) -> Path:
    return Path(config.library.database.removeprefix("sqlite:///"))


def test_a_removed_database_file_is_unhealthy(sqlite_app: tuple[Config, TestClient]) -> None:
    config, client = sqlite_app
    database = _database_file(config)
    for path in database.parent.glob(database.name + "*"):  # with its WAL files
        path.unlink()
    assert "no such file" in _unhealthy(client, "database")
    assert not database.exists()  # the check did not make a new, empty one


def test_a_damaged_database_file_is_unhealthy(sqlite_app: tuple[Config, TestClient]) -> None:
    config, client = sqlite_app
    database = _database_file(config)
    for path in database.parent.glob(database.name + "-*"):
        path.unlink()
    database.write_bytes(b"this is not SQLite at all " * 200)
    assert "not a database" in _unhealthy(client, "database")


def test_a_database_without_the_library_schema_is_unhealthy(
    sqlite_app: tuple[Config, TestClient],
) -> None:
    config, client = sqlite_app
    database = _database_file(config)
    for path in database.parent.glob(database.name + "*"):
        path.unlink()
    database.touch()  # an empty file: SQLite opens it as an empty database
    assert "alembic_version" in _unhealthy(client, "database")


def test_a_site_folder_that_is_gone_is_unhealthy(sqlite_app: tuple[Config, TestClient]) -> None:
    config, client = sqlite_app
    site = Path(config.library.site_dir)
    for path in sorted(site.rglob("*"), reverse=True):
        path.rmdir() if path.is_dir() else path.unlink()
    site.rmdir()
    site.write_text("a file where the folder was")
    assert "no such folder" in _unhealthy(client, "site_dir")


def test_a_database_server_that_does_not_answer_is_a_problem() -> None:
    with_no_server = make_url("postgresql+psycopg://postgres@127.0.0.1:9/library")
    problem = database_problem(with_no_server)
    assert problem is not None and "127.0.0.1" in problem and "port 9" in problem
