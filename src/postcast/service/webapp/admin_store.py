"""The operator's writes: exclusions with reasons, re-renders, URL requests, pronunciation
entries, fetches asked of sources.

Each function is one transaction on the library database and returns plain data. What the
pipeline must do is left as rows the next pass acts on (`passes.apply_operator_requests`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Engine, Select, func, select
from sqlalchemy.orm import Session

from postcast.errors import InputError, NotFoundError
from postcast.narration.lexicon import Lexicon, LexiconEntry
from postcast.service.webapp.library_view import NARRATION_STATUS
from postcast.sources.addresses import is_public, literal_address
from postcast.storage.records import EpisodeStatus
from postcast.storage.renders import render_due, with_latest_render
from postcast.storage.schema import (
    ID_LENGTH,
    EpisodeRow,
    LexiconChangeRow,
    LexiconRow,
    ModerationRow,
    PostRow,
    RenderRow,
    SourceRow,
    UrlRequestRow,
)
from postcast.storage.types import utc_now


@dataclass(frozen=True)
class AdminEpisode:
    id: int
    guid: str
    title: str
    status: str
    post_url: str
    pub_date: datetime
    excluded_reason: str | None
    last_error: str | None
    failures: int
    render_due: bool  # a render waits: never rendered, the post changed, or asked again


@dataclass(frozen=True)
class Moderation:
    action: str
    reason: str
    at: datetime


def _admin_episode(row: EpisodeRow, post_url: str, render_due: bool) -> AdminEpisode:
    return AdminEpisode(
        row.id,
        row.guid,
        row.title,
        row.status,
        post_url,
        row.pub_date,
        row.excluded_reason,
        row.last_error,
        row.failures,
        bool(render_due),
    )


def _episodes_with_render_due() -> Select[EpisodeRow, str, bool]:
    """Episodes with their post's address and whether a render of them is due, by the
    rule the passes render by (`renders.render_due`)."""
    query = select(EpisodeRow, PostRow.url, render_due().label("render_due")).join(
        PostRow, PostRow.id == EpisodeRow.post_ref
    )
    return with_latest_render(query)


def list_episodes(
    engine: Engine, status: str | None, query: str | None, limit: int, offset: int
) -> tuple[list[AdminEpisode], int]:
    """Episodes newest first, filtered by status and by a title substring; and the total."""
    select_rows = _episodes_with_render_due()
    count = select(func.count()).select_from(EpisodeRow)
    if status:
        select_rows = select_rows.where(EpisodeRow.status == status)
        count = count.where(EpisodeRow.status == status)
    if query:
        pattern = f"%{query.lower()}%"
        select_rows = select_rows.where(func.lower(EpisodeRow.title).like(pattern))
        count = count.where(func.lower(EpisodeRow.title).like(pattern))
    select_rows = select_rows.order_by(EpisodeRow.pub_date.desc(), EpisodeRow.id)
    with Session(engine) as session:
        rows = session.execute(select_rows.limit(limit).offset(offset)).tuples().all()
        total = session.scalar(count) or 0
        return [_admin_episode(row, url, due) for row, url, due in rows], total


def _episode(session: Session, episode_id: int) -> EpisodeRow:
    found = session.get(EpisodeRow, episode_id)
    if found is None:
        raise _no_such_episode(episode_id)
    return found


def _no_such_episode(episode_id: int) -> NotFoundError:
    return NotFoundError(f"episode {episode_id}", "no such episode")


def _read_back(session: Session, episode_id: int) -> AdminEpisode:
    """The episode as it stands in this transaction (changes flushed first)."""
    session.flush()
    query = _episodes_with_render_due().where(EpisodeRow.id == episode_id)
    found = session.execute(query).first()
    if found is None:
        raise _no_such_episode(episode_id)
    row, url, due = found
    return _admin_episode(row, url, due)


def get_episode(engine: Engine, episode_id: int) -> tuple[AdminEpisode, list[Moderation]]:
    with Session(engine) as session:
        episode = _read_back(session, episode_id)
        history = session.scalars(
            select(ModerationRow)
            .where(ModerationRow.episode_ref == episode_id)
            .order_by(ModerationRow.id)
        )
        return episode, [Moderation(m.action, m.reason, m.created_at) for m in history]


def exclude(
    engine: Engine, episode_id: int, reason: str, now: datetime | None = None
) -> AdminEpisode:
    """Withdraw an episode (the next publish leaves it out of every feed), noting why."""
    now = now or utc_now()
    with Session(engine) as session, session.begin():
        row = _episode(session, episode_id)
        row.status, row.excluded_reason, row.updated_at = EpisodeStatus.EXCLUDED, reason, now
        session.add(
            ModerationRow(episode_ref=row.id, action="exclude", reason=reason, created_at=now)
        )
        return _read_back(session, episode_id)


def restore(
    engine: Engine, episode_id: int, reason: str, now: datetime | None = None
) -> AdminEpisode:
    """Take an excluded episode back: rendered if it has audio (published next pass), else
    pending. As `Library.ensure_episode` does when a source reports it again."""
    now = now or utc_now()
    with Session(engine) as session, session.begin():
        row = _episode(session, episode_id)
        if row.status != EpisodeStatus.EXCLUDED:
            raise InputError(f"episode {episode_id}", f"is {row.status}, not excluded")
        rendered = session.scalar(
            select(RenderRow.id).where(RenderRow.episode_ref == row.id).limit(1)
        )
        row.status = EpisodeStatus.RENDERED if rendered is not None else EpisodeStatus.PENDING
        row.excluded_reason, row.updated_at = None, now
        session.add(
            ModerationRow(episode_ref=row.id, action="restore", reason=reason, created_at=now)
        )
        return _read_back(session, episode_id)


def request_rerender(engine: Engine, episode_id: int, now: datetime | None = None) -> AdminEpisode:
    """Render the episode again at the next pass: a new revision (new audio file) under the
    same GUID; the sentence and segment caches make it cheap."""
    with Session(engine) as session, session.begin():
        row = _episode(session, episode_id)
        row.render_generation += 1
        row.failures, row.updated_at = 0, now or utc_now()
        return _read_back(session, episode_id)


# URL requests


@dataclass(frozen=True)
class UrlRequest:
    """`state`: pending (not fetched yet), then as its episode is: rendering (audio made,
    not yet in the feeds), published, failed, excluded; failed with `error` when the fetch
    failed or was refused."""

    id: int
    url: str
    state: str
    requested_at: datetime
    error: str | None = None
    episode_guid: str | None = None
    updated_at: datetime | None = None


def _url_request(row: UrlRequestRow, episode: EpisodeRow | None) -> UrlRequest:
    state, error, guid = row.state, row.error, None
    if row.state == "fetched" and episode is not None:  # as the public API words it
        state, guid = NARRATION_STATUS[EpisodeStatus(episode.status)], episode.guid
        error = episode.excluded_reason if state == "excluded" else episode.last_error
    return UrlRequest(row.id, row.url, state, row.requested_at, error, guid, row.updated_at)


def check_web_url(url: str, allow_private: bool = False) -> str:
    """A URL anyone could type: http(s), a host, no credentials. Its address is checked by
    the fetch itself (public addresses only, at every redirect): see `postcast.sources`."""
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise InputError(url[:200], f"not a URL ({error})") from error
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(url[:200], "not an http(s) URL with a host")
    if parts.username is not None or parts.password is not None:
        shown = parts._replace(netloc=parts.hostname or "").geturl()  # never echo a password
        raise InputError(shown[:200], "URLs with user names or passwords are refused")
    if len(url) > ID_LENGTH or (port is not None and port == 0):
        raise InputError(url[:200], "URL too long or port 0")
    if not allow_private:  # names are resolved, and every hop checked, when it is fetched
        literal = literal_address(parts.hostname)
        if parts.hostname.lower().rstrip(".").endswith("localhost") or (
            literal is not None and not is_public(literal)
        ):
            raise InputError(url[:200], "not a public address (allow_private_addresses)")
    return url


def request_url(
    engine: Engine, url: str, now: datetime | None = None, allow_private: bool = False
) -> tuple[UrlRequest, bool]:
    """Queue `url` for the pipeline; (the request, whether it is new). A request whose
    fetch failed is queued again."""
    url = check_web_url(url, allow_private)
    now = now or utc_now()
    with Session(engine) as session, session.begin():
        row = session.scalar(select(UrlRequestRow).where(UrlRequestRow.url == url))
        created = row is None
        if row is None:
            row = UrlRequestRow(url=url, state="pending", requested_at=now)
            session.add(row)
        elif row.state == "failed":
            row.state, row.error, row.updated_at = "pending", None, now
        session.flush()
        request_id = row.id
    return _requests(engine, UrlRequestRow.id == request_id)[0], created


def url_requests(engine: Engine) -> list[UrlRequest]:
    return _requests(engine)


def _requests(engine: Engine, *where: Any) -> list[UrlRequest]:
    """Requests, newest first, each with the episode of the post it was collected as."""
    query = (
        select(UrlRequestRow, EpisodeRow)
        .outerjoin(PostRow, PostRow.source == UrlRequestRow.post_source)
        .outerjoin(EpisodeRow, EpisodeRow.post_ref == PostRow.id)
        .where(*where)
        .order_by(UrlRequestRow.id.desc())
    )
    with Session(engine) as session:
        return [_url_request(row, episode) for row, episode in session.execute(query).tuples()]


# Pronunciation lexicon


def lexicon_entries(engine: Engine) -> list[LexiconEntry]:
    with Session(engine) as session:
        rows = session.scalars(select(LexiconRow).order_by(LexiconRow.word))
        return [LexiconEntry(r.word, r.ipa, r.respelling) for r in rows]


def set_lexicon_entry(
    engine: Engine, word: str, ipa: str, respelling: str | None, now: datetime | None = None
) -> tuple[LexiconEntry, bool]:
    """Add or change a word; (the entry, whether it is new). Checked as the configuration's
    `[narration] lexicon` is (one word; IPA without [ ] . ! ?)."""
    checked = Lexicon.load({word: ipa}).entries[word.strip()]
    entry = LexiconEntry(checked.word, checked.ipa, (respelling or "").strip() or checked.word)
    now = now or utc_now()
    with Session(engine) as session, session.begin():
        row = session.get(LexiconRow, entry.word)
        created = row is None
        if row is None:
            row = LexiconRow(word=entry.word)
            session.add(row)
        if created or (row.ipa, row.respelling) != (entry.ipa, entry.respelling):
            session.add(LexiconChangeRow(word=entry.word, created_at=now))
        row.ipa, row.respelling, row.updated_at = entry.ipa, entry.respelling, now
    return entry, created


def remove_lexicon_entry(engine: Engine, word: str, now: datetime | None = None) -> None:
    """Remove a word (the configuration's or bundled pronunciation, if any, applies again)."""
    with Session(engine) as session, session.begin():
        row = session.get(LexiconRow, word)
        if row is None:
            raise NotFoundError(f"lexicon word {word!r}", "no such entry")
        session.delete(row)
        session.add(LexiconChangeRow(word=word, created_at=now or utc_now()))


# Sources


def request_fetch(engine: Engine, name: str, now: datetime | None = None) -> datetime:
    """Ask for a fetch of source `name` (one a pass has seen): the next pass, or the
    service, fetches it and clears the request. When it was asked."""
    now = now or utc_now()
    with Session(engine) as session, session.begin():
        row = session.scalar(select(SourceRow).where(SourceRow.name == name))
        if row is None:
            raise NotFoundError(f"source {name!r}", "no such source")
        if row.fetch_requested_at is None:
            row.fetch_requested_at = now
        return row.fetch_requested_at
