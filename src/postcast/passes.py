"""One pass of the automatic library: collect every source, select, render what is new
or edited, publish every feed, then clear what killed runs and re-renders left behind.

`pipeline.py` holds the single-post stages; this module runs them over the library.
A failure inside one episode (any exception) fails that episode only: it is recorded
in the database and in the report, and the pass goes on and publishes the rest. One
episode's render is `rendering.py`'s, which the render task shares.

The Celery service (`postcast.service.tasks`) calls the same steps one at a time
(`postcast.steps`: one source's collect, one episode's render, by name and GUID) and
`publish_feeds` (every feed, then the superseded audio swept), each safe to run twice.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from postcast import webhooks
from postcast.atomic import writable_folder
from postcast.cachedir import cache_root
from postcast.config import FORUM_NAMES, Config, SourceConfig
from postcast.errors import SourceError
from postcast.faults import pause_point
from postcast.leftovers import CACHE_TEMPORARY, publishing, writing_into
from postcast.models import Post
from postcast.objectstore import Store, as_store, is_folder
from postcast.operator_requests import rerender_for_lexicon_changes
from postcast.pass_report import PassReport, describe
from postcast.progress import Progress, no_progress
from postcast.publishing import publish_to_store
from postcast.publishing.episode_files import remove_unwanted
from postcast.rendering import (
    URL_SOURCE_PREFIX,
    RenderContext,
    published_store,
    render_locked,
)
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
from postcast.sources.characters import without_unsafe_characters

if TYPE_CHECKING:  # the storage layer (SQLAlchemy, Alembic) costs 0.7 s to import
    from postcast.storage import Library, PostState

logger = logging.getLogger(__name__)
# Unreadable posts in one fetch, when they outnumber the posts read, that fail the source
MANY_SKIPPED = 5


def run_pass(
    config: Config, progress: Progress = no_progress, now: datetime | None = None
) -> PassReport:
    """Fetch every source, select, render what is new or edited, publish every feed."""
    return _library_pass(config, config.sources, progress, now)


def with_library_defaults(config: Config, source: SourceConfig) -> SourceConfig:
    """A source's unset `allow_private_addresses` follows `[library]`'s."""
    if source.allow_private_addresses is not None:
        return source
    return replace(source, allow_private_addresses=config.library.allow_private_addresses)


def add_url(
    config: Config, url: str, progress: Progress = no_progress, now: datetime | None = None
) -> PassReport:
    """`postcast add URL`: one article becomes an episode of the library, then publish.

    The URL is a source of its own (kind `url`), so adding it again changes nothing
    (until its `recheck_days` have passed: then an edited article is re-rendered).
    """
    return _library_pass(config, [url_source(url)], progress, now, url)


def url_source(url: str) -> SourceConfig:
    """The source (kind `url`) one article is collected under: named by its URL."""
    name = URL_SOURCE_PREFIX + hashlib.sha1(url.encode()).hexdigest()[:12]
    return SourceConfig(name=name, kind="url", url=url)


def apply_operator_requests(
    config: Config,
    library: Library,
    report: PassReport | None = None,
    progress: Progress = no_progress,
    now: datetime | None = None,
) -> PassReport:
    """What operators asked for in the web app, before a pass renders: episodes saying a
    changed lexicon word are marked for re-render, and queued URLs are collected as
    `postcast add` collects one (the pass then renders and publishes them). Each URL
    request records its source, or its error (a refused address, a page with no article)."""
    report = report if report is not None else PassReport()
    now = now or datetime.now(UTC)
    rerender_for_lexicon_changes(config, library)
    for queued in library.queued_urls():
        source = with_library_defaults(config, url_source(queued.url))
        failures = len(report.source_errors)
        collect(source, library, report, progress, now)
        error = report.source_errors[failures][1] if len(report.source_errors) > failures else None
        library.record_url_fetch(queued.id, now, post_source=source.name, error=error)
    return report


def _library_pass(
    config: Config,
    sources: list[SourceConfig],
    progress: Progress,
    fixed_now: datetime | None,
    must_fetch: str | None = None,
) -> PassReport:
    """Collect `sources` into the library, then render and publish. With `must_fetch`,
    a source that fails is an error naming it, and nothing is rendered.

    Without `fixed_now` the feeds are published as of the end of rendering, not of the
    pass's start: a pass running beside this one may have dated episodes meanwhile."""
    from postcast.storage import open_library

    now = fixed_now or datetime.now(UTC)
    report = PassReport()
    writable_folder(Path(config.library.site_dir))  # before hours of rendering
    library = open_library(config.library.database)
    try:
        for source_config in sources:
            collect(with_library_defaults(config, source_config), library, report, progress, now)
        if must_fetch is not None and report.source_errors:
            raise SourceError(must_fetch, report.source_errors[0][1])
        apply_operator_requests(config, library, report, progress, now)
        drop_duplicates(library)
        with writing_site(config, report):
            render_pending(config, library, report, progress)
            publish_feeds(config, library, report, fixed_now, progress)
    finally:
        library.close()
    return report


@contextlib.contextmanager
def writing_site(config: Config, report: PassReport) -> Iterator[None]:
    """Hold the writers' locks of the site and the cache folder while rendering or
    publishing there, first clearing what killed writers left (counted in `report`)."""
    site = Path(config.library.site_dir)
    cache = cache_root(config.speech.cache_dir)
    store = published_store(config)
    with writing_into(site) as removed, writing_into(cache, CACHE_TEMPORARY) as cached:
        report.removed_files += removed + cached
        if not is_folder(store, site):  # killed uploads to the bucket
            report.removed_files += store.remove_stale_temporaries()
        yield


