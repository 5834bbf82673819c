"""The tasks: each a thin wrapper over a step `postcast run` runs too (`postcast.steps`,
`postcast.passes.publish_feeds`), plus what to send next.

- fetch(source): collect one source; send a render for each of its episodes that needs
  one; ask for a publish.
- render(guid[, requested_at]): render one episode under its lock (skipped: held by
  another worker, so try again once its lease could have lapsed); a failure is retried
  with backoff until the episode's failure limit, then it stays failed (reported by
  `postcast status`, tried again only after an edit or `enqueue --rerender`); then ask
  for a publish.
- publish(): every feed. Asking is debounced: the first ask sets a flag row (a
  compare-and-set in the database) and sends one publish `publish_delay_seconds` later;
  later asks find the flag set and send nothing. The publish clears the flag before it
  reads the library, so a render recorded after that asks again: nothing is left out.
"""

from __future__ import annotations

import os
import threading
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from celery.utils.log import get_task_logger

from postcast import steps
from postcast.config import Config
from postcast.passes import PassReport, publish_feeds, writing_site
from postcast.service.jobs.app import FETCH, PUBLISH, RENDER, PostcastCelery, make_app
from postcast.storage.locks import DEFAULT_LEASE, SERVICE_PREFIX

if TYPE_CHECKING:
    from postcast.speech.base import SpeechEngine
    from postcast.storage import Library

log = get_task_logger("postcast")
PUBLISH_DUE = SERVICE_PREFIX + "publish-due"  # the debounce flag
PUBLISHING = SERVICE_PREFIX + "publishing"  # one publisher at a time, across machines
QUEUED = SERVICE_PREFIX + "queued:"  # + GUID: a render of it is on the queue
SKIPPED_RETRIES = 20  # a render held elsewhere waits at most this many leases


class WorkerState:
    """What a worker process keeps between tasks: its library connection pool and its
    speech engine, whose voices stay loaded (a re-render after an edit pays no start-up).
    Made on first use in each process: a forked pool child makes its own."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self._lock = threading.Lock()
        self._pid = 0
        self._library: Library | None = None
        self._engine: SpeechEngine | None = None

    def _this_process(self) -> None:
        if self._pid != os.getpid():  # forked: the parent's connections are not ours
            self._pid, self._library, self._engine = os.getpid(), None, None

    def library(self) -> Library:
        from postcast.storage import open_library

        with self._lock:
            self._this_process()
            if self._library is None:
                self._library = open_library(self.config.library.database)
            return self._library

    def engine(self) -> SpeechEngine:
        from postcast.speech import create_engine

        with self._lock:
            self._this_process()
            if self._engine is None:
                self._engine = create_engine(self.config.speech)
            return self._engine


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
    app.send_task(PUBLISH, countdown=app.service.publish_delay_seconds)
    return True


def fetch_source(app: PostcastCelery, state: WorkerState, source: str) -> PassReport:
    library = state.library()
    report = steps.collect_source(state.config, library, source)
    for job in library.episodes_needing_render(source=source):
        send_render(app, library, job.guid)
    request_publish(app, library)  # titles, exclusions and dates may have changed
    return report


def render_one(
    app: PostcastCelery, state: WorkerState, guid: str, requested_at: str | None
) -> float | None:
    """Render `guid`; seconds until it should be tried again, or None when done."""
    from postcast.storage import DEFAULT_MAX_FAILURES, EpisodeStatus

    library = state.library()
    library.drop_lock(QUEUED + guid)  # from here on a new edit queues a new render
    asked = datetime.fromisoformat(requested_at) if requested_at else None
    report = PassReport()
    with writing_site(state.config, report):
        report = steps.render_episode(
            state.config, library, guid, requested_at=asked, engine=state.engine()
        )
    if report.skipped:
        return DEFAULT_LEASE.total_seconds()
    record = library.episode(guid)
    if report.failed and record is not None:
        log.warning("episode %s failed (%d): %s", guid, record.failures, report.failed[0][1])
        if record.failures < DEFAULT_MAX_FAILURES:
            return float(app.service.retry_backoff_seconds * 2 ** (record.failures - 1))
        log.error("episode %s failed %d times: marked failed", guid, record.failures)
    if record is not None and record.status == EpisodeStatus.RENDERED:
        request_publish(app, library)
    return None


def publish_all(state: WorkerState) -> PassReport | None:
    """Every feed, unless another worker is publishing (None: try again shortly)."""
    from postcast.storage import new_lock_owner

    library = state.library()
    report = PassReport()
    with library.holding_episode(PUBLISHING, new_lock_owner()) as held:
        if not held:
            return None
        library.drop_lock(PUBLISH_DUE)  # before reading: later renders ask again
        with writing_site(state.config, report):
            publish_feeds(state.config, library, report)
    return report


def register_tasks(app: PostcastCelery) -> None:
    """Add the tasks to `app`, by constant names (not module paths)."""
    state = WorkerState(app.postcast_config)

    @app.task(name=FETCH, bind=True, shared=False)
    def fetch(task: Any, source: str) -> None:
        report = fetch_source(app, state, source)
        log.info("fetch %s: %s", source, report.summary())

    @app.task(name=RENDER, bind=True, shared=False, max_retries=SKIPPED_RETRIES)
    def render(task: Any, guid: str, requested_at: str | None = None) -> None:
        retry_in = render_one(app, state, guid, requested_at)
        if retry_in is not None:
            raise task.retry(countdown=retry_in)

    @app.task(name=PUBLISH, bind=True, shared=False, max_retries=None)
    def publish(task: Any) -> None:
        report = publish_all(state)
        if report is None:
            raise task.retry(countdown=max(1.0, app.service.publish_delay_seconds))
        log.info("published %d feeds", len(report.feeds))

    app.worker_state = state


def worker_app(config: Config) -> PostcastCelery:
    """The app a worker runs: the client app with the tasks added."""
    app = make_app(config)
    register_tasks(app)
    return app
