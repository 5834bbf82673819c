"""The tables, as SQLAlchemy 2 typed ORM classes. Alembic migrations create them.

Changing a table here means adding a migration in `migrations/versions/`; a test compares
the two so they cannot drift apart.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from postcast.storage.types import UTCDateTime

# Stable constraint names: migrations on SQLite (batch mode) and PostgreSQL need them.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ID_LENGTH = 2048  # post ids and GUIDs may be URLs
CODE_LENGTH = 32
REVISION_LENGTH = 64


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON,
        list[Any]: JSON,
    }


class SourceRow(Base):
    """A configured source: where its last fetch stopped, and how it went."""

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(50), default="")
    state: Mapped[dict[str, Any]] = mapped_column(default=dict)
    last_success_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_at: Mapped[datetime | None]
    fetch_requested_at: Mapped[datetime | None]  # an operator asked for a fetch (migration 0006)


class PostRow(Base):
    """A post as its source last reported it, with when it was first seen and qualified."""

    __tablename__ = "posts"
    __table_args__ = (UniqueConstraint("source", "post_id", name="uq_posts_source_post_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(200))
    post_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    forum_code: Mapped[str] = mapped_column(String(CODE_LENGTH), default="")
    forum_name: Mapped[str] = mapped_column(String(200), default="")
    title: Mapped[str] = mapped_column(Text)
    authors: Mapped[list[Any]] = mapped_column(default=list)
    url: Mapped[str] = mapped_column(Text)
    posted_at: Mapped[datetime]
    modified_at: Mapped[datetime | None]
    revision: Mapped[str] = mapped_column(String(REVISION_LENGTH))
    karma: Mapped[int | None]
    af: Mapped[bool] = mapped_column(default=False)
    af_karma: Mapped[int | None]
    tags: Mapped[list[Any]] = mapped_column(default=list)
    is_event: Mapped[bool] = mapped_column(default=False)
    is_question: Mapped[bool] = mapped_column(default=False)
    is_shortform: Mapped[bool] = mapped_column(default=False)
    is_draft: Mapped[bool] = mapped_column(default=False)
    crosspost_id: Mapped[str | None] = mapped_column(String(ID_LENGTH))
    crosspost_hosted_here: Mapped[bool | None]
    html: Mapped[str] = mapped_column(Text)
    markdown: Mapped[str | None] = mapped_column(Text)
    first_seen_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    qualified_at: Mapped[datetime | None]  # first seen at or above its karma threshold


class EpisodeRow(Base):
    """One episode per post (GUID stable across re-renders)."""

    __tablename__ = "episodes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guid: Mapped[str] = mapped_column(String(ID_LENGTH), unique=True)
    post_ref: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(Text)
    pub_date: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16), index=True)
    excluded_reason: Mapped[str | None] = mapped_column(Text)
    last_error: Mapped[str | None] = mapped_column(Text)
    failures: Mapped[int] = mapped_column(default=0)  # failed renders of the current revision
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    published_at: Mapped[datetime | None]
    # Re-renders asked for (a lexicon change, an operator): a render is current when made
    # from the post's revision at this generation (`render_revision`).
    render_generation: Mapped[int] = mapped_column(default=0, server_default="0")


class RenderRow(Base):
    """A successful render: an audio file made from one revision of the episode's post."""

    __tablename__ = "renders"
    __table_args__ = (
        UniqueConstraint("episode_ref", "revision", name="uq_renders_episode_ref_revision"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    episode_ref: Mapped[int] = mapped_column(
        ForeignKey("episodes.id", ondelete="CASCADE"), index=True
    )
    revision: Mapped[str] = mapped_column(String(REVISION_LENGTH))
    audio_file: Mapped[str] = mapped_column(Text, index=True)  # media requests find it (0007)
    audio_size: Mapped[int] = mapped_column(BigInteger)
    duration: Mapped[float]
    chapters: Mapped[list[Any]] = mapped_column(default=list)
    transcript_files: Mapped[dict[str, Any]] = mapped_column(default=dict)
    chapters_file: Mapped[str | None] = mapped_column(Text)
    loudness_lufs: Mapped[float | None]
    true_peak_dbtp: Mapped[float | None]
    created_at: Mapped[datetime]
    # The narration script it spoke, a segment a line (migration 0006; older renders: None)
    spoken_text: Mapped[str | None] = mapped_column(Text)


class FeedRow(Base):
    """A published feed: its settings' fingerprint and when it was last written."""

    __tablename__ = "feeds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    title: Mapped[str] = mapped_column(Text, default="")
    config_hash: Mapped[str] = mapped_column(String(64), default="")
    last_published_at: Mapped[datetime | None]


class EpisodeLockRow(Base):
    """A pass rendering an episode: other passes skip it until `expires_at` (a crashed
    holder stops renewing its lease, so its lock lapses by itself)."""

    __tablename__ = "episode_locks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guid: Mapped[str] = mapped_column(String(ID_LENGTH), unique=True)
    owner: Mapped[str] = mapped_column(String(200))
    expires_at: Mapped[datetime]


# The web app's tables (migration 0004). The search index itself (`episode_search` and, on
# SQLite, its FTS5 table) differs by database, so it lives outside the ORM: see
# `postcast.service.webapp.search` and `described_by_orm`.
SEARCH_INDEX_PREFIX = "episode_search"


def described_by_orm(name: str | None, type_: str, _parent: object = None) -> bool:
    """Alembic `include_name`: False for the search index's tables, indexes and triggers,
    which the migration makes per database and `schema.py` does not describe."""
    return not (name or "").startswith(SEARCH_INDEX_PREFIX) and not (name or "").startswith(
        "ix_" + SEARCH_INDEX_PREFIX
    )


class ModerationRow(Base):
    """An operator's exclusion or restoration of an episode, with the reason given."""

    __tablename__ = "episode_moderation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    episode_ref: Mapped[int] = mapped_column(
        ForeignKey("episodes.id", ondelete="CASCADE"), index=True
    )
    action: Mapped[str] = mapped_column(String(16))  # "exclude" or "restore"
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]


