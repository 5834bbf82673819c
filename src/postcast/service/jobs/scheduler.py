"""`postcast scheduler`: every `interval_minutes`, a fetch of every source, by Celery beat.

Only one scheduler schedules, however many are started: the schedule is a lease in the
library database (a lock row, renewed every quarter of its length). The others stand
by and take over when it lapses, or at once when its holder was a process on this
machine that died. A scheduler that cannot renew its lease stops beating before the
lease could lapse under it, so two never schedule at once. On taking the lease it
fetches every source at once (a fetch is safe to run twice), then every interval.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from celery.beat import Scheduler, Service

from postcast.service.jobs.app import FETCH, PostcastCelery
from postcast.service.jobs.sending import send_fetch
from postcast.storage.locks import SERVICE_PREFIX

if TYPE_CHECKING:
    from postcast.storage import Library

SCHEDULER = SERVICE_PREFIX + "scheduler"
LEASE = timedelta(seconds=60)
BEAT_MAX_SLEEP = 5  # seconds: how soon a stopped beat notices


def beat_schedule(app: PostcastCelery) -> dict[str, dict[str, Any]]:
    config = app.postcast_config
    every = config.interval_minutes * 60
    return {
        f"fetch {source.name}": {"task": FETCH, "schedule": every, "args": (source.name,)}
        for source in config.sources
    }


def run_scheduler(
    app: PostcastCelery,
    library: Library,
    say: Callable[[str], None],
    rounds: int | None = None,
) -> None:
    """Schedule while holding the lease, stand by while another does; forever (or
    `rounds` turns, for tests)."""
    from postcast.storage import new_lock_owner

    owner = new_lock_owner()
    standing_by = False
    while rounds is None or rounds > 0:
        rounds = None if rounds is None else rounds - 1
        if library.lock_episode(SCHEDULER, owner, LEASE):
            standing_by = False
            _schedule_while_leading(app, library, owner, say)
        elif not standing_by:
            holder = library.live_locks().get(SCHEDULER, "another scheduler")
            say(f"standby: {holder} holds the schedule")
            standing_by = True
        time.sleep(LEASE.total_seconds() / 4)


def _schedule_while_leading(
    app: PostcastCelery, library: Library, owner: str, say: Callable[[str], None]
) -> None:
    sources = [source.name for source in app.postcast_config.sources]
    say(
        f"scheduling: a fetch of {len(sources)} sources every "
        f"{app.postcast_config.interval_minutes:g} minutes"
    )
    for name in sources:
        send_fetch(app, name)
    app.conf.beat_schedule = beat_schedule(app)
    service = Service(app, max_interval=BEAT_MAX_SLEEP, scheduler_cls=Scheduler)
    stop = threading.Event()

    def keep_lease() -> None:
        while not stop.wait(LEASE.total_seconds() / 4):
            try:
                kept = library.lock_episode(SCHEDULER, owner, LEASE)
            except Exception:  # the database is away: stop before the lease can lapse
                kept = False
            if not kept:
                say("lost the schedule's lease: standing by")
                service.stop()
                return

    keeper = threading.Thread(target=keep_lease, name="scheduler lease", daemon=True)
    keeper.start()
    try:
        service.start()
    finally:
        stop.set()
        keeper.join()
