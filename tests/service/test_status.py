"""`postcast status`: exclusions with their reasons, failures, sources, queued URLs."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from typer.testing import CliRunner

from postcast.config import load_config
from postcast.errors import InputError
from postcast.service import cli
from postcast.service.webapp import admin_store
from postcast.storage import open_library
from tests.service.webapp.webapp_library import standard_library


def test_status_shows_why_episodes_are_excluded_or_failed(tmp_path: Path) -> None:
    config_file = tmp_path / "postcast.toml"
    config_file.write_text('[library]\ndatabase = "sqlite:///library.sqlite3"\nsite_dir = "site"\n')
    config = load_config(config_file)
    standard_library(config)
    with open_library(config.library.database) as library:
        library.record_source_error("lesswrong", "HTTP 503", datetime(2025, 3, 2, tzinfo=UTC))
        engine = library._engine
        admin_store.request_url(engine, "https://example.org/essay")
        (queued,) = library.queued_urls()
        library.record_url_fetch(
            queued.id, datetime(2025, 3, 2, tzinfo=UTC), post_source=None, error="HTTP 404"
        )
        admin_store.request_url(engine, "https://example.org/next")

    result = CliRunner().invoke(cli.app, ["status", "--config", str(config_file)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert (
        "  lesswrong: last success never; last error 2025-03-02T00:00:00+00:00: HTTP 503" in lines
    )
    assert "episodes: 1 pending, 1 rendered, 3 published, 1 failed, 1 excluded" in lines
    assert any(
        line.startswith("  excluded: Excluded quokka post") and line.endswith(": author opted out")
        for line in lines
    )
    assert any(
        line.startswith("  failed: Failed quokka") and "voice crashed" in line for line in lines
    )
    assert "  url failed: https://example.org/essay: HTTP 404" in lines
    assert "  url pending: https://example.org/next" in lines


def test_status_refuses_a_database_that_is_not_sqlite(tmp_path: Path) -> None:
    (tmp_path / "library.sqlite3").write_text("not a database")
    config_file = tmp_path / "postcast.toml"
    config_file.write_text('[library]\ndatabase = "sqlite:///library.sqlite3"\n')
    result = CliRunner().invoke(cli.app, ["status", "--config", str(config_file)])
    # `cli.main` turns it into one line and exit code 2
    assert isinstance(result.exception, InputError)
    assert "library.sqlite3: file is not a database" in str(result.exception)
