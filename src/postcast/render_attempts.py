"""Renders that kill their process, counted so that they are not started forever.

A render killed from outside (the kernel's out-of-memory killer, a crash in a native
library) leaves no error behind: the next pass, or the worker the broker redelivers
the task to, starts it again, and the same input kills that process too. So each start
of a render leaves a row in the library's lease table (`started:KEY|WHEN|N`, KEY a digest
of the episode and revision, kept for a week), and a render that ends, well or badly,
removes its revision's rows. A start that finds `DEATHS_LIMIT` rows (since the
operator's request, for a re-render asked for) knows the render died that many times in
a row: the episode is marked failed instead, until an edit or a new request.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from postcast.storage.locks import SERVICE_PREFIX

if TYPE_CHECKING:
    from postcast.storage import Library, RenderJob

DEATHS_LIMIT = 3
STARTED = SERVICE_PREFIX + "started:"
REMEMBERED = timedelta(days=7)


def _prefix(job: RenderJob) -> str:
    key = hashlib.sha1(f"{job.guid}\n{job.revision}".encode()).hexdigest()[:20]
    return f"{STARTED}{key}|"


def deaths(library: Library, job: RenderJob, since: datetime | None = None) -> int:
    """Starts of `job` that never ended (since `since`, if given)."""
    prefix = _prefix(job)
    started = [
        datetime.fromisoformat(name.removeprefix(prefix).partition("|")[0])
        for name in library.live_locks()
        if name.startswith(prefix)
    ]
    return sum(1 for moment in started if since is None or moment >= since)


def deaths_error(count: int) -> str:
    return (
        f"the render killed its process {count} times in a row (out of memory?); "
        "tried again after an edit or a re-render request"
    )


@contextmanager
def counted_start(library: Library, job: RenderJob) -> Iterator[None]:
    """Record this start of `job`; once the render ends, returning or raising, forget
    every start of its revision (only a process that dies keeps its row)."""
    from postcast.storage import new_lock_owner

    prefix = _prefix(job)
    name = f"{prefix}{datetime.now(UTC).isoformat()}|{uuid.uuid4().hex[:8]}"
    library.lock_episode(name, new_lock_owner(), REMEMBERED)
    try:
        yield
    finally:
        for started in library.live_locks():
            if started.startswith(prefix):
                library.drop_lock(started)
