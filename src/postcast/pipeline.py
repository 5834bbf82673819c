"""The pipeline in one place: sources -> selection -> narration -> speech -> audio -> publishing.

Each stage is a plain function over typed data; this module only wires them in order.
The CLI (`postcast.service.cli`) calls these functions; the web server only serves the
folder they publish. The `Config` they take has its paths already absolute.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from postcast.atomic import remove_stale_temporaries, writable_folder
from postcast.audio import EpisodeTags, render_audio
from postcast.audio.chunk_cache import ChunkCache
from postcast.cachedir import cache_root
from postcast.config import FORUM_NAMES, Config, SourceConfig
from postcast.errors import PostcastError, SourceError
from postcast.models import EpisodeAudio, Post, Script
from postcast.narration import narrate
from postcast.narration.lexicon import Lexicon
from postcast.progress import Progress, no_progress
from postcast.publishing import cached_cover_art, publish_site, write_episode_extras
from postcast.selection import (
    default_feeds,
    episode_code,
    episode_identity,
    episode_title,
    episodes_for_feed,
    find_duplicates,
    is_eligible,
    item_guid,
)
from postcast.speech import speak

if TYPE_CHECKING:  # the storage layer (SQLAlchemy, Alembic) costs 0.7 s to import, and
    # `postcast render` and `script` never touch it
    from postcast.storage import Library, PostState


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
        url=post.url,
    )


def render_post(
    post: Post,
    config: Config,
    out_path: Path,
    progress: Progress = no_progress,
    cover: bytes | None = None,
) -> tuple[Script, EpisodeAudio]:
    """Narrate, speak and master one post into `out_path` (written atomically).

    Segments mastered before (same sentences, voice and settings) come from the chunk
    cache whole: an edited post costs the edited segments only.
    """
    script = script_for(post, config)
    lexicon = Lexicon.load(config.narration.lexicon)
    speech = config.speech
    chunks = ChunkCache.from_config(speech, config.audio)
    spoken = speak(script, speech, config.audio, progress, lexicon=lexicon, reuse=chunks)
    tags = tags_for(post, config, cover)
    audio = render_audio(spoken, out_path, tags, config.audio, progress, cache=chunks)
    return script, audio


# --- one pass of the automatic library -------------------------------------------------


@dataclass
class PassReport:
    """What one pass did; the CLI prints `summary()`."""

    posts_seen: int = 0
    new_episodes: int = 0
    rendered: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (episode guid, error)
    source_errors: list[tuple[str, str]] = field(default_factory=list)  # (source, error)
    feeds: list[str] = field(default_factory=list)

    def summary(self) -> str:
        lines = [
            f"{self.posts_seen} posts seen, {self.new_episodes} new episodes, "
            f"{len(self.rendered)} rendered, {len(self.feeds)} feeds published"
        ]
        lines += [f"source {name} failed: {error}" for name, error in self.source_errors]
        lines += [f"episode {guid} failed: {error}" for guid, error in self.failed]
        return "\n".join(lines)


def run_pass(
    config: Config, progress: Progress = no_progress, now: datetime | None = None
) -> PassReport:
    """Fetch every source, select, render what is new or edited, publish every feed."""
    return _library_pass(config, config.sources, progress, now or datetime.now(UTC))


def _library_pass(
    config: Config,
    sources: list[SourceConfig],
    progress: Progress,
    now: datetime,
    must_fetch: str | None = None,
) -> PassReport:
    """Collect `sources` into the library, then render and publish. With `must_fetch`,
    a source that fails is an error naming it, and nothing is rendered."""
    from postcast.storage import open_library

    report = PassReport()
    writable_folder(Path(config.library.site_dir))  # before hours of rendering, not after
    library = open_library(config.library.database)
    try:
        for source_config in sources:
            collect(source_config, library, report, progress, now)
        if must_fetch is not None and report.source_errors:
            raise SourceError(must_fetch, report.source_errors[0][1])
        drop_duplicates(library)
        render_pending(config, library, report, progress)
        publish(config, library, report, now, progress)
    finally:
        library.close()
    return report


def collect(
    source_config: SourceConfig,
    library: Library,
    report: PassReport,
    progress: Progress,
    now: datetime,
) -> None:
    """Sources -> selection -> storage, saving the source's cursor after every post.

    A failing source is reported and keeps the cursor it reached; the others go on.
    """
    opt_out = set(source_config.opt_out_authors)
    try:
        from postcast.sources.registry import create_source  # httpx, trafilatura: slow

        source = create_source(source_config)
        saved = library.get_source_state(source_config.name)
        for listed, state in source.fetch(saved, progress):
            report.posts_seen += 1
            post = as_episode_post(listed)
            stored = library.upsert_post(
                post, source_config.karma_threshold, now, af=source_config.af
            )
            if stored.qualified_at is not None:
                report.new_episodes += _select(post, source_config, opt_out, stored, library)
            library.set_source_state(source_config.name, state)
        library.set_source_state(source_config.name, saved)  # the finished fetch's cursor
        library.record_source_success(source_config.name, now)
    except PostcastError as error:
        report.source_errors.append((source_config.name, str(error)))
        library.record_source_error(source_config.name, str(error), now)


def as_episode_post(post: Post) -> Post:
    """A LessWrong listing of an Alignment Forum post is the AF post: code and forum name
    follow the episode, so the intro names the forum its title does."""
    code = episode_code(post)
    if code == post.forum_code:
        return post
    return replace(post, forum_code=code, forum_name=FORUM_NAMES.get(code, post.forum_name))


def _select(
    post: Post, source_config: SourceConfig, opt_out: set[str], stored: PostState, library: Library
) -> int:
    """Make (or exclude) the post's one episode; 1 if a new episode was created."""
    guid, code = episode_identity(post)
    title = episode_title(post, code)
    from postcast.storage import PostKey

    key = PostKey.of(post)
    pub_date = post.posted_at if source_config.archive else stored.qualified_at
    assert pub_date is not None
    reason = is_eligible(post, source_config, opt_out)
    if reason is not None:
        library.exclude_episode(guid, key, title, pub_date, reason)
        return 0
    return int(library.ensure_episode(guid, key, title, pub_date).created)


