"""Renders: which episodes need audio, recording finished audio and failures, and the
episodes to publish. A mixin of `Library`, kept apart to keep each module short."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, TypeVarTuple

from sqlalchemy import Select, String, and_, case, cast, func, or_, select
from sqlalchemy.orm import Session

from postcast.errors import StorageError
from postcast.models import Episode, EpisodeAudio
from postcast.storage.records import (
    EpisodeRecord,
    EpisodeStatus,
    RenderJob,
    chapters_to_json,
    render_revision,
    row_to_post,
    row_to_record,
    rows_to_episode,
)
from postcast.storage.schema import EpisodeRow, PostRow, RenderRow
from postcast.storage.types import require_aware, utc_now

T = TypeVar("T")
Columns = TypeVarTuple("Columns")

DEFAULT_MAX_FAILURES = 3  # failed renders of one revision before it waits for an edit


def normalise_revision(revision: str) -> str:
    """Revisions are `ISO-TIME#DIGEST`; the same instant in another zone is the same revision."""
    time, hash_mark, digest = revision.partition("#")
    try:
        moment = datetime.fromisoformat(time)
    except ValueError:
        return revision
    if moment.tzinfo is None:
        return revision
    return moment.astimezone(UTC).isoformat() + hash_mark + digest


def latest_renders() -> Any:
    """Subquery: the newest render of each episode (renders are only ever inserted)."""
    return (
        select(RenderRow.episode_ref, func.max(RenderRow.id).label("render_id"))
        .group_by(RenderRow.episode_ref)
        .subquery()
    )


def current_revision() -> Any:
    """SQL for `render_revision` of each episode's post."""
    generation = cast(EpisodeRow.render_generation, String)
    return case(
        (EpisodeRow.render_generation == 0, PostRow.revision),
        else_=PostRow.revision + "/" + generation,
    )


def with_latest_render(query: Select[*Columns]) -> Select[*Columns]:
    """`query` (on episodes) with each episode's newest render outer-joined as `RenderRow`."""
    latest = latest_renders()
    return query.outerjoin(latest, latest.c.episode_ref == EpisodeRow.id).outerjoin(
        RenderRow, RenderRow.id == latest.c.render_id
    )


def render_due(max_failures: int = DEFAULT_MAX_FAILURES) -> Any:
    """SQL: the episode waits for a render (none yet, its post changed since, or asked
    again), and may have it: not excluded, and its revision has not failed `max_failures`
    times. Needs the post joined and `with_latest_render`."""
    return and_(
        EpisodeRow.status != EpisodeStatus.EXCLUDED,
        EpisodeRow.failures < max_failures,
        or_(RenderRow.id.is_(None), RenderRow.revision != current_revision()),
    )


