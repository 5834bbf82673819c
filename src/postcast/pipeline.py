"""The pipeline in one place: sources -> selection -> narration -> speech -> audio -> publishing.

Each stage is a plain function over typed data; this module only wires them in order.
The CLI, the web service and the Celery tasks all call these same functions.
"""

from __future__ import annotations

from datetime import UTC
from pathlib import Path

from postcast.audio import EpisodeTags, render_audio
from postcast.config import Config
from postcast.models import EpisodeAudio, Post, Script
from postcast.narration import narrate
from postcast.narration.lexicon import Lexicon
from postcast.progress import Progress, no_progress
from postcast.publishing import cover_art
from postcast.selection import episode_title
from postcast.speech import speak


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
        return config.resolve(config.library.image).read_bytes()
    return cover_art(config.library.title, config.library.tagline)


def tags_for(post: Post, config: Config, cover: bytes | None = None) -> EpisodeTags:
    return EpisodeTags(
        title=title_for(post),
        artist=", ".join(post.authors) or "Anonymous",
        album=config.library.title,
        date=post.posted_at.astimezone(UTC).date().isoformat(),
        cover=cover if cover is not None else cover_for(config),
        url=post.url,
    )


def render_post(
    post: Post,
    config: Config,
    out_path: Path,
    progress: Progress = no_progress,
    cover: bytes | None = None,
) -> tuple[Script, EpisodeAudio]:
    """Narrate, speak and master one post into `out_path` (written atomically)."""
    script = script_for(post, config)
    lexicon = Lexicon.load(config.narration.lexicon)
    spoken = speak(script, config.speech, config.audio, progress, lexicon=lexicon)
    audio = render_audio(spoken, out_path, tags_for(post, config, cover), config.audio, progress)
    return script, audio
