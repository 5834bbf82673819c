"""The library: what was seen, what became an episode, what was rendered and published.

Every method runs in its own transaction and takes and returns plain data (`Post`,
`Episode`, the records in `records.py`), never ORM objects. Every write is idempotent:
running the same pass twice leaves the same rows.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from sqlalchemy import Engine, Select, select
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from postcast.errors import StorageError
from postcast.models import Post
from postcast.selection.rules import ranking_karma
from postcast.storage.database import safe_url
from postcast.storage.events import EpisodeEvents
from postcast.storage.locks import EpisodeLocks
from postcast.storage.records import (
    EpisodeRecord,
    EpisodeStatus,
    PostKey,
    PostState,
    post_columns,
    revision_of,
    row_to_post,
    row_to_record,
)
from postcast.storage.render_progress import RenderProgressBook
from postcast.storage.renders import RenderBook
from postcast.storage.requests import OperatorRequests
from postcast.storage.schema import EpisodeRow, ModerationRow, PostRow
from postcast.storage.sources import SourcesAndFeeds
from postcast.storage.types import require_aware, utc_now

T = TypeVar("T")


def _meets(post: Post, threshold: int | None, af: bool | None) -> bool:
    """At or above the source's karma threshold (AF posts by AF karma); none or 0: always."""
    if threshold is None or threshold <= 0:
        return True
    use_af = post.forum_code.upper() == "AF" if af is None else af
    karma = ranking_karma(post, use_af=use_af)
    return karma is not None and karma >= threshold


def _again_if_dropped(transaction: Callable[[], T]) -> T:
    """Run `transaction`; once more if the database server dropped the connection under
    it (a restart, a failover, an idle timeout). The pool's pre-ping catches a connection
    that died while idle; this catches one that died mid-transaction, which the server
    rolled back. (A drop during COMMIT itself may follow a commit: the library's writes
    are upserts and compare-and-sets, safe to run twice; at worst a failure counter
    counts one too many.)"""
    try:
        return transaction()
    except DBAPIError as error:
        if not error.connection_invalidated:
            raise
        return transaction()


