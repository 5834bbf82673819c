"""Renders that kill their process, counted so that they are not redelivered forever.

A task whose pool process is killed under it (the kernel's out-of-memory killer, a
crash in a native library) leaves no error behind: the worker's parent sees the child
die (`WorkerLostError`) and, as `task_reject_on_worker_lost` asks, puts the task back
on its queue, where it kills the next process too. So the parent counts each such death
of a render or of a part of its speech in the library (a lease row per death, named by
the episode, its revision and the operator's request if any, kept a week), and a render
or part that starts after `DEATHS_LIMIT` deaths does not run: the episode is marked
failed, with an error saying why, until the post is edited or a re-render is asked for.

A whole worker killed (a machine lost, `kill -9` of the worker) has no parent left to
count: its tasks are redelivered as before, since the next machine may well finish them.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from billiard.exceptions import WorkerLostError
from celery.worker.request import Request

from postcast.storage.locks import SERVICE_PREFIX

if TYPE_CHECKING:
    from postcast.service.jobs.app import PostcastCelery
    from postcast.storage import Library

log = logging.getLogger(__name__)
DEATHS_LIMIT = 3
DIED = SERVICE_PREFIX + "died:"
REMEMBERED = timedelta(days=7)


def _prefix(library: Library, guid: str, requested_at: str | None) -> str | None:
    job = library.render_job(guid)
    if job is None:
        return None
    key = f"{guid}\n{job.revision}\n{requested_at or ''}"
    return f"{DIED}{hashlib.sha1(key.encode()).hexdigest()[:20]}|"


def _counted(library: Library, prefix: str | None) -> int:
    return 0 if prefix is None else sum(1 for n in library.live_locks() if n.startswith(prefix))


def deaths(library: Library, guid: str, requested_at: str | None = None) -> int:
    """How many processes rendering the episode's current revision (for this request)
    were killed under the render."""
    return _counted(library, _prefix(library, guid, requested_at))


def count_death(library: Library, guid: str, requested_at: str | None = None) -> int:
    """One more death of the episode's render; returns the count."""
    from postcast.storage import new_lock_owner

    prefix = _prefix(library, guid, requested_at)
    if prefix is None:
        return 0
    library.lock_episode(f"{prefix}{uuid.uuid4().hex[:12]}", new_lock_owner(), REMEMBERED)
    return _counted(library, prefix)


def given_up(library: Library, guid: str, requested_at: str | None = None) -> bool:
    """True (and the episode marked failed) when the render killed too many processes."""
    died = deaths(library, guid, requested_at)
    if died < DEATHS_LIMIT:
        return False
    error = (
        f"the render killed its process {died} times (out of memory?); tried again "
        "after an edit or `postcast enqueue --rerender`"
    )
    library.mark_failed(guid, error, final=True)
    log.error("episode %s: %s", guid, error)
    return True


class CountingDeaths(Request):
    """The request class of render and synthesize tasks: in the worker's parent, a pool
    process lost under one is counted against its episode."""

    def on_failure(
        self, exc_info: Any, send_failed_event: bool = True, return_ok: bool = False
    ) -> None:
        error = exc_info.exception  # the pool's wrapper, as Celery's own handler unwraps it
        if isinstance(getattr(error, "exc", error), WorkerLostError):
            try:
                self._count()
            except Exception:  # counting must never stop the task going back on its queue
                log.exception("a lost render could not be counted")
        super().on_failure(exc_info, send_failed_event, return_ok)

    def _count(self) -> None:
        app: PostcastCelery = self.task.app  # type: ignore[assignment]
        if app.worker_state is None:
            return
        state = app.worker_state
        arguments = list(self.args)
        guid = str(arguments[0])
        requested_at = arguments[1] if self.task.name.endswith("render") else None
        died = count_death(state.library(), guid, requested_at)
        log.error("episode %s: its render's process was killed (%d times)", guid, died)
