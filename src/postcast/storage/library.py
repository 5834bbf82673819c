"""The library: what was seen, what became an episode, what was rendered and published.

Every method runs in its own transaction and takes and returns plain data (`Post`,
`Episode`, the records in `records.py`), never ORM objects. Every write is idempotent:
running the same pass twice leaves the same rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, Select, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from postcast.models import Episode, EpisodeAudio, Post
from postcast.selection.rules import ranking_karma
from postcast.storage.database import StorageError, safe_url
from postcast.storage.records import (
    EpisodeRecord,
    EpisodeStatus,
    PostKey,
    PostState,
    RenderJob,
    chapters_to_json,
    post_columns,
    revision_of,
    row_to_post,
    row_to_record,
    rows_to_episode,
)
from postcast.storage.schema import EpisodeRow, PostRow, RenderRow
from postcast.storage.sources import SourcesAndFeeds

T = TypeVar("T")
DEFAULT_MAX_FAILURES = 3  # failed renders of one revision before it waits for an edit


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(value: datetime, name: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got {value.isoformat()}")
    return value.astimezone(UTC)


def normalise_revision(revision: str) -> str:
    """Revisions are ISO times; the same instant in another zone is the same revision."""
    try:
        moment = datetime.fromisoformat(revision)
    except ValueError:
        return revision
    return moment.astimezone(UTC).isoformat() if moment.tzinfo else revision


def _meets(post: Post, threshold: int | None) -> bool:
    """At or above the source's karma threshold (AF posts by AF karma); none or 0: always."""
    if threshold is None or threshold <= 0:
        return True
    karma = ranking_karma(post, use_af=post.forum_code.upper() == "AF")
    return karma is not None and karma >= threshold


def _latest_renders() -> Any:
    """Subquery: the newest render of each episode (renders are only ever inserted)."""
    return (
        select(RenderRow.episode_ref, func.max(RenderRow.id).label("render_id"))
        .group_by(RenderRow.episode_ref)
        .subquery()
    )


