"""The tasks: each a thin wrapper over a step `postcast run` runs too (`postcast.steps`,
`postcast.passes.publish_feeds`), plus what to send next.

- fetch(source): collect one source and what operators queued in the web app (URLs,
  lexicon changes); send a render for each episode that needs one; ask for a publish.
- render(guid[, requested_at]): render one episode under its lock (skipped: held by
  another worker, so try again once its lease could have lapsed); a failure is retried
  with backoff until the episode's failure limit, then it stays failed (reported by
  `postcast status`, tried again only after an edit or `enqueue --rerender`); then ask
  for a publish. A long post's speech is first fanned out (`fanout.py`): synthesize
  tasks speak its parts into the sentence cache, and the last sends the render again.
- synthesize(guid, revision, start, end, part): one part of a long post's speech.
- publish(): every feed; a store that refuses (past its client's own retries) is tried
  again with backoff until it answers. Asking is debounced: the first ask sets a flag row (a
  compare-and-set in the database) and sends one publish `publish_delay_seconds` later
  (at once when no other render is queued or running); later asks find the flag set and
  send nothing. The publish clears the flag before it reads the library, so a render
  recorded after that asks again: nothing is left out.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime
from typing import Any

from postcast import steps
from postcast.config import Config
from postcast.errors import PublishError
from postcast.pass_report import PassReport
from postcast.passes import apply_operator_requests, publish_feeds, writing_site
from postcast.service.jobs import deaths
from postcast.service.jobs.app import FETCH, PUBLISH, RENDER, SYNTHESIZE, PostcastCelery, make_app
from postcast.service.jobs.deaths import CountingDeaths
from postcast.service.jobs.fanout import fan_out, synthesize_part
from postcast.service.jobs.sending import PUBLISH_DUE, QUEUED, request_publish, send_render
from postcast.service.jobs.state import WorkerState
from postcast.storage.locks import DEFAULT_LEASE, SERVICE_PREFIX

# Not celery's get_task_logger("postcast"): it re-parents the logger it names under
# celery.task, which does not propagate, and postcast's own lines would leave the root.
log = logging.getLogger(__name__)
PUBLISHING = SERVICE_PREFIX + "publishing"  # one publisher at a time, across machines
SKIPPED_RETRIES = 20  # a render held elsewhere waits at most this many leases
PUBLISH_RETRY_CAP = 300.0  # seconds


def fetch_source(app: PostcastCelery, state: WorkerState, source: str) -> PassReport:
    library = state.library()
    report = steps.collect_source(state.config, library, source)
    # What operators asked for in the web app (queued URLs, lexicon changes), as a pass
    # does: every fetch looks, and renders are queued once each (guarded by rows).
    apply_operator_requests(state.config, library, report)
    for job in library.episodes_needing_render():
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
    if deaths.given_up(library, guid, requested_at):
        return None  # it would only kill this process too
    asked = datetime.fromisoformat(requested_at) if requested_at else None
    if asked is None and fan_out(app, state, guid):
        return None  # its speech is spoken in parts; the last part sends the render
    with writing_site(state.config, PassReport()):
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


def publish_retry_delay(app: PostcastCelery, retries: int) -> float:
    """Backoff between tries of a publish the store refused, doubling up to 5 minutes:
    the feeds must go out once the store is back, however long it was down."""
    return float(min(PUBLISH_RETRY_CAP, app.service.retry_backoff_seconds * 2**retries))


def register_tasks(app: PostcastCelery, threads: int = 0) -> None:
    """Add the tasks to `app`, by constant names (not module paths); each process's voice
    uses `threads` CPU threads (0: ONNX Runtime's default, every core)."""
    state = WorkerState(app.postcast_config, threads)

    @app.task(name=FETCH, bind=True, shared=False)
    def fetch(task: Any, source: str) -> None:
        report = fetch_source(app, state, source)
        log.info("fetch %s: %s", source, report.summary())

    @app.task(
        name=RENDER, bind=True, shared=False, max_retries=SKIPPED_RETRIES, Request=CountingDeaths
    )
    def render(task: Any, guid: str, requested_at: str | None = None) -> None:
        retry_in = render_one(app, state, guid, requested_at)
        if retry_in is not None:
            raise task.retry(countdown=retry_in)

    @app.task(name=SYNTHESIZE, bind=True, shared=False, Request=CountingDeaths)
    def synthesize(task: Any, guid: str, revision: str, start: int, end: int, part: int) -> None:
        synthesize_part(app, state, guid, revision, start, end, part)

    @app.task(name=PUBLISH, bind=True, shared=False, max_retries=None)
    def publish(task: Any) -> None:
        try:
            report = publish_all(state)
        except PublishError as error:  # the store refused past its own retries: an outage
            delay = publish_retry_delay(app, task.request.retries)
            log.warning("publishing failed (%s); trying again in %.0f s", error, delay)
            raise task.retry(countdown=delay) from error
        if report is None:
            raise task.retry(countdown=max(1.0, app.service.publish_delay_seconds))
        log.info("published %d feeds", len(report.feeds))

    app.worker_state = state


def worker_app(config: Config, threads: int = 0) -> PostcastCelery:
    """The app a worker runs: the client app with the tasks added. A task speaks in its
    own process: parallelism is the worker's concurrency and the other workers (and a
    long post's parts), not a process pool inside a task (a pool child may not fork);
    `threads` is each task's share of the cores (see `commands.voice_threads`)."""
    if config.speech.workers == 0:
        config = replace(config, speech=replace(config.speech, workers=1))
    app = make_app(config)
    register_tasks(app, threads)
    return app
