"""Source and feed bookkeeping: where each source's fetch stopped, how it went, what was
published. A mixin of `Library`, kept apart to keep each module short."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from postcast.storage.records import FeedState, SourceStatus
from postcast.storage.schema import FeedRow, SourceRow
from postcast.storage.types import require_aware

T = TypeVar("T")


def _status(row: SourceRow) -> SourceStatus:
    return SourceStatus(
        name=row.name,
        kind=row.kind,
        state=dict(row.state),
        last_success_at=row.last_success_at,
        last_error=row.last_error,
        last_error_at=row.last_error_at,
        fetch_requested_at=row.fetch_requested_at,
    )


class SourcesAndFeeds:
    """Needs `_write` and `_read` (transaction runners) from the class it is mixed into."""

    if TYPE_CHECKING:  # declared for mypy; the class mixed into defines them

        def _write(self, work: Callable[[Session], T]) -> T: ...
        def _read(self, work: Callable[[Session], T]) -> T: ...

    @staticmethod
    def _source(session: Session, name: str, kind: str | None = None) -> SourceRow:
        row = session.scalar(select(SourceRow).where(SourceRow.name == name))
        if row is None:
            row = SourceRow(name=name, kind=kind or "", state={})
            session.add(row)
        elif kind is not None and row.kind != kind:
            row.kind = kind
        return row

    def get_source_state(self, name: str) -> dict[str, Any]:
        """The state `set_source_state` last stored for source `name` (empty if never)."""
        row = self._read(
            lambda session: session.scalar(select(SourceRow).where(SourceRow.name == name))
        )
        return {} if row is None else dict(row.state)

    def set_source_state(self, name: str, state: dict[str, Any], kind: str | None = None) -> None:
        """Replace source `name`'s state (a JSON-able dict: cursors, ETags, last dates)."""

        def work(session: Session) -> None:
            row = self._source(session, name, kind)
            if row.state != state:
                row.state = dict(state)

        self._write(work)

    def record_source_error(self, name: str, message: str, when: datetime) -> None:
        when = require_aware(when, "when")

        def work(session: Session) -> None:
            row = self._source(session, name)
            row.last_error, row.last_error_at = message, when

        self._write(work)

    def record_source_success(self, name: str, when: datetime) -> None:
        """A fetch that started at `when` worked: it answers an operator's request for a
        fetch made before then. The last error stays on record; `SourceStatus.healthy`
        compares."""
        when = require_aware(when, "when")

        def work(session: Session) -> None:
            row = self._source(session, name)
            row.last_success_at = when
            if row.fetch_requested_at is not None and row.fetch_requested_at <= when:
                row.fetch_requested_at = None

        self._write(work)

    def source_statuses(self) -> list[SourceStatus]:
        query = select(SourceRow).order_by(SourceRow.name)
        return self._read(lambda session: [_status(row) for row in session.scalars(query)])

    def feed_state(self, name: str) -> FeedState | None:
        row = self._read(
            lambda session: session.scalar(select(FeedRow).where(FeedRow.name == name))
        )
        if row is None:
            return None
        return FeedState(row.name, row.title, row.config_hash, row.last_published_at)

    def record_feed_published(
        self, name: str, title: str, config_hash: str, when: datetime
    ) -> None:
        """Feed `name` was written with settings fingerprinted `config_hash`."""
        when = require_aware(when, "when")

        def work(session: Session) -> None:
            row = session.scalar(select(FeedRow).where(FeedRow.name == name))
            if row is None:
                row = FeedRow(name=name)
                session.add(row)
            row.title, row.config_hash, row.last_published_at = title, config_hash, when

        self._write(work)
