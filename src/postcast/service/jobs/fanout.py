"""A long post's speech fanned out: its script cut into parts of whole segments, each
spoken and mastered into the shared caches (sentences, mastered chunks) by a
`synthesize` task on whichever worker is free; the render that follows takes every
segment's chunk from the cache and only assembles.

Celery's chord would need a result backend; here the library counts instead. Each part
is a lease row (`part:GUID|REV|N`) made before its task is sent; a part's task removes
its row when done, and the task that finds no row left sends the render (two finding
none at once send two renders, and the episode lock makes the second a no-op). A part
whose task was lost lets its lease lapse: the next render then speaks what is missing
itself. A `fanned:GUID|REV` row says the revision was fanned out, so that render does
not fan out again.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import timedelta

from postcast import steps
from postcast.operator_requests import library_lexicon
from postcast.pass_report import PassReport
from postcast.passes import writing_site
from postcast.service.jobs.app import SYNTHESIZE, PostcastCelery
from postcast.service.jobs.sending import PART, send_render
from postcast.service.jobs.state import WorkerState
from postcast.storage.locks import SERVICE_PREFIX

# Not celery's get_task_logger("postcast"): it re-parents the logger it names under
# celery.task, which does not propagate, and postcast's own lines would leave the root.
log = logging.getLogger(__name__)
FANNED = SERVICE_PREFIX + "fanned:"


def _tag(guid: str, revision: str) -> str:
    return f"{guid}|{hashlib.sha1(revision.encode()).hexdigest()[:12]}"


def fan_out(app: PostcastCelery, state: WorkerState, guid: str) -> bool:
    """True when `guid`'s speech is being spoken in parts (the render waits for the
    last); False when the render should go ahead here and now."""
    from postcast.storage import new_lock_owner

    sentences = app.service.fan_out_sentences
    library = state.library()
    if not sentences or state.config.speech.cache_max_mb == 0:
        return False
    jobs = library.episodes_needing_render(guid=guid)
    if not jobs:
        return False
    job, tag = jobs[0], _tag(guid, jobs[0].revision)
    if any(name.startswith(PART + tag) for name in library.live_locks()):
        return True  # parts still speaking: the last of them sends the render
    lease = timedelta(seconds=app.service.visibility_timeout)
    if not library.lock_episode(FANNED + tag, new_lock_owner(), lease):
        return False  # fanned out before, and every part is done: assemble
    parts = steps.speech_parts(state.config, job.post, sentences)
    if len(parts) < 2:
        return False
    for number in range(len(parts)):
        library.lock_episode(f"{PART}{tag}|{number}", new_lock_owner(), lease)
    for number, (start, end) in enumerate(parts):
        app.send_task(SYNTHESIZE, args=[guid, job.revision, start, end, number])
    log.info("episode %s: speech fanned out in %d parts", guid, len(parts))
    return True


def synthesize_part(
    app: PostcastCelery,
    state: WorkerState,
    guid: str,
    revision: str,
    start: int,
    end: int,
    number: int,
) -> None:
    """Speak one part into the sentence cache (if the revision is still the one to
    render), then, if it was the last part left, send the render."""
    from postcast.service.jobs.deaths import given_up

    library = state.library()
    tag = _tag(guid, revision)
    jobs = library.episodes_needing_render(guid=guid)
    if jobs and jobs[0].revision == revision and not given_up(library, guid):
        with writing_site(state.config, PassReport()):  # the cache: sweep, then write
            lexicon = library_lexicon(state.config, library)  # the render's words
            steps.speak_part(
                state.config, jobs[0].post, start, end, engine=state.engine(), lexicon=lexicon
            )
    library.drop_lock(f"{PART}{tag}|{number}")
    if not any(name.startswith(PART + tag) for name in library.live_locks()):
        send_render(app, library, guid)