def collect(
    source_config: SourceConfig,
    library: Library,
    report: PassReport,
    progress: Progress,
    now: datetime,
) -> None:
    """Sources -> selection -> storage, saving the source's cursor after every post.

    A failing source (any exception) is reported and keeps the cursor it reached; the
    others go on. A post the source could not read is reported and recorded as the
    source's last error, at the time of the fetch that went on past it.
    """
    opt_out = set(source_config.opt_out_authors)
    source = None
    try:
        from postcast.sources.registry import create_source  # httpx, trafilatura: slow

        source = create_source(source_config)
        saved = library.get_source_state(source_config.name)
        read = 0
        for listed, state in source.fetch(saved, progress):
            read += 1
            report.posts_seen += 1
            post = as_episode_post(without_unsafe_characters(listed))
            stored = library.upsert_post(
                post, source_config.karma_threshold, now, af=source_config.af
            )
            if stored.qualified_at is not None:
                report.new_episodes += _select(post, source_config, opt_out, stored, library)
            library.set_source_state(source_config.name, state)
            pause_point("fetch")  # a post stored, the fetch not finished
        _check_skipped(source_config.name, source.skipped, read)
        library.set_source_state(source_config.name, saved)  # the finished fetch's cursor
        _report_skipped(source_config.name, source.skipped, library, report, now)
        library.record_source_success(source_config.name, now)
    except Exception as error:  # one source's bug must not stop the pass
        if source is not None:
            _report_skipped(source_config.name, source.skipped, library, report, now)
        report.source_errors.append((source_config.name, describe(error)))
        library.record_source_error(source_config.name, describe(error), now)


def _check_skipped(name: str, skipped: list[tuple[str, str]], read: int) -> None:
    """One unreadable post is passed over; most of a fetch unreadable is the source's
    answers changing shape, which fails the source (and keeps its cursor) rather than
    pass over every post it has."""
    if len(skipped) >= MANY_SKIPPED and len(skipped) > read:
        post, problem = skipped[0]
        raise SourceError(
            name,
            f"{len(skipped)} of {len(skipped) + read} posts could not be read "
            f"(the first, {post}: {problem}); has the source changed its format?",
        )


def _report_skipped(
    name: str, skipped: list[tuple[str, str]], library: Library, report: PassReport, when: datetime
) -> None:
    for post, problem in skipped:
        report.skipped_posts.append((name, f"{post}: {problem}"))
        library.record_source_error(name, f"skipped {post}: {problem}", when)


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
        webhooks.excluded(library, guid)
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
            webhooks.excluded(library, guid)


def render_pending(
    config: Config,
    library: Library,
    report: PassReport,
    progress: Progress,
    store: Store | None = None,
) -> None:
    """Narration -> speech -> audio for every episode without a current render, each
    rendered into the site folder and copied into `store` (default: `[service] storage`).

    Each episode is rendered under its lock in the database: a second pass running at the
    same time (here or on another machine) skips it rather than rendering it twice.
    """
    from postcast.storage import new_lock_owner

    jobs = library.episodes_needing_render()
    context = RenderContext.of(config, library, report, progress, store=store)
    owner = new_lock_owner()
    for done, job in enumerate(jobs):
        progress("Episodes", done, len(jobs))
        render_locked(context, job, owner)
    progress("Episodes", len(jobs), len(jobs))


def publish(
    config: Config,
    library: Library,
    report: PassReport,
    now: datetime,
    progress: Progress = no_progress,
    store: Store | None = None,
) -> None:
    """Every feed from the stored episodes, written atomically into `store` (default:
    `[service] storage`, else the site folder)."""
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
    publish_to_store(store or published_store(config), config.library, contents, progress=progress)
    pause_point("publish")  # feeds written, episodes not yet marked published
    webhooks.published(library, [episode.guid for episode in episodes])
    library.mark_published([episode.guid for episode in episodes], now)
    report.feeds = [feed.name for feed in feeds]


def publish_feeds(
    config: Config,
    library: Library,
    report: PassReport,
    fixed_now: datetime | None = None,
    progress: Progress = no_progress,
) -> None:
    """Publish every feed (one publisher at a time per site), then delete the audio
    that re-renders superseded longer ago than the grace period. Without `fixed_now`
    the feeds are dated when the lock is taken: they show what was recorded by then."""
    site = Path(config.library.site_dir)
    store = published_store(config)
    with publishing(site):
        published_at = fixed_now or datetime.now(UTC)
        publish(config, library, report, published_at, progress, store)
    grace = timedelta(hours=config.library.superseded_grace_hours)
    report.removed_files += remove_superseded(store, library, published_at - grace)
    if not is_folder(store, site):  # working copies a killed pass left
        report.removed_files += remove_superseded(site, library, published_at - grace)


def remove_superseded(site: Path | Store, library: Library, replaced_before: datetime) -> int:
    """Delete episode files no stored render points at: renders replaced by a newer one
    before `replaced_before` are forgotten first (their grace period is over). A file
    no render ever recorded (a killed pass rendered it) goes once it is as old.
    `site` is the site folder or the store published into."""
    library.drop_superseded_renders(replaced_before)
    wanted = library.render_files()
    return remove_unwanted(as_store(site), wanted, replaced_before.timestamp())
