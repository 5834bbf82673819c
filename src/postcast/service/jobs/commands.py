"""The service's commands: `postcast worker`, `scheduler`, `enqueue` and `status`.

Plain functions; `postcast.service.cli` registers them on its Typer app (errors become
exit codes there). Each reads `[service]` (defaults when the section is absent).
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from postcast.config import load_config
from postcast.errors import BrokerError, NotFoundError
from postcast.service.jobs.app import QUEUES, PostcastCelery, make_app

ConfigFile = Annotated[Path, typer.Option("--config", "-c", help="Path to postcast.toml.")]


def worker(
    config: ConfigFile,
    queues: Annotated[
        str, typer.Option("--queues", "-Q", help="Comma-separated: fetch, speech, publish.")
    ] = ",".join(QUEUES),
    concurrency: Annotated[
        int | None, typer.Option("--concurrency", help="Tasks at once (default: one per core).")
    ] = None,
    metrics_port: Annotated[
        int | None,
        typer.Option(
            "--metrics-port",
            help="Serve Prometheus /metrics on this port (needs PROMETHEUS_MULTIPROC_DIR).",
        ),
    ] = None,
    threads: Annotated[
        int | None,
        typer.Option(
            "--threads",
            min=1,
            help="CPU threads each task's voice uses (default: the cores shared out "
            "between the tasks run at once).",
        ),
    ] = None,
) -> None:
    """Run a Celery worker: fetches, renders (voices kept loaded) and publishes."""
    from postcast.service.jobs.tasks import worker_app
    from postcast.storage import open_library

    cfg = load_config(config)
    chosen = [queue.strip() for queue in queues.split(",") if queue.strip()]
    unknown = sorted(set(chosen) - set(QUEUES))
    if unknown or not chosen:
        raise NotFoundError("--queues", f"unknown queue(s) {unknown}; known: {', '.join(QUEUES)}")
    open_library(cfg.library.database).close()  # migrated once, before the pool forks
    if metrics_port is not None:
        from postcast.service.jobs.observing import serve_worker_metrics

        serve_worker_metrics(metrics_port)
    app = worker_app(cfg, threads or voice_threads(concurrency))
    state = app.worker_state
    if state is not None and "speech" in chosen:
        from celery.signals import worker_process_init

        # each pool process loads its voice as it starts, not at its first render
        worker_process_init.connect(lambda **_: state.warm_up_in_background(), weak=False)
    argv = ["worker", "--queues", ",".join(chosen), "--loglevel", "INFO"]
    argv += ["--hostname", f"postcast-{os.getpid()}@%h", "--without-gossip", "--without-mingle"]
    if concurrency is not None:
        argv += ["--concurrency", str(concurrency)]
    app.worker_main(argv)


def voice_threads(concurrency: int | None) -> int:
    """Each task's share of this machine's cores: `concurrency` tasks (Celery's default:
    one per core) that each let ONNX Runtime take every core would fight over them
    (its threads spin while they wait), so each gets cores / tasks, at least one."""
    from postcast.speech.workers import available_cores

    cores = available_cores()
    return max(1, cores // (concurrency or cores))


def scheduler(config: ConfigFile) -> None:
    """Queue a fetch of every source every interval_minutes (one schedule at a time)."""
    from postcast.service.jobs.scheduler import run_scheduler
    from postcast.storage import open_library

    cfg = load_config(config)
    with open_library(cfg.library.database) as library:
        run_scheduler(make_app(cfg), library, say=lambda line: typer.echo(line, err=True))


def enqueue(
    config: ConfigFile,
    source: Annotated[str | None, typer.Option("--source", help="Fetch this source only.")] = None,
    rerender: Annotated[
        str | None, typer.Option("--rerender", help="Render this episode (GUID) again.")
    ] = None,
) -> None:
    """Queue a fetch of every source (or --source), or a re-render, and return."""
    from postcast.service.jobs.sending import send_fetch, send_render
    from postcast.steps import source_named
    from postcast.storage import open_library

    cfg = load_config(config)
    app = make_app(cfg)
    with open_library(cfg.library.database) as library, _broker(app):
        if rerender is not None:
            if library.episode(rerender) is None:
                raise NotFoundError(rerender, "no episode with this GUID in the library")
            send_render(app, library, rerender, requested_at=datetime.now(UTC))
            typer.echo(f"queued: render of {rerender}")
        names = [source_named(cfg, source).name] if source else []
        if rerender is None and not names:
            names = [s.name for s in cfg.sources]
        for name in names:
            send_fetch(app, name)
            typer.echo(f"queued: fetch of {name}")


def status(
    config: ConfigFile,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")] = False,
) -> None:
    """Sources, episodes by state, exclusions with their reasons, failures, queued URLs;
    with [service], also queue depths and running tasks."""
    from postcast.service.cli import database_errors
    from postcast.service.jobs.status import service_status
    from postcast.service.status import status_lines
    from postcast.storage import open_library

    cfg = load_config(config)
    app = make_app(cfg) if cfg.service is not None else None  # one machine: no broker
    with database_errors(cfg.library.database), open_library(cfg.library.database) as library:
        if app is None and not as_json:
            typer.echo("\n".join(status_lines(library)))
            return
        with _broker(app) if app is not None else contextlib.nullcontext():
            report = service_status(app, library)
    if as_json:
        typer.echo(json.dumps(report, indent=2, default=_isoformat))
    else:
        from postcast.service.jobs.status_tables import print_tables

        print_tables(report)


def _isoformat(value: Any) -> str:
    return value.isoformat() if isinstance(value, datetime) else str(value)


@contextlib.contextmanager
def _broker(app: PostcastCelery) -> Iterator[None]:
    """The broker's connection errors as postcast's (exit 1, naming the broker)."""
    from kombu.exceptions import OperationalError
    from kombu.utils.url import maybe_sanitize_url

    try:
        yield
    except (OperationalError, ConnectionError) as error:
        where = maybe_sanitize_url(app.service.broker_url)
        raise BrokerError(f"{where}: cannot reach the broker ({error})") from error