class Library(SourcesAndFeeds):
    """Repository over the library database. Open one with `open_library`."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @property
    def url(self) -> str:
        return safe_url(self._engine.url)

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _write(self, work: Callable[[Session], T]) -> T:
        """Run `work` in one transaction; a unique-key race with another process retries once."""
        try:
            with self._sessions.begin() as session:
                return work(session)
        except IntegrityError:
            with self._sessions.begin() as session:
                return work(session)

    def _read(self, work: Callable[[Session], T]) -> T:
        with self._sessions() as session:
            return work(session)

    # posts

    def upsert_post(self, post: Post, threshold: int | None, now: datetime) -> PostState:
        """Store the source's latest report of `post`.

        `qualified_at` is set the first time the post is seen at or above `threshold`
        and never moves after. A changed revision (modifiedAt) makes its episode re-render.
        """
        now = _aware(now, "now")
        _aware(post.posted_at, "posted_at")
        if post.modified_at is not None:
            _aware(post.modified_at, "modified_at")
        return self._write(lambda session: self._upsert(session, post, threshold, now))

    def _upsert(
        self, session: Session, post: Post, threshold: int | None, now: datetime
    ) -> PostState:
        key = PostKey.of(post)
        row = session.scalar(self._post_query(key))
        qualifies = _meets(post, threshold)
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
    def _post_query(key: PostKey) -> Select[tuple[PostRow]]:
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
        taken back in."""
        pub_date, now = _aware(pub_date, "pub_date"), _aware(now or _now(), "now")

        def work(session: Session) -> EpisodeRecord:
            row, post, created = self._episode_row(session, guid, post_key, title, pub_date, now)
            if not created and row.status == EpisodeStatus.EXCLUDED:
                has_render = self._latest_render(session, row.id) is not None
                row.status = EpisodeStatus.RENDERED if has_render else EpisodeStatus.PENDING
                row.excluded_reason = None
            if row.title != title:
                row.title = title
            if session.is_modified(row):
                row.updated_at = now
            return row_to_record(row, post, created)

        return self._write(work)

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
        pub_date, now = _aware(pub_date, "pub_date"), _aware(now or _now(), "now")

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

    @staticmethod
    def _latest_render(session: Session, episode_ref: int) -> RenderRow | None:
        return session.scalar(
            select(RenderRow)
            .where(RenderRow.episode_ref == episode_ref)
            .order_by(RenderRow.id.desc())
            .limit(1)
        )

    def episodes_needing_render(self, max_failures: int = DEFAULT_MAX_FAILURES) -> list[RenderJob]:
        """Episodes with no render yet, or whose post changed since their latest render,
        newest first. Excluded episodes, and revisions that already failed `max_failures`
        times, wait (a new revision of the post tries again)."""
        latest = _latest_renders()
        query = (
            select(EpisodeRow, PostRow, RenderRow.revision)
            .join(PostRow, EpisodeRow.post_ref == PostRow.id)
            .outerjoin(latest, latest.c.episode_ref == EpisodeRow.id)
            .outerjoin(RenderRow, RenderRow.id == latest.c.render_id)
            .where(EpisodeRow.status != EpisodeStatus.EXCLUDED)
            .where(EpisodeRow.failures < max_failures)
            .where(or_(RenderRow.id.is_(None), RenderRow.revision != PostRow.revision))
            .order_by(EpisodeRow.pub_date.desc(), EpisodeRow.guid)
        )

        def work(session: Session) -> list[RenderJob]:
            return [
                RenderJob(e.guid, e.title, e.pub_date, row_to_post(p), p.revision, rendered)
                for e, p, rendered in session.execute(query).tuples()
            ]

        return self._read(work)

    def record_render(
        self,
        guid: str,
        revision: str,
        audio: EpisodeAudio,
        *,
        audio_file: str | None = None,
        transcript_files: dict[str, str] | None = None,
        chapters_file: str | None = None,
        now: datetime | None = None,
    ) -> None:
        """Record that `audio` (an existing file) was rendered from `revision` of the post.

        `audio_file` is the path published in feeds (relative to the site directory),
        default `audio.path`. The size stored is the file's real size. Rendering the same
        revision again replaces that render.
        """
        now = _aware(now or _now(), "now")
        revision = normalise_revision(revision)
        path = Path(audio.path)
        if not path.is_file() or path.stat().st_size == 0:
            raise StorageError(f"episode {guid}: audio file {audio.path} is missing or empty")
        size = path.stat().st_size

        def work(session: Session) -> None:
            row = session.scalar(select(EpisodeRow).where(EpisodeRow.guid == guid))
            if row is None:
                raise StorageError(f"episode {guid} is not stored; ensure_episode it first")
            for old in session.scalars(
                select(RenderRow).where(
                    RenderRow.episode_ref == row.id, RenderRow.revision == revision
                )
            ):
                session.delete(old)  # re-inserted below, so the newest render has the highest id
            session.flush()
            session.add(
                RenderRow(
                    episode_ref=row.id,
                    revision=revision,
                    audio_file=audio_file or audio.path,
                    audio_size=size,
                    duration=audio.duration,
                    chapters=chapters_to_json(audio.chapters),
                    transcript_files=dict(transcript_files or {}),
                    chapters_file=chapters_file,
                    loudness_lufs=audio.loudness_lufs,
                    true_peak_dbtp=audio.true_peak_dbtp,
                    created_at=now,
                )
            )
            if row.status != EpisodeStatus.EXCLUDED:
                row.status = EpisodeStatus.RENDERED
            row.failures, row.last_error, row.updated_at = 0, None, now

        self._write(work)

    def mark_failed(self, guid: str, error: str, now: datetime | None = None) -> None:
        """A render of `guid` failed. An episode that already has audio keeps publishing it."""
        now = _aware(now or _now(), "now")

        def work(session: Session) -> None:
            row = session.scalar(select(EpisodeRow).where(EpisodeRow.guid == guid))
            if row is None:
                raise StorageError(f"episode {guid} is not stored")
            row.failures += 1
            row.last_error, row.updated_at = error, now
            if row.status == EpisodeStatus.PENDING:
                row.status = EpisodeStatus.FAILED

        self._write(work)

    def mark_published(self, guids: Iterable[str], when: datetime) -> None:
        """The latest renders of `guids` are now in the published feeds."""
        when, wanted = _aware(when, "when"), set(guids)

        def work(session: Session) -> None:
            query = select(EpisodeRow).where(EpisodeRow.status == EpisodeStatus.RENDERED)
            for row in session.scalars(query):
                if row.guid in wanted:
                    row.status, row.updated_at = EpisodeStatus.PUBLISHED, when
                    row.published_at = row.published_at or when

        self._write(work)

    def published_episodes(self) -> list[Episode]:
        """Every episode with a render that is not excluded, newest first, each with its
        latest render."""
        latest = _latest_renders()
        query = (
            select(EpisodeRow, PostRow, RenderRow)
            .join(PostRow, EpisodeRow.post_ref == PostRow.id)
            .join(latest, latest.c.episode_ref == EpisodeRow.id)
            .join(RenderRow, RenderRow.id == latest.c.render_id)
            .where(EpisodeRow.status != EpisodeStatus.EXCLUDED)
            .order_by(EpisodeRow.pub_date.desc(), EpisodeRow.guid)
        )
        return self._read(
            lambda session: [rows_to_episode(*row) for row in session.execute(query).tuples()]
        )

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