class Library(
    RenderBook, SourcesAndFeeds, EpisodeLocks, EpisodeEvents, RenderProgressBook, OperatorRequests
):
    """Repository over the library database. Open one with `open_library`."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @property
    def url(self) -> str:
        return safe_url(self._engine.url)

    @property
    def engine(self) -> Engine:
        """For stages that keep tables of their own (listening figures)."""
        return self._engine

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _write(self, work: Callable[[Session], T]) -> T:
        """Run `work` in one transaction. Run again once when a unique-key race with
        another process failed it, or when the server dropped the connection under it."""

        def transaction() -> T:
            with self._sessions.begin() as session:
                return work(session)

        try:
            return _again_if_dropped(transaction)
        except IntegrityError:
            return _again_if_dropped(transaction)

    def _read(self, work: Callable[[Session], T]) -> T:
        def transaction() -> T:
            with self._sessions() as session:
                return work(session)

        return _again_if_dropped(transaction)

    # posts

    def upsert_post(
        self, post: Post, threshold: int | None, now: datetime, *, af: bool | None = None
    ) -> PostState:
        """Store the source's latest report of `post`.

        `qualified_at` is set the first time the post is seen at or above `threshold`
        (karma, or AF karma when `af`; default: for posts coded AF) and never moves after.
        A changed revision (modifiedAt) makes its episode re-render.
        """
        now = require_aware(now, "now")
        require_aware(post.posted_at, "posted_at")
        if post.modified_at is not None:
            require_aware(post.modified_at, "modified_at")
        qualifies = _meets(post, threshold, af)
        return self._write(lambda session: self._upsert(session, post, qualifies, now))

    def _upsert(self, session: Session, post: Post, qualifies: bool, now: datetime) -> PostState:
        key = PostKey.of(post)
        row = session.scalar(self._post_query(key))
        created, revised = row is None, False
        if row is None:
            row = PostRow(source=key.source, post_id=key.post_id, first_seen_at=now)
            session.add(row)
        else:
            revised = row.revision != revision_of(post)
        for column, value in post_columns(post).items():
            if getattr(row, column) != value:
                setattr(row, column, value)
        newly_qualified = qualifies and row.qualified_at is None
        if newly_qualified:
            row.qualified_at = now
        if created or revised or newly_qualified or session.is_modified(row):
            row.updated_at = now
        session.flush()
        if revised:  # a new revision deserves fresh attempts at rendering
            for episode in session.scalars(select(EpisodeRow).where(EpisodeRow.post_ref == row.id)):
                episode.failures = 0
        return PostState(
            key, created, revised, row.first_seen_at, row.qualified_at, newly_qualified
        )

    @staticmethod
    def _post_query(key: PostKey) -> Select[PostRow]:
        return select(PostRow).where(PostRow.source == key.source, PostRow.post_id == key.post_id)

    def get_post(self, key: PostKey) -> Post | None:
        row = self._read(lambda session: session.scalar(self._post_query(key)))
        return None if row is None else row_to_post(row)

    def post_state(self, key: PostKey) -> PostState | None:
        row = self._read(lambda session: session.scalar(self._post_query(key)))
        if row is None:
            return None
        return PostState(key, False, False, row.first_seen_at, row.qualified_at, False)

    # episodes

    def ensure_episode(
        self,
        guid: str,
        post_key: PostKey,
        title: str,
        pub_date: datetime,
        now: datetime | None = None,
    ) -> EpisodeRecord:
        """The episode `guid`, created pending if new. An existing one keeps its post and date
        (the GUID and date never move); its title follows the post's, and an excluded one is
        taken back in, unless an operator excluded it (their word stands until they restore it)."""
        pub_date, now = require_aware(pub_date, "pub_date"), require_aware(now or utc_now(), "now")

        def work(session: Session) -> EpisodeRecord:
            row, post, created = self._episode_row(session, guid, post_key, title, pub_date, now)
            if (
                not created
                and row.status == EpisodeStatus.EXCLUDED
                and not self._excluded_by_operator(session, row.id)
            ):
                has_render = self._latest_render(session, row.id) is not None
                row.status = EpisodeStatus.RENDERED if has_render else EpisodeStatus.PENDING
                row.excluded_reason = None
            if row.title != title:
                row.title = title
            if session.is_modified(row):
                row.updated_at = now
            return row_to_record(row, post, created)

        return self._write(work)

    @staticmethod
    def _excluded_by_operator(session: Session, episode_ref: int) -> bool:
        last = session.scalar(
            select(ModerationRow.action)
            .where(ModerationRow.episode_ref == episode_ref)
            .order_by(ModerationRow.id.desc())
            .limit(1)
        )
        return last == "exclude"

    def exclude_episode(
        self,
        guid: str,
        post_key: PostKey,
        title: str,
        pub_date: datetime,
        reason: str,
        now: datetime | None = None,
    ) -> EpisodeRecord:
        """Record that `guid` must not be published (and withdraw it if it was)."""
        pub_date, now = require_aware(pub_date, "pub_date"), require_aware(now or utc_now(), "now")

        def work(session: Session) -> EpisodeRecord:
            row, post, created = self._episode_row(session, guid, post_key, title, pub_date, now)
            if row.status != EpisodeStatus.EXCLUDED or row.excluded_reason != reason:
                row.status, row.excluded_reason, row.updated_at = (
                    EpisodeStatus.EXCLUDED,
                    reason,
                    now,
                )
            return row_to_record(row, post, created)

        return self._write(work)

    def _episode_row(
        self,
        session: Session,
        guid: str,
        post_key: PostKey,
        title: str,
        pub_date: datetime,
        now: datetime,
    ) -> tuple[EpisodeRow, PostRow, bool]:
        row = session.scalar(select(EpisodeRow).where(EpisodeRow.guid == guid))
        if row is not None:
            return row, session.get_one(PostRow, row.post_ref), False
        post = session.scalar(self._post_query(post_key))
        if post is None:
            raise StorageError(f"episode {guid}: post {post_key} is not stored; upsert it first")
        row = EpisodeRow(
            guid=guid,
            post_ref=post.id,
            title=title,
            pub_date=pub_date,
            status=EpisodeStatus.PENDING,
            failures=0,
            created_at=now,
            updated_at=now,
        )
        session.add(row)
        session.flush()
        return row, post, True

    def episode(self, guid: str) -> EpisodeRecord | None:
        def work(session: Session) -> EpisodeRecord | None:
            row = session.scalar(select(EpisodeRow).where(EpisodeRow.guid == guid))
            return (
                None if row is None else row_to_record(row, session.get_one(PostRow, row.post_ref))
            )

        return self._read(work)

    def episode_posts(self) -> list[Post]:
        """Posts of every episode not excluded: feed them to `selection.dedupe` with new
        posts so a cross-post is never published twice across passes."""
        query = (
            select(PostRow)
            .join(EpisodeRow, EpisodeRow.post_ref == PostRow.id)
            .where(EpisodeRow.status != EpisodeStatus.EXCLUDED)
            .order_by(EpisodeRow.pub_date)
        )
        return self._read(lambda session: [row_to_post(row) for row in session.scalars(query)])
