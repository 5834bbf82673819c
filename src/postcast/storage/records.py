"""Plain data the library hands out, and conversions between it and table rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, NamedTuple

from postcast.models import Chapter, Episode, Post
from postcast.storage.schema import EpisodeRow, PostRow, RenderRow


class EpisodeStatus(StrEnum):
    PENDING = "pending"  # waiting for its first render
    RENDERED = "rendered"  # has audio not yet in a published feed
    PUBLISHED = "published"  # its latest render is in the published feeds
    FAILED = "failed"  # rendering failed and no earlier render exists
    EXCLUDED = "excluded"  # must not be published (opt-out, duplicate...): see excluded_reason


class PostKey(NamedTuple):
    """A stored post: the configured source that reported it and the source's own id."""

    source: str
    post_id: str

    @classmethod
    def of(cls, post: Post) -> PostKey:
        return cls(post.source, post.post_id)


@dataclass(frozen=True)
class PostState:
    """What `upsert_post` found and did."""

    key: PostKey
    created: bool  # first time this post was seen
    revised: bool  # its revision (modifiedAt) changed since last seen: episodes re-render
    first_seen_at: datetime
    qualified_at: datetime | None  # first seen at or above its threshold; the episode's date
    newly_qualified: bool  # crossed its threshold in this call

    @property
    def qualified(self) -> bool:
        return self.qualified_at is not None


@dataclass(frozen=True)
class EpisodeRecord:
    guid: str
    post_key: PostKey
    title: str
    pub_date: datetime
    status: EpisodeStatus
    excluded_reason: str | None
    last_error: str | None
    failures: int
    published_at: datetime | None
    created: bool = False  # `ensure_episode` made it just now


@dataclass(frozen=True)
class RenderJob:
    """An episode to (re-)render: no render yet, or its post changed since the last one."""

    guid: str
    title: str
    pub_date: datetime
    post: Post
    revision: str  # pass back to `record_render`
    previous_revision: str | None  # revision of the last render; None: never rendered


@dataclass(frozen=True)
class SourceStatus:
    name: str
    kind: str
    state: dict[str, Any]
    last_success_at: datetime | None
    last_error: str | None
    last_error_at: datetime | None
    fetch_requested_at: datetime | None = None  # an operator asked for a fetch

    @property
    def healthy(self) -> bool:
        """No error since the last success."""
        if self.last_error_at is None:
            return True
        return self.last_success_at is not None and self.last_success_at >= self.last_error_at


@dataclass(frozen=True)
class FeedState:
    name: str
    title: str
    config_hash: str
    last_published_at: datetime | None


def revision_of(post: Post) -> str:
    """`Post.revision`, computed on UTC times so the same instant is always the same revision:
    `TIME#DIGEST`, the edit time and the digest of the narrated content."""
    moment = post.modified_at or post.posted_at
    return f"{moment.astimezone(UTC).isoformat()}#{post.content_digest}"


def render_revision(post_revision: str, generation: int) -> str:
    """What a current render is made from: the post's revision, and the number of re-renders
    operators asked for (a new one gets a new audio file, under the same GUID)."""
    return post_revision if generation == 0 else f"{post_revision}/{generation}"


def post_columns(post: Post) -> dict[str, Any]:
    """Every column a source's report of a post sets (not first_seen/qualified)."""
    return {
        "forum_code": post.forum_code,
        "forum_name": post.forum_name,
        "title": post.title,
        "authors": list(post.authors),
        "url": post.url,
        "posted_at": post.posted_at,
        "modified_at": post.modified_at,
        "revision": revision_of(post),
        "karma": post.karma,
        "af": post.af,
        "af_karma": post.af_karma,
        "tags": list(post.tags),
        "is_event": post.is_event,
        "is_question": post.is_question,
        "is_shortform": post.is_shortform,
        "is_draft": post.is_draft,
        "crosspost_id": post.crosspost_id,
        "crosspost_hosted_here": post.crosspost_hosted_here,
        "html": post.html,
        "markdown": post.markdown,
    }


def row_to_post(row: PostRow) -> Post:
    return Post(
        source=row.source,
        post_id=row.post_id,
        title=row.title,
        authors=tuple(row.authors),
        posted_at=row.posted_at,
        url=row.url,
        html=row.html,
        forum_code=row.forum_code,
        forum_name=row.forum_name,
        karma=row.karma,
        modified_at=row.modified_at,
        tags=tuple(row.tags),
        is_event=row.is_event,
        is_question=row.is_question,
        is_shortform=row.is_shortform,
        is_draft=row.is_draft,
        af=row.af,
        af_karma=row.af_karma,
        crosspost_id=row.crosspost_id,
        crosspost_hosted_here=row.crosspost_hosted_here,
        markdown=row.markdown,
    )


def chapters_to_json(chapters: list[Chapter]) -> list[dict[str, Any]]:
    return [{"start": c.start, "title": c.title, "end": c.end} for c in chapters]


def chapters_from_json(items: list[Any]) -> tuple[Chapter, ...]:
    return tuple(Chapter(start=i["start"], title=i["title"], end=i.get("end")) for i in items)


def row_to_record(row: EpisodeRow, post: PostRow, created: bool = False) -> EpisodeRecord:
    return EpisodeRecord(
        guid=row.guid,
        post_key=PostKey(post.source, post.post_id),
        title=row.title,
        pub_date=row.pub_date,
        status=EpisodeStatus(row.status),
        excluded_reason=row.excluded_reason,
        last_error=row.last_error,
        failures=row.failures,
        published_at=row.published_at,
        created=created,
    )


def rows_to_episode(episode: EpisodeRow, post: PostRow, render: RenderRow) -> Episode:
    return Episode(
        guid=episode.guid,
        title=episode.title,
        post=row_to_post(post),
        pub_date=episode.pub_date,
        audio_file=render.audio_file,
        audio_size=render.audio_size,
        duration=render.duration,
        chapters=chapters_from_json(render.chapters),
        transcript_files=dict(render.transcript_files),
        chapters_file=render.chapters_file,
    )
