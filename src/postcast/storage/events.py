"""Episodes' events for webhooks, kept as rows: an outbox, then one delivery per URL.

An event is recorded in the library's own database when the episode changes, under a key
naming what happened (the event, the episode, its render or its `updated_at`), so a crash
never loses one and a retried pass never records one twice. Fanning out makes one delivery
row per webhook configured for it; a delivery is claimed, tried, and then marked
delivered, given up, or due again later (its backoff written in `next_attempt_at`).
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import delete, exists, select, update
from sqlalchemy.orm import Session

from postcast.storage.schema import (
    EpisodeEventRow,
    EpisodeRow,
    PostRow,
    RenderRow,
    WebhookDeliveryRow,
)
from postcast.storage.types import require_aware, utc_now

T = TypeVar("T")
PENDING, DELIVERED, GIVEN_UP = "pending", "delivered", "failed"


@dataclass(frozen=True)
class DueDelivery:
    id: int
    url: str
    attempts: int  # made before this one
    next_attempt_at: datetime
    event: str
    event_id: str
    payload: dict[str, Any]


@dataclass(frozen=True)
class DeliveryState:
    event: str
    guid: str
    url: str
    state: str
    attempts: int
    next_attempt_at: datetime
    last_error: str | None


def episode_payload(
    event: str, event_id: str, episode: EpisodeRow, post: PostRow, render: RenderRow | None
) -> dict[str, Any]:
    """What a webhook receives (the audio's URL is added when sent: see `webhooks`)."""
    details: dict[str, Any] = {
        "guid": episode.guid,
        "title": episode.title,
        "status": episode.status,
        "pub_date": episode.pub_date.isoformat(),
        "post_url": post.url,
        "authors": list(post.authors),
        "forum_code": post.forum_code,
    }
    if event == "episode.published":  # recorded as the pass marks it so
        details["status"] = "published"
        if render is not None:
            details |= {"audio_file": render.audio_file, "duration": render.duration}
    if event == "episode.failed":
        details |= {"error": episode.last_error, "failures": episode.failures}
    if event == "episode.excluded":
        details["reason"] = episode.excluded_reason
    return {"event": event, "id": event_id, "episode": details}


class EpisodeEvents:
    """Needs `_write` and `_read` (transaction runners) from the class it is mixed into."""

    if TYPE_CHECKING:  # declared for mypy; the class mixed into defines them

        def _write(self, work: Callable[[Session], T]) -> T: ...
        def _read(self, work: Callable[[Session], T]) -> T: ...

    def record_episode_event(
        self, event: str, guids: Iterable[str], only_status: str | None = None
    ) -> int:
        """Record `event` for each of `guids` (those in `only_status`, if given); returns
        how many were new."""
        wanted = set(guids)
        # By status, the few rows in it, filtered here: `guids` may be every episode, more
        # than SQLite takes as parameters of one statement.
        query = (
            select(EpisodeRow).where(EpisodeRow.guid.in_(wanted))
            if only_status is None
            else select(EpisodeRow).where(EpisodeRow.status == only_status)
        )

        def work(session: Session) -> int:
            rows = [row for row in session.scalars(query) if row.guid in wanted]
            return sum(_record(session, event, row) for row in rows)

        return self._write(work) if wanted else 0

    def fan_out_events(self, urls_for: Callable[[str], list[str]], now: datetime) -> int:
        """A pending delivery for every URL `urls_for(event)` names, for each event not yet
        fanned out; returns how many deliveries were made. An event with no URL is done."""
        now = require_aware(now, "now")

        def work(session: Session) -> int:
            made = 0
            fresh = select(EpisodeEventRow).where(EpisodeEventRow.fanned_out.is_(False))
            for event in session.scalars(fresh.order_by(EpisodeEventRow.id)):
                for url in urls_for(event.event):
                    session.add(
                        WebhookDeliveryRow(
                            event_ref=event.id,
                            url=url,
                            state=PENDING,
                            attempts=0,
                            next_attempt_at=now,
                        )
                    )
                    made += 1
                event.fanned_out = True
            return made

        return self._write(work)

    def due_deliveries(self, now: datetime, limit: int = 100) -> list[DueDelivery]:
        query = (
            select(WebhookDeliveryRow, EpisodeEventRow)
            .join(EpisodeEventRow, EpisodeEventRow.id == WebhookDeliveryRow.event_ref)
            .where(WebhookDeliveryRow.state == PENDING)
            .where(WebhookDeliveryRow.next_attempt_at <= require_aware(now, "now"))
            .order_by(WebhookDeliveryRow.next_attempt_at, WebhookDeliveryRow.id)
            .limit(limit)
        )
        return self._read(
            lambda session: [
                DueDelivery(
                    d.id, d.url, d.attempts, d.next_attempt_at, e.event, e.event_id, e.payload
                )
                for d, e in session.execute(query).tuples()
            ]
        )

    def claim_delivery(self, due: DueDelivery, lease_until: datetime) -> bool:
        """Take `due` for one attempt: False if another process took it first. Its next
        attempt moves to `lease_until`, so a process that dies mid-attempt lets go."""
        claim = (
            update(WebhookDeliveryRow)
            .where(WebhookDeliveryRow.id == due.id)
            .where(WebhookDeliveryRow.state == PENDING)
            .where(WebhookDeliveryRow.next_attempt_at == due.next_attempt_at)
            .values(next_attempt_at=require_aware(lease_until, "lease_until"))
        )
        return bool(self._write(lambda session: session.execute(claim).rowcount))  # type: ignore[attr-defined]

    def finish_attempt(
        self, delivery_id: int, error: str | None, retry_at: datetime | None, now: datetime
    ) -> None:
        """One attempt made: delivered (no `error`), due again at `retry_at`, or given up."""
        now = require_aware(now, "now")

        def work(session: Session) -> None:
            row = session.get_one(WebhookDeliveryRow, delivery_id)
            row.attempts += 1
            row.last_error = error
            if error is None:
                row.state, row.delivered_at = DELIVERED, now
            elif retry_at is None:
                row.state = GIVEN_UP
            else:
                row.next_attempt_at = require_aware(retry_at, "retry_at")

        self._write(work)

    def prune_events(self, before: datetime, batch: int = 500) -> int:
        """Delete the events recorded before `before` that have nothing left to send (every
        delivery made or given up), with their deliveries; returns how many went."""
        still_to_send = exists().where(
            WebhookDeliveryRow.event_ref == EpisodeEventRow.id,
            WebhookDeliveryRow.state == PENDING,
        )
        done = (
            select(EpisodeEventRow.id)
            .where(EpisodeEventRow.created_at < require_aware(before, "before"))
            .where(EpisodeEventRow.fanned_out.is_(True))
            .where(~still_to_send)
            .limit(batch)
        )

        def work(session: Session) -> int:
            ids = list(session.scalars(done))
            if ids:
                session.execute(
                    delete(WebhookDeliveryRow).where(WebhookDeliveryRow.event_ref.in_(ids))
                )
                session.execute(delete(EpisodeEventRow).where(EpisodeEventRow.id.in_(ids)))
            return len(ids)

        pruned = 0
        while (deleted := self._write(work)) > 0:
            pruned += deleted
        return pruned

    def delivery_states(self) -> list[DeliveryState]:
        """Every delivery, oldest first (for the operator, and tests)."""
        query = (
            select(WebhookDeliveryRow, EpisodeEventRow)
            .join(EpisodeEventRow, EpisodeEventRow.id == WebhookDeliveryRow.event_ref)
            .order_by(WebhookDeliveryRow.id)
        )
        return self._read(
            lambda session: [
                DeliveryState(
                    e.event,
                    str(e.payload["episode"]["guid"]),
                    d.url,
                    d.state,
                    d.attempts,
                    d.next_attempt_at,
                    d.last_error,
                )
                for d, e in session.execute(query).tuples()
            ]
        )


def _record(session: Session, event: str, episode: EpisodeRow) -> bool:
    render = session.scalar(
        select(RenderRow)
        .where(RenderRow.episode_ref == episode.id)
        .order_by(RenderRow.id.desc())
        .limit(1)
    )
    # What makes this happening itself: a publication is of one render; a failure or an
    # exclusion is the change that set the episode's updated_at.
    if event == "episode.published" and render is not None:
        happened = f"render {render.id}"
    else:
        happened = episode.updated_at.isoformat()
    key = hashlib.sha256(f"{event}\n{episode.guid}\n{happened}".encode()).hexdigest()
    if session.scalar(select(EpisodeEventRow.id).where(EpisodeEventRow.key == key)) is not None:
        return False
    post = session.get_one(PostRow, episode.post_ref)
    event_id = str(uuid.uuid4())
    session.add(
        EpisodeEventRow(
            key=key,
            event_id=event_id,
            event=event,
            payload=episode_payload(event, event_id, episode, post, render),
            fanned_out=False,
            created_at=utc_now(),
        )
    )
    return True