def drop_duplicates(library: Library) -> None:
    """One post, one episode: exclude cross-posts whose host copy has an episode."""
    for duplicate, kept in find_duplicates(library.episode_posts()):
        guid = episode_identity(duplicate)[0]
        record = library.episode(guid)
        if record is not None:
            library.exclude_episode(
                guid,
                record.post_key,
                record.title,
                record.pub_date,
                f"duplicate of {episode_identity(kept)[0]}",
            )


def audio_stem(guid: str, revision: str) -> str:
    """File stem of one render: a new revision gets a new file, so an enclosure URL
    never changes meaning under a client that already downloaded it."""
    digest = hashlib.sha1(revision.encode()).hexdigest()[:8]
    return re.sub(r"[^A-Za-z0-9_.-]", "-", guid) + "-" + digest


def render_pending(
    config: Config, library: Library, report: PassReport, progress: Progress
) -> None:
    """Narration -> speech -> audio for every episode without a current render."""
    site = Path(config.library.site_dir)
    remove_stale_temporaries(site / "episodes")  # what a killed render left behind
    jobs = library.episodes_needing_render()
    cover = cover_for(config)
    for done, job in enumerate(jobs):
        progress("Episodes", done, len(jobs))
        stem = audio_stem(job.guid, job.revision)
        out = site / "episodes" / f"{stem}.mp3"
        try:
            _, audio = render_post(job.post, config, out, progress, cover)
            extras = write_episode_extras(site, stem, audio)
            library.record_render(
                job.guid,
                job.revision,
                audio,
                audio_file=f"episodes/{stem}.mp3",
                transcript_files={
                    k: v for k, v in extras.items() if k != "chapters" and v is not None
                },
                chapters_file=extras.get("chapters"),
            )
            report.rendered.append(job.guid)
        except PostcastError as error:
            library.mark_failed(job.guid, str(error))
            report.failed.append((job.guid, str(error)))
    progress("Episodes", len(jobs), len(jobs))


def publish(
    config: Config,
    library: Library,
    report: PassReport,
    now: datetime,
    progress: Progress = no_progress,
) -> None:
    """Every feed from the stored episodes, written atomically."""
    episodes = library.published_episodes()
    feeds = config.feeds or default_feeds(config)
    contents = [
        (
            feed,
            [
                replace(e, guid=item_guid(feed, e.guid))
                for e in episodes_for_feed(feed, episodes, now)
            ],
        )
        for feed in feeds
    ]
    publish_site(Path(config.library.site_dir), config.library, contents, progress=progress)
    library.mark_published([episode.guid for episode in episodes], now)
    report.feeds = [feed.name for feed in feeds]


def add_url(
    config: Config, url: str, progress: Progress = no_progress, now: datetime | None = None
) -> PassReport:
    """`postcast add URL`: one article becomes an episode of the library, then publish.

    The URL is a source of its own (kind `url`), so adding it again changes nothing.
    """
    name = "url-" + hashlib.sha1(url.encode()).hexdigest()[:12]
    source_config = SourceConfig(name=name, kind="url", url=url)
    return _library_pass(config, [source_config], progress, now or datetime.now(UTC), url)
