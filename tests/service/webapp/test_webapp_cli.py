"""`postcast web`: reads the configuration's [web] section; flags override it."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from postcast.config import Config
from postcast.service import webapp
from postcast.service.cli import app


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Config, str, int]]:
    calls: list[tuple[Config, str, int]] = []
    monkeypatch.setattr(
        webapp, "serve", lambda config, host, port: calls.append((config, host, port))
    )
    return calls


def _config(tmp_path: Path, web: str) -> Path:
    path = tmp_path / "postcast.toml"
    path.write_text(f'[library]\nsite_dir = "site"\n\n[web]\n{web}\n', encoding="utf-8")
    return path


def test_web_listens_where_the_configuration_says(tmp_path: Path, started: list) -> None:
    path = _config(tmp_path, 'host = "0.0.0.0"\nport = 8123')
    result = CliRunner().invoke(app, ["web", "--config", str(path)])
    assert result.exit_code == 0, result.output
    config, host, port = started[0]
    assert (host, port) == ("0.0.0.0", 8123)
    assert config.library.site_dir == str(tmp_path / "site")
    assert "http://0.0.0.0:8123/" in result.output


def test_web_flags_override_the_configuration(tmp_path: Path, started: list) -> None:
    path = _config(tmp_path, "port = 8123")
    result = CliRunner().invoke(
        app, ["web", "--config", str(path), "--host", "127.0.0.2", "--port", "9001"]
    )
    assert result.exit_code == 0, result.output
    assert started[0][1:] == ("127.0.0.2", 9001)


def test_web_refuses_a_bad_web_section(tmp_path: Path, started: list) -> None:
    path = _config(tmp_path, 'admin_token_sha256 = "my-secret-token"')
    result = CliRunner().invoke(app, ["web", "--config", str(path)])
    assert result.exit_code != 0 and started == []
    assert "admin_token_sha256" in str(result.exception)
    assert "my-secret-token" not in str(result.exception)
