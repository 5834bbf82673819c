"""Sending tasks, each send guarded by a row in the library so that work is queued
once: a render of an episode while one is queued, a publish while one is due.

A publish waits `publish_delay_seconds` only while renders are queued or running (a
burst: its later episodes then go out in the same publish); the last episode of a
burst, or a lone re-render, is published at once rather than a delay later."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from postcast.service.jobs.app import FETCH, PUBLISH, RENDER, PostcastCelery
from postcast.storage.locks import SERVICE_PREFIX, is_episode_lock

if TYPE_CHECKING:
    from postcast.storage import Library

PUBLISH_DUE = SERVICE_PREFIX + "publish-due"  # the debounce flag
QUEUED = SERVICE_PREFIX + "queued:"  # + GUID: a render of it is on the queue
# + tag: a part of a long post's speech still to be spoken (`fanout.py`)
PART = SERVICE_PREFIX + "part:"


def send_fetch(app: PostcastCelery, source: str) -> None:
    app.send_task(FETCH, args=[source])


def send_render(
    app: PostcastCelery, library: Library, guid: str, requested_at: datetime | None = None
) -> bool:
    """Queue a render of `guid`, unless one is queued already (a guard row whose lease
    lasts as long as a task may wait unacknowledged). An operator's re-render
    (`requested_at`) always goes. True if sent."""
    from postcast.storage import new_lock_owner

    if requested_at is None:
        guard = timedelta(seconds=app.service.visibility_timeout)
        if not library.lock_episode(QUEUED + guid, new_lock_owner(), guard):
            return False
    app.send_task(RENDER, args=[guid, requested_at.isoformat() if requested_at else None])
    return True


def request_publish(app: PostcastCelery, library: Library) -> bool:
    """Ask for a publish soon; True if this ask sent it (the first since the last publish)."""
    from postcast.storage import new_lock_owner

    due = timedelta(seconds=app.service.visibility_timeout + app.service.publish_delay_seconds)
    if not library.lock_episode(PUBLISH_DUE, new_lock_owner(), due):
        return False
    delay = app.service.publish_delay_seconds if renders_pending(library) else 0.0
    app.send_task(PUBLISH, countdown=delay)
    return True


def renders_pending(library: Library) -> bool:
    """Whether a render is queued or running (an episode's lock, a queued render's guard,
    a part of a long post still to be spoken): more episodes may soon be ready."""
    return any(
        name.startswith((QUEUED, PART)) or is_episode_lock(name) for name in library.live_locks()
    )
