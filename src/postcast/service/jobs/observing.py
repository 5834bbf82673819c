"""A worker's metrics: how long each task waited on its queue, and `/metrics` served by
the worker's parent process for every process of its pool.

The wait is measured from a header stamped when a task is sent (`before_task_publish`)
to the moment a worker starts it (`task_prerun`): Celery's messages carry no send time
of their own. Pool children record into prometheus_client's multiprocess folder, which
the parent's `/metrics` sums, so the folder must be set before the worker starts.
"""

from __future__ import annotations

import os
import time
from typing import Any

from celery import signals

from postcast import metrics
from postcast.errors import ConfigError

ENQUEUED_HEADER = "postcast_enqueued_at"


def stamp_enqueue_time(headers: dict[str, Any] | None = None, **_: Any) -> None:
    if headers is not None:
        headers.setdefault(ENQUEUED_HEADER, time.time())


def record_queue_wait(task: Any = None, **_: Any) -> None:
    request = getattr(task, "request", None)
    enqueued_at = getattr(request, ENQUEUED_HEADER, None) if request is not None else None
    if enqueued_at is None and request is not None:  # where Celery kept the header
        enqueued_at = (getattr(request, "headers", None) or {}).get(ENQUEUED_HEADER)
    if isinstance(enqueued_at, int | float):
        metrics.observe_queue_latency(float(enqueued_at), str(task.name))


def connect_signals() -> None:
    """Stamp sent tasks and time their wait (weak=False: module functions, kept anyway)."""
    signals.before_task_publish.connect(stamp_enqueue_time, weak=False)
    signals.task_prerun.connect(record_queue_wait, weak=False)


def serve_worker_metrics(port: int) -> None:
    """`/metrics` on `port` for the whole worker; refuses to start without the
    multiprocess folder (the pool's children would go uncounted)."""
    if not metrics.multiprocess_mode():
        raise ConfigError(
            "--metrics-port",
            f"set {metrics.MULTIPROCESS_ENV} to an empty folder first: the worker's pool "
            "processes report there, and /metrics sums them",
        )
    if not os.path.isdir(os.environ[metrics.MULTIPROCESS_ENV]):
        raise ConfigError(os.environ[metrics.MULTIPROCESS_ENV], "is not a folder")
    metrics.serve_metrics(port)
