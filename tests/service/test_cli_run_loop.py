"""`postcast run` keeps running when a whole pass fails; `run --once` reports it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from postcast import pipeline, webhooks
from postcast.config import load_config
from postcast.errors import PublishError
from postcast.service import cli
from postcast.service.webapp import admin_store
from postcast.storage import open_library
from postcast.webhooks import delivery
from tests.service.webapp.webapp_library import add_episode
from tests.webhooks.receiver import Receiver


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
    assert sleeps == [30.0, 30.0, 30.0]  # a minute, looking for operators' requests at 30 s
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


def test_run_sends_webhooks_after_a_pass_and_retries_them_between_passes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    receiver = Receiver(answers=[(500, {})])
    monkeypatch.setenv("HOOK_SECRET", "s3cret-for-tests")
    config = tmp_path / "postcast.toml"
    config.write_text(
        'interval_minutes = 3\n[library]\nsite_dir = "site"\n'
        "allow_private_addresses = true\n"  # the receiver is on 127.0.0.1
        f'[[web.webhooks]]\nurl = "{receiver.url}"\nsecret_env = "HOOK_SECRET"\n'
    )
    clock = [datetime(2026, 1, 5, 12, 0, tzinfo=UTC)]
    sleeps: list[float] = []

    def run_pass(cfg: Any, *_: Any, **__: Any) -> pipeline.PassReport:
        with open_library(cfg.library.database) as library:
            stored = add_episode(library, tmp_path / "site", 1, title="Otters", status="rendered")
            webhooks.published(library, [stored.guid])
        return pipeline.PassReport()

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        clock[0] += timedelta(seconds=seconds)
        if len(sleeps) == 2:
            raise Stop

    monkeypatch.setattr(pipeline, "run_pass", run_pass)
    monkeypatch.setattr(cli.time, "sleep", sleep)
    monkeypatch.setattr(delivery, "utc_now", lambda: clock[0])
    try:
        result = CliRunner().invoke(cli.app, ["run", "--config", str(config)])
    finally:
        receiver.close()
    assert isinstance(result.exception, Stop)
    assert sleeps == [30.0, 30.0]  # the interval, in steps of POLL_SECONDS
    assert "webhooks: 0 delivered, 1 to retry, 0 given up" in result.output  # after the pass
    assert "webhooks: 1 delivered, 0 to retry, 0 given up" in result.output  # at the retry's time
    assert len(receiver.received) == 2


def test_an_operators_request_starts_the_next_pass_early(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "postcast.toml"
    config.write_text('interval_minutes = 10\n[library]\ndatabase = "sqlite:///library.sqlite3"\n')
    with open_library(load_config(config).library.database) as library:
        admin_store.request_url(library._engine, "https://example.org/essay")
    passes: list[int] = []
    sleeps: list[float] = []

    def run_pass(*_: Any, **__: Any) -> pipeline.PassReport:
        passes.append(len(sleeps))
        return pipeline.PassReport()

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        if len(passes) == 2:
            raise Stop

    monkeypatch.setattr(pipeline, "run_pass", run_pass)
    monkeypatch.setattr(cli.time, "sleep", sleep)
    result = CliRunner().invoke(cli.app, ["run", "--config", str(config)])
    assert isinstance(result.exception, Stop)
    assert passes == [0, 1]  # the second pass came after one look, not ten minutes
