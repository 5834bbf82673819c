"""One episode's render under its lock: narration -> speech -> audio, the files uploaded
to where the library publishes, then the render recorded. `postcast run`'s passes
(`passes.render_pending`) and a worker's render task (`steps.render_episode`) share it.

A failure (any exception) fails that episode only: it is recorded in the database and
the report, and the caller goes on.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from postcast import metrics, out_of_memory, render_progress, webhooks
from postcast.config import Config
from postcast.faults import pause_point
from postcast.logs import episode_logging
from postcast.models import Post
from postcast.narration.lexicon import Lexicon
from postcast.objectstore import Store, site_store
from postcast.operator_requests import library_lexicon
from postcast.pass_report import PassReport, describe
from postcast.progress import Progress
from postcast.publishing import write_episode_extras
from postcast.publishing.episode_files import drop_working_copies, upload_render

if TYPE_CHECKING:  # the storage layer (SQLAlchemy, Alembic) costs 0.7 s to import
    from postcast.speech.base import SpeechEngine
    from postcast.storage import Library, RenderJob

URL_SOURCE_PREFIX = "url-"  # the source `postcast add URL` makes for each URL
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RenderContext:
    """What every render of one pass or task shares: made once, not per episode."""

    config: Config
    library: Library
    report: PassReport
    progress: Progress
    site: Path  # where renders are written before they are uploaded to `store`
    cover: bytes
    store: Store
    lexicon: Lexicon  # the bundled words, the configuration's, the admin's
    engine: SpeechEngine | None = None  # a worker's loaded voice; None: the configured one

    @classmethod
    def of(
        cls,
        config: Config,
        library: Library,
        report: PassReport,
        progress: Progress,
        engine: SpeechEngine | None = None,
        store: Store | None = None,
    ) -> RenderContext:
        from postcast import pipeline

        return cls(
            config=config,
            library=library,
            report=report,
            progress=progress,
            site=Path(config.library.site_dir),
            cover=pipeline.cover_for(config),
            store=store or published_store(config),  # one client for every render
            lexicon=library_lexicon(config, library),
            engine=engine,
        )


def audio_stem(guid: str, revision: str) -> str:
    """File stem of one render: a new revision (a new edit time or new content) gets a new
    file, so an enclosure URL never changes meaning under a client that downloaded it."""
    digest = hashlib.sha1(revision.encode()).hexdigest()[:8]
    return re.sub(r"[^A-Za-z0-9_.-]", "-", guid) + "-" + digest


def render_locked(
    context: RenderContext, job: RenderJob, owner: str, requested_at: datetime | None = None
) -> None:
    """Render `job` under its lock, unless another process holds it (skipped) or
    finished it meanwhile (a new render recorded since the job was read)."""
    library = context.library
    with library.holding_episode(job.guid, owner) as held, episode_logging(job.guid):
        if not held:
            context.report.skipped.append(job.guid)
        elif _killed_too_often(library, job):
            context.report.failed.append((job.guid, out_of_memory.KILLED))
        elif _still_needed(library, job, requested_at):
            render_one(context, job)


def _killed_too_often(library: Library, job: RenderJob) -> bool:
    """Count the earlier renders of `job` that the out-of-memory killer took; True when
    that brought it to the failure limit (it waits for an edit or an operator)."""
    if not out_of_memory.count_killed_render(library, job.guid):
        return False
    return not library.episodes_needing_render(guid=job.guid)


def rendered_before(library: Library, guid: str, moment: datetime) -> bool:
    """No render of `guid` was recorded since `moment`."""
    latest = library.latest_render_at(guid)
    return latest is None or latest < moment


def _still_needed(library: Library, job: RenderJob, requested_at: datetime | None) -> bool:
    """Nobody rendered `job` meanwhile: no render since `requested_at` (a re-render
    asked for), else none of the job's revision."""
    latest = library.latest_render(job.guid)
    if latest is None:
        return True
    revision, recorded_at = latest
    if requested_at is not None and recorded_at < requested_at:
        return True
    return revision != job.revision


def render_one(context: RenderContext, job: RenderJob) -> None:
    """Render `job` now (its lock held), upload its files, record it; or record why not."""
    from postcast import pipeline  # looked up here, so tests can stand in for render_post

    config, library, report, site = context.config, context.library, context.report, context.site
    stem = audio_stem(job.guid, job.revision)
    out = site / "episodes" / f"{stem}.mp3"
    logger.info("rendering %s (revision %s)", job.title, job.revision)
    recorded = render_progress.recording(library, job.guid, context.progress)  # admin page
    attempt = out_of_memory.starting(library, job.guid)  # left behind if the kernel kills us
    pause_point("speak")  # the attempt recorded, nothing spoken yet
    try:
        speaking = {"engine": context.engine} if context.engine is not None else {}
        script, audio = pipeline.render_post(
            job.post,
            config,
            out,
            recorded,
            context.cover,
            sweep=False,
            lexicon=context.lexicon,
            **speaking,
        )
        extras = write_episode_extras(site, stem, audio)
        files = [f"episodes/{stem}.mp3", *filter(None, extras.values())]
        # In the store before the render is recorded: a feed never names missing audio.
        upload_render(context.store, site, files)
        pause_point("render")  # audio written, not yet recorded
        library.record_render(
            job.guid,
            job.revision,
            audio,
            audio_file=f"episodes/{stem}.mp3",
            transcript_files={k: v for k, v in extras.items() if k != "chapters" and v is not None},
            chapters_file=extras.get("chapters"),
            spoken_text="\n".join(segment.text for segment in script.segments),
        )
        drop_working_copies(context.store, site, files)
        report.rendered.append(job.guid)
        recorded.finished()
        metrics.episode_rendered(source_kind(config, job.post))
        logger.info("rendered %s: %.1f s of audio", job.title, audio.duration)
    except Exception as error:  # one episode's failure must not stop the pass
        report.failed.append((job.guid, describe(error)))
        library.mark_failed(job.guid, describe(error))
        webhooks.failed(library, job.guid)
        recorded.failed()
        metrics.episode_failed(source_kind(config, job.post))
        logger.error("render failed: %s", describe(error))
    finally:
        out_of_memory.ended(library, attempt)


def source_kind(config: Config, post: Post) -> str:
    """The kind of source a post came from (a metric's label: few values, unlike names)."""
    for source in config.sources:
        if source.name == post.source:
            return source.kind
    return "url" if post.source.startswith(URL_SOURCE_PREFIX) else "unknown"


def published_store(config: Config) -> Store:
    """Where the library publishes: `[service] storage`, else the site folder."""
    return site_store(config.storage, Path(config.library.site_dir))
