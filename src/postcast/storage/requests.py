"""Operators' requests, as rows the next pass acts on: lexicon changes that re-render the
episodes saying the word, re-renders, URLs to narrate, source fetches. A mixin of
`Library`, kept apart to keep each module short.

Each request is a row until it is done, so a pass killed half-way leaves it for the next.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import delete, exists, func, or_, select
from sqlalchemy.orm import Session

from postcast.models import Post
from postcast.storage.records import EpisodeStatus, row_to_post
from postcast.storage.renders import DEFAULT_MAX_FAILURES, current_revision, latest_renders
from postcast.storage.schema import (
    EpisodeRow,
    LexiconChangeRow,
    LexiconRow,
    PostRow,
    RenderRow,
    SourceRow,
    UrlRequestRow,
)
from postcast.storage.types import require_aware

T = TypeVar("T")
AT_ONCE = 100  # scripts or posts held in memory while episodes are checked for a word


def _posts(session: Session, ids: list[int]) -> list[PostRow]:
    return list(session.scalars(select(PostRow).where(PostRow.id.in_(ids))))


def _rerender_asked() -> Any:
    """SQL: some episode was asked to re-render and is not yet (nor given up on)."""
    latest = latest_renders()
    return (
        select(EpisodeRow.id)
        .join(PostRow, PostRow.id == EpisodeRow.post_ref)
        .join(latest, latest.c.episode_ref == EpisodeRow.id)
        .join(RenderRow, RenderRow.id == latest.c.render_id)
        .where(EpisodeRow.render_generation > 0, RenderRow.revision != current_revision())
        .where(EpisodeRow.status != EpisodeStatus.EXCLUDED)
        .where(EpisodeRow.failures < DEFAULT_MAX_FAILURES)
        .exists()
    )


def _spoken_texts(session: Session, ids: list[int]) -> list[tuple[int, str | None]]:
    query = select(RenderRow.id, RenderRow.spoken_text).where(RenderRow.id.in_(ids))
    return list(session.execute(query).tuples())


@dataclass(frozen=True)
class LexiconChange:
    id: int
    word: str


@dataclass(frozen=True)
class QueuedUrl:
    id: int
    url: str


class OperatorRequests:
    """Needs `_write` and `_read` (transaction runners) from the class it is mixed into."""

    if TYPE_CHECKING:  # declared for mypy; the class mixed into defines them

        def _write(self, work: Callable[[Session], T]) -> T: ...
        def _read(self, work: Callable[[Session], T]) -> T: ...

    # pronunciations

    def operator_lexicon(self) -> dict[str, tuple[str, str]]:
        """The operators' words: word -> (IPA, respelling)."""
        query = select(LexiconRow.word, LexiconRow.ipa, LexiconRow.respelling)
        rows = self._read(lambda session: session.execute(query).tuples().all())
        return {word: (ipa, respelling) for word, ipa, respelling in rows}

    def lexicon_changes(self) -> list[LexiconChange]:
        query = select(LexiconChangeRow.id, LexiconChangeRow.word).order_by(LexiconChangeRow.id)
        rows = self._read(lambda session: session.execute(query).tuples().all())
        return [LexiconChange(row_id, word) for row_id, word in rows]

    def episodes_speaking(self, words: Iterable[str]) -> Iterator[tuple[str, str]]:
        """(GUID, spoken text) of each episode whose latest render's script holds one of
        `words` in any case, anywhere (more than the lexicon's whole-word rules match: the
        caller applies those), a few scripts in memory at a time."""
        latest = latest_renders()
        holds = [
            func.lower(RenderRow.spoken_text).contains(w.lower(), autoescape=True) for w in words
        ]
        query = (
            select(EpisodeRow.guid, RenderRow.id)
            .join(latest, latest.c.episode_ref == EpisodeRow.id)
            .join(RenderRow, RenderRow.id == latest.c.render_id)
            .where(or_(*holds))
        )
        if not holds:
            return
        refs = self._read(lambda session: session.execute(query).tuples().all())
        for start in range(0, len(refs), AT_ONCE):
            guids = {render_id: guid for guid, render_id in refs[start : start + AT_ONCE]}
            for render_id, text in self._read(partial(_spoken_texts, ids=list(guids))):
                yield guids[render_id], text or ""

    def unscripted_episode_posts(self) -> Iterator[tuple[str, Post]]:
        """(GUID, post) of each episode whose latest render kept no script (made before
        renders did), a few posts in memory at a time."""
        latest = latest_renders()
        query = (
            select(EpisodeRow.guid, EpisodeRow.post_ref)
            .join(latest, latest.c.episode_ref == EpisodeRow.id)
            .join(RenderRow, RenderRow.id == latest.c.render_id)
            .where(RenderRow.spoken_text.is_(None))
        )
        refs = self._read(lambda session: session.execute(query).tuples().all())
        for start in range(0, len(refs), AT_ONCE):
            guids = {post_ref: guid for guid, post_ref in refs[start : start + AT_ONCE]}
            for row in self._read(partial(_posts, ids=list(guids))):
                yield guids[row.id], row_to_post(row)

    def request_rerenders(self, guids: Iterable[str], done_changes: Iterable[int] = ()) -> None:
        """Re-render `guids` at the next render (under their GUIDs, as a new revision), and
        forget the lexicon changes `done_changes` that asked for it: one transaction."""
        wanted, changes = set(guids), list(done_changes)

        def work(session: Session) -> None:
            if wanted:
                rows = session.scalars(select(EpisodeRow).where(EpisodeRow.guid.in_(wanted)))
                for row in rows:
                    row.render_generation += 1
                    row.failures = 0  # a new revision deserves fresh attempts
            if changes:
                session.execute(delete(LexiconChangeRow).where(LexiconChangeRow.id.in_(changes)))

        self._write(work)

    # URLs to narrate

    def queued_urls(self) -> list[QueuedUrl]:
        query = (
            select(UrlRequestRow.id, UrlRequestRow.url)
            .where(UrlRequestRow.state == "pending")
            .order_by(UrlRequestRow.id)
        )
        rows = self._read(lambda session: session.execute(query).tuples().all())
        return [QueuedUrl(row_id, url) for row_id, url in rows]

    def url_request_states(self) -> list[tuple[str, str, str | None]]:
        """(URL, state, error) of every request, oldest first (`pending`, `fetched`, `failed`)."""
        query = select(UrlRequestRow.url, UrlRequestRow.state, UrlRequestRow.error).order_by(
            UrlRequestRow.id
        )
        return self._read(lambda session: list(session.execute(query).tuples()))

    def record_url_fetch(
        self, request_id: int, when: datetime, *, post_source: str | None, error: str | None
    ) -> None:
        """A queued URL was fetched (its post stored under source `post_source`), or failed."""
        when = require_aware(when, "when")

        def work(session: Session) -> None:
            row = session.get(UrlRequestRow, request_id)
            if row is None:  # withdrawn meanwhile
                return
            row.state = "failed" if error is not None else "fetched"
            row.error, row.post_source, row.updated_at = error, post_source, when

        self._write(work)

    # source fetches

    def requested_fetches(self) -> list[str]:
        """Sources an operator asked to fetch, not fetched successfully since (a fetch's
        success answers the request: `record_source_success`)."""
        query = select(SourceRow.name).where(SourceRow.fetch_requested_at.is_not(None))
        return self._read(lambda session: list(session.scalars(query)))

    def operator_requests_waiting(self) -> bool:
        """Whether a pass has an operator's request to act on now (`postcast run` starts
        one early rather than waiting out its interval)."""
        waiting = [
            exists().where(UrlRequestRow.state == "pending"),
            exists().where(LexiconChangeRow.id.is_not(None)),
            exists().where(SourceRow.fetch_requested_at.is_not(None)),
            _rerender_asked(),
        ]
        return self._read(lambda session: any(session.scalar(select(clause)) for clause in waiting))