class RenderBook:
    """Needs `_write` and `_read` (transaction runners) from the class it is mixed into."""

    if TYPE_CHECKING:  # declared for mypy; the class mixed into defines them

        def _write(self, work: Callable[[Session], T]) -> T: ...
        def _read(self, work: Callable[[Session], T]) -> T: ...

    @staticmethod
    def _latest_render(session: Session, episode_ref: int) -> RenderRow | None:
        return session.scalar(
            select(RenderRow)
            .where(RenderRow.episode_ref == episode_ref)
            .order_by(RenderRow.id.desc())
            .limit(1)
        )

    def episodes_needing_render(
        self,
        max_failures: int = DEFAULT_MAX_FAILURES,
        *,
        guid: str | None = None,
        source: str | None = None,
    ) -> list[RenderJob]:
        """Episodes with no render yet, or whose post changed since their latest render, or
        asked to re-render (`render_generation`), newest first. Excluded episodes, and
        revisions that already failed `max_failures` times, wait (a new revision of the
        post tries again). `guid` or `source` (the configured source of the post) narrow
        the list to one episode or one source's."""
        query = (
            with_latest_render(
                select(EpisodeRow, PostRow, RenderRow.revision).join(
                    PostRow, EpisodeRow.post_ref == PostRow.id
                )
            )
            .where(render_due(max_failures))
            .order_by(EpisodeRow.pub_date.desc(), EpisodeRow.guid)
        )
        if guid is not None:
            query = query.where(EpisodeRow.guid == guid)
        if source is not None:
            query = query.where(PostRow.source == source)

        def work(session: Session) -> list[RenderJob]:
            return [
                RenderJob(
                    e.guid,
                    e.title,
                    e.pub_date,
                    row_to_post(p),
                    render_revision(p.revision, e.render_generation),
                    rendered,
                )
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
        spoken_text: str | None = None,
        now: datetime | None = None,
    ) -> None:
        """Record that `audio` (an existing file) was rendered from `revision` of the post.

        `audio_file` is the path published in feeds (relative to the site directory),
        default `audio.path`. The size stored is the file's real size. `spoken_text` is
        the script it spoke (a lexicon change finds its episodes by it). Rendering the
        same revision again replaces that render.
        """
        now = require_aware(now or utc_now(), "now")
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
                    spoken_text=spoken_text,
                )
            )
            if row.status != EpisodeStatus.EXCLUDED:
                row.status = EpisodeStatus.RENDERED
            row.failures, row.last_error, row.updated_at = 0, None, now

        self._write(work)

    def mark_failed(
        self, guid: str, error: str, now: datetime | None = None, *, final: bool = False
    ) -> None:
        """A render of `guid` failed (`final`: not to be tried again until the post
        changes or an operator asks). An episode that already has audio keeps publishing it."""
        now = require_aware(now or utc_now(), "now")

        def work(session: Session) -> None:
            row = session.scalar(select(EpisodeRow).where(EpisodeRow.guid == guid))
            if row is None:
                raise StorageError(f"episode {guid} is not stored")
            row.failures = max(row.failures + 1, DEFAULT_MAX_FAILURES if final else 0)
            row.last_error, row.updated_at = error, now
            if row.status == EpisodeStatus.PENDING:
                row.status = EpisodeStatus.FAILED

        self._write(work)

    def mark_published(self, guids: Iterable[str], when: datetime) -> None:
        """The latest renders of `guids` are now in the published feeds."""
        when, wanted = require_aware(when, "when"), set(guids)

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
        latest = latest_renders()
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

    def episode_counts(self) -> dict[str, int]:
        """How many episodes are in each state."""
        query = select(EpisodeRow.status, func.count()).group_by(EpisodeRow.status)
        return self._read(lambda session: dict(session.execute(query).tuples().all()))

    def episodes_with_status(self, status: EpisodeStatus) -> list[EpisodeRecord]:
        """Episodes in `status` (an excluded one says why; a failed one its error), newest
        first."""
        query = (
            select(EpisodeRow, PostRow)
            .join(PostRow, EpisodeRow.post_ref == PostRow.id)
            .where(EpisodeRow.status == status)
            .order_by(EpisodeRow.pub_date.desc(), EpisodeRow.guid)
        )
        return self._read(
            lambda session: [row_to_record(e, p) for e, p in session.execute(query).tuples()]
        )

    def latest_render(self, guid: str) -> tuple[str, datetime] | None:
        """Revision of the episode's newest render and when it was recorded (None: never
        rendered): one query where a render task needs both."""
        query = (
            select(RenderRow.revision, RenderRow.created_at)
            .join(EpisodeRow, RenderRow.episode_ref == EpisodeRow.id)
            .where(EpisodeRow.guid == guid)
            .order_by(RenderRow.id.desc())
            .limit(1)
        )
        row = self._read(lambda session: session.execute(query).first())
        return (row.revision, row.created_at) if row is not None else None

    def latest_revision(self, guid: str) -> str | None:
        latest = self.latest_render(guid)
        return latest[0] if latest is not None else None

    def latest_render_at(self, guid: str) -> datetime | None:
        latest = self.latest_render(guid)
        return latest[1] if latest is not None else None

    def reset_failures(self, guid: str) -> None:
        """An operator asked for the episode again: its failed attempts are forgotten."""

        def work(session: Session) -> None:
            row = session.scalar(select(EpisodeRow).where(EpisodeRow.guid == guid))
            if row is None:
                raise StorageError(f"episode {guid} is not stored")
            row.failures = 0

        self._write(work)

    def render_job(self, guid: str) -> RenderJob | None:
        """The episode as a job to render, whatever its state (for a forced re-render)."""

        def work(session: Session) -> RenderJob | None:
            found = session.execute(
                select(EpisodeRow, PostRow)
                .join(PostRow, EpisodeRow.post_ref == PostRow.id)
                .where(EpisodeRow.guid == guid)
            ).first()
            if found is None:
                return None
            episode, post = found.tuple()
            previous = self._latest_render(session, episode.id)
            return RenderJob(
                episode.guid,
                episode.title,
                episode.pub_date,
                row_to_post(post),
                post.revision,
                previous.revision if previous else None,
            )

        return self._read(work)

    def episodes_to_report(self) -> list[tuple[str, str, str, int, str | None, str | None]]:
        """Every episode not simply published: (guid, title, status, failures, last
        error, excluded reason), for `postcast status`; newest first."""
        query = (
            select(
                EpisodeRow.guid,
                EpisodeRow.title,
                EpisodeRow.status,
                EpisodeRow.failures,
                EpisodeRow.last_error,
                EpisodeRow.excluded_reason,
            )
            .where(
                or_(
                    EpisodeRow.status != EpisodeStatus.PUBLISHED,
                    EpisodeRow.last_error.is_not(None),
                )
            )
            .order_by(EpisodeRow.pub_date.desc(), EpisodeRow.guid)
        )
        return self._read(lambda session: list(session.execute(query).tuples().all()))

    def count_by_status(self) -> dict[str, int]:
        query = select(EpisodeRow.status, func.count()).group_by(EpisodeRow.status)
        return self._read(lambda session: dict(session.execute(query).tuples().all()))

    def drop_superseded_renders(self, replaced_before: datetime) -> int:
        """Forget every render whose episode has a newer render made before `replaced_before`
        (the grace period's start): feeds stopped pointing at it long enough ago that
        clients which downloaded the old feed have fetched its audio. Returns how many."""
        replaced_before = require_aware(replaced_before, "replaced_before")
        latest = latest_renders()
        newest = (
            select(RenderRow.episode_ref, RenderRow.id, RenderRow.created_at)
            .join(latest, latest.c.render_id == RenderRow.id)
            .subquery()
        )
        query = (
            select(RenderRow)
            .join(newest, newest.c.episode_ref == RenderRow.episode_ref)
            .where(RenderRow.id != newest.c.id, newest.c.created_at < replaced_before)
        )

        def work(session: Session) -> int:
            rows = list(session.scalars(query))
            for row in rows:
                session.delete(row)
            return len(rows)

        return self._write(work)

    def render_files(self) -> set[str]:
        """Every site file (relative path) some stored render points at."""

        def work(session: Session) -> set[str]:
            files: set[str] = set()
            query = select(
                RenderRow.audio_file, RenderRow.transcript_files, RenderRow.chapters_file
            )
            for audio, transcripts, chapters in session.execute(query).tuples():
                files.add(audio)
                files.update(str(path) for path in (transcripts or {}).values())
                if chapters:
                    files.add(chapters)
            return files

        return self._read(work)
