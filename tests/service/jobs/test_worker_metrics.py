"""A worker's observability: each task's wait on its queue is recorded as it starts, and
`postcast worker --metrics-port` serves /metrics summing its pool's processes."""

from __future__ import annotations

import socket
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from typer.testing import CliRunner

from postcast import metrics
from postcast.errors import ConfigError
from postcast.service.cli import app as cli
from postcast.service.jobs.app import FETCH, RENDER
from postcast.service.jobs.sending import send_fetch
from tests.service.jobs.support import (
    configured,
    enqueue,
    make_library,
    start_worker_process,
    stop_worker,
    wait_until,
)

pytestmark = pytest.mark.postgres


def _waits(task: str) -> float:
    return metrics.sample("postcast_queue_latency_seconds_count", {"task": task})


def test_every_task_started_records_how_long_it_waited(
    tmp_path: Path, redis_url: str, postgres_url: str
) -> None:
    from tests.service.jobs.support import inprocess_worker

    config = configured(make_library(tmp_path, 2, postgres_url, redis_url))
    fetches, renders = _waits(FETCH), _waits(RENDER)
    with inprocess_worker(config) as app:
        send_fetch(app, "drafts")
        wait_until(lambda: _waits(RENDER) >= renders + 2, "two renders started")
    assert _waits(FETCH) == fetches + 1


def test_a_worker_serves_metrics_for_its_whole_pool(
    tmp_path: Path, redis_url: str, postgres_url: str
) -> None:
    config = make_library(tmp_path, 2, postgres_url, redis_url)
    folder = tmp_path / "prometheus"
    folder.mkdir()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    worker = start_worker_process(
        config,
        tmp_path / "worker.log",
        "--metrics-port",
        str(port),
        env={metrics.MULTIPROCESS_ENV: str(folder)},
    )
    try:
        enqueue(config)

        def rendered() -> float:
            try:
                text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
            except httpx.TransportError:
                return 0.0
            return sum(
                sample.value
                for family in text_string_to_metric_families(text)
                for sample in family.samples
                if sample.name == "postcast_episodes_rendered_total"
            )

        wait_until(lambda: rendered() == 2, "both renders counted by the parent's /metrics")
    finally:
        stop_worker(worker)


def test_metrics_port_needs_the_multiprocess_folder(
    tmp_path: Path, redis_url: str, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(metrics.MULTIPROCESS_ENV, raising=False)
    config = make_library(tmp_path, 1, postgres_url, redis_url)
    result = CliRunner().invoke(cli, ["worker", "--config", str(config), "--metrics-port", "9999"])
    assert isinstance(result.exception, ConfigError)
    assert "PROMETHEUS_MULTIPROC_DIR" in str(result.exception)
