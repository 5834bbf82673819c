"""How far each render has gone, one row per episode, for the admin page's progress bars
(`postcast.render_progress` writes them from the render loop; the web app reads them)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from postcast.storage.schema import EpisodeRow, RenderProgressRow
from postcast.storage.types import require_aware, utc_now

T = TypeVar("T")


@dataclass(frozen=True)
class RenderProgress:
    guid: str
    title: str
    state: str  # rendering, finished, failed
    stage: str  # the pipeline's task name: "speech", "audio"...
    done: float
    total: float | None
    updated_at: datetime


class RenderProgressBook:
    """Needs `_write` and `_read` (transaction runners) from the class it is mixed into."""

    if TYPE_CHECKING:  # declared for mypy; the class mixed into defines them

        def _write(self, work: Callable[[Session], T]) -> T: ...
        def _read(self, work: Callable[[Session], T]) -> T: ...

    def record_progress(
        self,
        guid: str,
        state: str,
        stage: str,
        done: float,
        total: float | None,
        now: datetime | None = None,
    ) -> None:
        now = require_aware(now or utc_now(), "now")

        def work(session: Session) -> None:
            row = session.get(RenderProgressRow, guid)
            if row is None:
                row = RenderProgressRow(guid=guid)
                session.add(row)
            row.state, row.stage, row.done, row.total = state, stage[:200], done, total
            row.updated_at = now

        self._write(work)

    def progress_since(self, since: datetime) -> list[RenderProgress]:
        """Rows changed at or after `since`, oldest change first."""
        query = (
            select(RenderProgressRow, EpisodeRow.title)
            .join(EpisodeRow, EpisodeRow.guid == RenderProgressRow.guid, isouter=True)
            .where(RenderProgressRow.updated_at >= require_aware(since, "since"))
            .order_by(RenderProgressRow.updated_at, RenderProgressRow.guid)
        )
        return self._read(
            lambda session: [
                _progress(row, title) for row, title in session.execute(query).tuples()
            ]
        )

    def drop_progress_before(self, cutoff: datetime) -> int:
        """Forget renders that ended before `cutoff` (the table stays small)."""
        stale = delete(RenderProgressRow).where(
            RenderProgressRow.updated_at < require_aware(cutoff, "cutoff"),
            RenderProgressRow.state != "rendering",
        )
        return int(self._write(lambda session: session.execute(stale).rowcount))  # type: ignore[attr-defined]


def _progress(row: RenderProgressRow, title: str | None) -> RenderProgress:
    return RenderProgress(
        row.guid, title or row.guid, row.state, row.stage, row.done, row.total, row.updated_at
    )
