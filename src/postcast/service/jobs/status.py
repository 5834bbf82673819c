"""What `postcast status` shows: the queues' depth, the tasks running now, and per
source and per episode what went wrong last (excluded episodes with their reason).

Depths come from the broker, running tasks from the workers (a broadcast they answer
within `INSPECT_SECONDS`; a worker busy past that is still seen through the episode
locks in the database), the rest from the library.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any

from postcast.service.jobs.app import FETCH, QUEUES, RENDER, PostcastCelery
from postcast.storage.locks import is_episode_lock

if TYPE_CHECKING:
    from postcast.storage import Library

INSPECT_SECONDS = 1.0


def queue_depths(app: PostcastCelery) -> dict[str, int]:
    """Messages waiting on each queue (0 for a queue never declared)."""
    from kombu.exceptions import ChannelError

    depths: dict[str, int] = {}
    with app.connection_for_read() as connection:
        for queue in QUEUES:
            # A failed passive declare closes its channel: one channel per queue.
            channel: Any = connection.channel()
            try:
                depths[queue] = int(channel.queue_declare(queue=queue, passive=True)[1])
            except ChannelError:
                depths[queue] = 0
            finally:
                with contextlib.suppress(Exception):  # already closed by the broker
                    channel.close()
    return depths


def running_tasks(app: PostcastCelery) -> list[dict[str, Any]]:
    """Tasks the workers are running: name, arguments and worker."""
    replies = app.control.inspect(timeout=INSPECT_SECONDS).active() or {}
    return [
        {"task": task.get("name"), "args": list(task.get("args") or []), "worker": worker}
        for worker, tasks in sorted(replies.items())
        for task in tasks
    ]


def service_status(app: PostcastCelery | None, library: Library) -> dict[str, Any]:
    """Everything `postcast status` prints, as plain data (its `--json`). Without an
    `app` (no [service]: one machine, no broker) there are no queues or running tasks."""
    running = running_tasks(app) if app is not None else []
    fetching = {str(t["args"][0]) for t in running if t["task"] == FETCH and t["args"]}
    rendering = {str(t["args"][0]) for t in running if t["task"] == RENDER and t["args"]}
    rendering |= {name for name in library.live_locks() if is_episode_lock(name)}
    sources = [
        {
            "name": source.name,
            "running": source.name in fetching,
            "last_success_at": source.last_success_at,
            "last_error": None if source.healthy else source.last_error,
            "last_error_at": source.last_error_at,
            "fetch_requested_at": source.fetch_requested_at,
        }
        for source in library.source_statuses()
    ]
    episodes = [
        {
            "guid": guid,
            "title": title,
            "status": "rendering" if guid in rendering else status,
            "failures": failures,
            "last_error": error,
            "excluded_reason": reason,
        }
        for guid, title, status, failures, error, reason in library.episodes_to_report()
    ]
    urls = [
        {"url": url, "state": state, "error": error}
        for url, state, error in library.url_request_states()
        if state != "fetched"
    ]
    return {
        "queues": queue_depths(app) if app is not None else {},
        "running": running,
        "episode_counts": library.count_by_status(),
        "sources": sources,
        "episodes": episodes,
        "urls": urls,
    }
