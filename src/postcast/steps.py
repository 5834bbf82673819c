"""The library's steps one at a time, by name: one source's fetch, one episode's render.

`passes.py` runs them over the whole library in one process; the Celery service
(`postcast.service.tasks`) runs each as a task, on whichever worker is free. Each is
safe to run twice: the rows say what is left to do, and episode locks keep two workers
from rendering one episode at once.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from postcast.config import Config, SourceConfig
from postcast.errors import ConfigError
from postcast.passes import (
    PassReport,
    collect,
    drop_duplicates,
    render_locked,
    rendered_before,
    with_library_defaults,
)
from postcast.progress import Progress, no_progress

if TYPE_CHECKING:
    from postcast.speech.base import SpeechEngine
    from postcast.storage import Library


def source_named(config: Config, name: str) -> SourceConfig:
    """The configured source `name`, with `[library]` defaults filled in."""
    for source_config in config.sources:
        if source_config.name == name:
            return with_library_defaults(config, source_config)
    raise ConfigError(name, "no such source in the configuration's [[sources]]")


def collect_source(
    config: Config,
    library: Library,
    name: str,
    progress: Progress = no_progress,
    now: datetime | None = None,
) -> PassReport:
    """One source's fetch alone (a worker's fetch task): collect it, then exclude
    cross-posts. Running it twice stores nothing twice (posts and episodes are upserts)."""
    report = PassReport()
    collect(source_named(config, name), library, report, progress, now or datetime.now(UTC))
    drop_duplicates(library)
    return report


def render_episode(
    config: Config,
    library: Library,
    guid: str,
    progress: Progress = no_progress,
    *,
    requested_at: datetime | None = None,
    engine: SpeechEngine | None = None,
) -> PassReport:
    """One episode alone (a worker's render task): rendered if it needs it, under its
    lock. With `requested_at` (an operator's re-render) it is rendered unless a render
    was recorded after that moment. Delivered twice, the second finds it done and does
    nothing; an episode another process holds is in the report's `skipped`."""
    from postcast import pipeline
    from postcast.storage import new_lock_owner

    report = PassReport()
    jobs = library.episodes_needing_render(guid=guid)
    if not jobs and requested_at is not None and rendered_before(library, guid, requested_at):
        library.reset_failures(guid)
        forced = library.render_job(guid)
        jobs = [forced] if forced is not None else []
    for job in jobs:
        site, cover, owner = (
            Path(config.library.site_dir),
            pipeline.cover_for(config),
            new_lock_owner(),
        )
        render_locked(
            config, library, report, progress, job, site, cover, owner, requested_at, engine
        )
    return report