class UrlRequestRow(Base):
    """A URL an operator asked to narrate, waiting for the pipeline to fetch it."""

    __tablename__ = "url_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(String(ID_LENGTH), unique=True)
    state: Mapped[str] = mapped_column(String(16), default="pending")  # pending|fetched|failed
    requested_at: Mapped[datetime]
    error: Mapped[str | None] = mapped_column(Text)  # why the fetch failed or was refused
    post_source: Mapped[str | None] = mapped_column(String(200))  # its post's source, once fetched
    updated_at: Mapped[datetime | None]


class LexiconRow(Base):
    """An operator's pronunciation: word -> IPA (and a respelling for engines without IPA)."""

    __tablename__ = "lexicon_entries"

    word: Mapped[str] = mapped_column(String(200), primary_key=True)
    ipa: Mapped[str] = mapped_column(Text)
    respelling: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime]


# Webhooks and render progress (migration 0005).


class EpisodeEventRow(Base):
    """Something that happened to an episode (published, failed, excluded), with the JSON
    sent for it. `key` makes recording it again (a retried pass) a no-op; `fanned_out`:
    a delivery row exists for each webhook that was configured for it."""

    __tablename__ = "episode_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256 hex of what happened
    event_id: Mapped[str] = mapped_column(String(36))  # sent, so receivers can drop repeats
    event: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    fanned_out: Mapped[bool] = mapped_column(default=False, index=True)
    created_at: Mapped[datetime]


class WebhookDeliveryRow(Base):
    """One event for one webhook URL: tried until delivered or out of attempts."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("event_ref", "url", name="uq_webhook_deliveries_event_ref_url"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_ref: Mapped[int] = mapped_column(
        ForeignKey("episode_events.id", ondelete="CASCADE"), index=True
    )
    url: Mapped[str] = mapped_column(String(ID_LENGTH))
    state: Mapped[str] = mapped_column(String(16), default="pending")  # delivered, failed
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(index=True)
    last_error: Mapped[str | None] = mapped_column(Text)
    delivered_at: Mapped[datetime | None]


class RenderProgressRow(Base):
    """How far an episode's render has gone, for the admin page's progress bars."""

    __tablename__ = "render_progress"

    guid: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    state: Mapped[str] = mapped_column(String(16))  # rendering, finished, failed
    stage: Mapped[str] = mapped_column(String(200))
    done: Mapped[float]
    total: Mapped[float | None]
    updated_at: Mapped[datetime] = mapped_column(index=True)


class LexiconChangeRow(Base):
    """A word an operator added, changed or removed since the last pass re-rendered for it."""

    __tablename__ = "lexicon_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    word: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]


# Listening figures (migration 0007).


class ListenerSaltRow(Base):
    """The random salt of one UTC day's listener hashes. Deleted two days later, after
    which nobody (the operator included) can tell which address a hash came from."""

    __tablename__ = "listener_salts"

    day: Mapped[str] = mapped_column(String(10), primary_key=True)  # YYYY-MM-DD
    salt: Mapped[str] = mapped_column(String(64))


class ListenRow(Base):
    """One listener's requests for one episode's media on one UTC day: the bytes they got,
    and when (if ever) that became a download. `listener` is the hash of address and user
    agent under the day's salt, `listener_before` under the day before's, so that a
    listener's requests on either side of midnight are known as one."""

    __tablename__ = "listens"
    __table_args__ = (
        UniqueConstraint("episode_ref", "day", "listener", name="uq_listens_episode_ref_day"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    episode_ref: Mapped[int] = mapped_column(ForeignKey("episodes.id", ondelete="CASCADE"))
    day: Mapped[str] = mapped_column(String(10))
    listener: Mapped[str] = mapped_column(String(64))
    listener_before: Mapped[str] = mapped_column(String(64))
    bytes_sent: Mapped[int] = mapped_column(BigInteger, default=0)
    first_at: Mapped[datetime]
    counted_at: Mapped[datetime | None] = mapped_column(index=True)  # became a download


class ImportedLogRow(Base):
    """An access log already imported (S3 writes each log object once, never changes it)."""

    __tablename__ = "imported_access_logs"

    name: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    requests: Mapped[int]  # media requests it held
    imported_at: Mapped[datetime]
