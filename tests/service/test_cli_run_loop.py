"""`postcast run` keeps running when a whole pass fails; `run --once` reports it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from postcast import pipeline
from postcast.errors import PublishError
from postcast.service import cli


class Stop(Exception):
    """Ends the endless loop from inside `time.sleep`."""


def test_run_goes_on_after_a_failed_pass(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "postcast.toml"
    config.write_text("interval_minutes = 1\n")
    outcomes: list[Any] = [OSError(28, "No space left on device"), pipeline.PassReport()]
    sleeps: list[float] = []

    def run_pass(*_: Any, **__: Any) -> pipeline.PassReport:
        outcome = outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        if not outcomes:
            raise Stop

    monkeypatch.setattr(pipeline, "run_pass", run_pass)
    monkeypatch.setattr(cli.time, "sleep", sleep)
    result = CliRunner().invoke(cli.app, ["run", "--config", str(config)])
    assert isinstance(result.exception, Stop)  # it was still looping
    assert sleeps == [60.0, 60.0]
    assert "pass failed: OSError: [Errno 28] No space left on device" in result.output
    assert "0 posts seen" in result.output


def test_run_once_still_reports_a_failed_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "postcast.toml"
    config.write_text("")

    def run_pass(*_: Any, **__: Any) -> pipeline.PassReport:
        raise PublishError("site: disk full")

    monkeypatch.setattr(pipeline, "run_pass", run_pass)
    result = CliRunner().invoke(cli.app, ["run", "--once", "--config", str(config)])
    assert isinstance(result.exception, PublishError)
