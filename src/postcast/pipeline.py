"""The pipeline in one place: sources -> selection -> narration -> speech -> audio -> publishing.

Each stage is a plain function over typed data; this module wires them in order for one
post, and `passes.py` runs them over the whole library (re-exported here). The CLI
(`postcast.service.cli`) calls these functions; the web server only serves the folder
they publish. The `Config` they take has its paths already absolute.
"""

from __future__ import annotations

import contextlib
from datetime import UTC
from pathlib import Path

from postcast.audio import EpisodeTags, render_audio
from postcast.audio.chunk_cache import ChunkCache
from postcast.cachedir import cache_root
from postcast.config import Config
from postcast.leftovers import CACHE_TEMPORARY, SITE_TEMPORARY, render_lock_file, writing_into
from postcast.links import web_link
from postcast.models import EpisodeAudio, Post, Script
from postcast.narration import narrate
from postcast.narration.lexicon import Lexicon
from postcast.objectstore import cache_store
from postcast.pass_report import PassReport, describe
from postcast.passes import (
    add_url,
    as_episode_post,
    collect,
    drop_duplicates,
    publish,
    publish_feeds,
    render_pending,
    run_pass,
)
from postcast.progress import Progress, no_progress
from postcast.publishing import cached_cover_art
from postcast.rendering import audio_stem
from postcast.selection import episode_title
from postcast.speech import SpeechEngine, speak

__all__ = [
    "PassReport",
    "add_url",
    "as_episode_post",
    "audio_stem",
    "collect",
    "cover_for",
    "describe",
    "drop_duplicates",
    "publish",
    "publish_feeds",
    "render_pending",
    "render_post",
    "run_pass",
    "script_for",
    "tags_for",
    "title_for",
]


def script_for(post: Post, config: Config) -> Script:
    """Narration stage alone: exactly what the voice will say."""
    return narrate(post, config.library, config.narration)


def title_for(post: Post) -> str:
    """`CODE - title by authors`, or `title by authors` for a post with no forum code."""
    if post.forum_code:
        return episode_title(post, post.forum_code)
    return episode_title(post, "").removeprefix(" - ")


def cover_for(config: Config) -> bytes:
    if config.library.image:
        return Path(config.library.image).read_bytes()
    speech = config.speech
    folder = cache_root(speech.cache_dir) / "art" if speech.cache_max_mb > 0 else None
    return cached_cover_art(config.library.title, config.library.tagline, folder)


def tags_for(post: Post, config: Config, cover: bytes | None = None) -> EpisodeTags:
    return EpisodeTags(
        title=title_for(post),
        artist=", ".join(post.authors) or "Anonymous",
        album=config.library.title,
        date=post.posted_at.astimezone(UTC).date().isoformat(),
        cover=cover if cover is not None else cover_for(config),
        url=web_link(post.url),
    )


def render_post(
    post: Post,
    config: Config,
    out_path: Path,
    progress: Progress = no_progress,
    cover: bytes | None = None,
    *,
    sweep: bool = True,
    engine: SpeechEngine | None = None,
    lexicon: Lexicon | None = None,
) -> tuple[Script, EpisodeAudio]:
    """Narrate, speak and master one post into `out_path` (written atomically).

    Segments mastered before (same sentences, voice and settings) come from the chunk
    cache whole: an edited post costs the edited segments only. With `sweep`, scratch
    files an earlier, killed render left beside `out_path` and in the cache are removed
    first (a pass sweeps its whole site and the cache itself). An `engine` given (a
    worker's, voices loaded) speaks it and stays open; else one is made and closed.
    `lexicon` defaults to the configuration's; a pass gives the library's (the operators'
    words win).
    """
    script = script_for(post, config)
    lexicon = lexicon if lexicon is not None else Lexicon.load(config.narration.lexicon)
    speech = config.speech
    shared = cache_store(config.storage)  # None: the caches stay on this disk
    chunks = ChunkCache.from_config(speech, config.audio, shared)
    if engine is not None:  # a long-lived engine speaks with today's lexicon
        engine.lexicon = lexicon
    folder = Path(out_path).parent
    with contextlib.ExitStack() as writing:
        if sweep:  # hold the writers' locks of both folders a render writes into
            cache = cache_root(speech.cache_dir)
            lock = render_lock_file(folder, cache)
            writing.enter_context(writing_into(folder, SITE_TEMPORARY, lock, recursive=False))
            writing.enter_context(writing_into(cache, CACHE_TEMPORARY))
        spoken = speak(
            script,
            speech,
            config.audio,
            progress,
            lexicon=lexicon,
            reuse=chunks,
            engine=engine,
            shared_cache=shared,
        )
        tags = tags_for(post, config, cover)
        audio = render_audio(spoken, out_path, tags, config.audio, progress, cache=chunks)
    return script, audio
