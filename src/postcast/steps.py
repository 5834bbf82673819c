"""The library's steps one at a time, by name: one source's fetch, one episode's render.

`passes.py` runs them over the whole library in one process; the Celery service
(`postcast.service.tasks`) runs each as a task, on whichever worker is free. Each is
safe to run twice: the rows say what is left to do, and episode locks keep two workers
from rendering one episode at once.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from postcast.config import Config, SourceConfig
from postcast.errors import ConfigError
from postcast.pass_report import PassReport
from postcast.passes import collect, drop_duplicates, with_library_defaults
from postcast.progress import Progress, no_progress
from postcast.rendering import RenderContext, render_locked, rendered_before

if TYPE_CHECKING:
    from postcast.models import Post
    from postcast.narration.lexicon import Lexicon
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
    from postcast.storage import new_lock_owner

    report = PassReport()
    jobs = library.episodes_needing_render(guid=guid)
    if not jobs and requested_at is not None and rendered_before(library, guid, requested_at):
        library.reset_failures(guid)
        forced = library.render_job(guid)
        jobs = [forced] if forced is not None else []
    if jobs:
        context = RenderContext.of(config, library, report, progress, engine=engine)
        for job in jobs:
            render_locked(context, job, new_lock_owner(), requested_at)
    return report


def speech_parts(config: Config, post: Post, sentences_per_part: int) -> list[tuple[int, int]]:
    """The post's script cut into runs of whole segments, `(start, end)`, of about
    `sentences_per_part` sentences each: the parts a long post's speech fans out into."""
    from postcast import pipeline
    from postcast.speech.sentences import split_sentences

    segments = pipeline.script_for(post, config).segments
    parts: list[tuple[int, int]] = []
    start = counted = 0
    for index, segment in enumerate(segments):
        counted += len(split_sentences(segment.text))
        if counted >= sentences_per_part:
            parts.append((start, index + 1))
            start, counted = index + 1, 0
    if start < len(segments):
        parts.append((start, len(segments)))
    return parts


def speak_part(
    config: Config,
    post: Post,
    start: int,
    end: int,
    engine: SpeechEngine | None = None,
    lexicon: Lexicon | None = None,
) -> int:
    """Speak and master segments `start` to `end` of the post's script into the shared
    caches (sentences, mastered chunks) as a render of the whole post would (same voices,
    gates, lexicon and keys), so that the render only assembles them: the mastering is
    spread over the workers too, not left to the one that assembles. Returns how many
    segments were mastered (those already in the cache are skipped)."""
    from postcast import pipeline
    from postcast.audio.chunk_cache import ChunkCache
    from postcast.audio.render import HeldChunks, master_into_cache
    from postcast.narration.lexicon import Lexicon
    from postcast.objectstore import cache_store
    from postcast.speech import speak

    script = pipeline.script_for(post, config)
    part = replace(script, segments=script.segments[start:end])
    lexicon = lexicon if lexicon is not None else Lexicon.load(config.narration.lexicon)
    if engine is not None:
        engine.lexicon = lexicon
    shared = cache_store(config.storage)  # other machines' renders find it there
    chunks = ChunkCache.from_config(config.speech, config.audio, shared)
    spoken = speak(
        part,
        config.speech,
        config.audio,
        lexicon=lexicon,
        engine=engine,
        reuse=HeldChunks(chunks),
        shared_cache=shared,
    )
    return master_into_cache(spoken, config.audio, chunks)
