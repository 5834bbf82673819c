"""Counting downloads: media requests become listens, and a listen becomes one download.

Several web processes (and an access-log import) may count at once, so every step is a
single statement the database makes atomic: a listen row is inserted or its bytes added
to, and it becomes a download by a compare-and-set on `counted_at`.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
import threading
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Connection, Engine, and_, delete, exists, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from postcast.listening.agents import is_bot
from postcast.objectstore.headers import is_media
from postcast.storage.schema import ListenerSaltRow, ListenRow, RenderRow
from postcast.storage.types import require_aware, utc_now

LISTENER_WINDOW = timedelta(hours=24)  # one listener's requests within it: one download
MINUTE_OF_AUDIO = 60.0  # seconds a listener must get before a download counts
SALT_KEPT_DAYS = 2  # today's and yesterday's salts link requests across midnight


@dataclass(frozen=True)
class MediaRequest:
    """One request for a published file, as a server saw it or an access log tells it."""

    path: str  # the key in the site's layout: "episodes/<stem>.mp3"
    at: datetime
    address: str
    user_agent: str
    bytes_sent: int
    status: int = 200
    method: str = "GET"


@dataclass(frozen=True)
class _Media:
    episode_ref: int
    bytes_needed: int  # a minute of audio, or the whole file when it is shorter


def countable(request: MediaRequest) -> bool:
    """Whether the request can add to a download at all."""
    return (
        request.method == "GET"
        and request.status in (200, 206)
        and request.bytes_sent > 0
        and is_media(request.path)
        and not is_bot(request.user_agent)
    )


def record(engine: Engine, request: MediaRequest) -> bool:
    """Count `request` in a transaction of its own; True if it made a new download."""
    if not countable(request):
        return False
    with engine.begin() as connection:
        return record_in(connection, request)


def record_in(connection: Connection, request: MediaRequest) -> bool:
    """Count `request` in the caller's transaction (an access log counts all its lines in
    one, so that it is counted whole or not at all); True if it made a new download."""
    if not countable(request):
        return False
    at = require_aware(request.at, "request time")
    media = _media(connection, request.path)
    if media is None:  # not an episode's audio (or one since removed)
        return False
    day = at.date()
    listener = _listener_hash(_salt(connection, day), request)
    before = _listener_hash(_salt(connection, day - timedelta(days=1)), request)
    _add_bytes(connection, media.episode_ref, day, listener, before, request.bytes_sent, at)
    return _count_once(connection, media, day, listener, before, at)


_media_known: dict[tuple[str, str], _Media] = {}  # media keys are never reused
_MEDIA_KEPT = 4096


def _media(connection: Connection, path: str) -> _Media | None:
    key = (connection.engine.url.render_as_string(), path.lstrip("/"))
    known = _media_known.get(key)
    if known is not None:
        return known
    row = connection.execute(
        select(RenderRow.episode_ref, RenderRow.audio_size, RenderRow.duration)
        .where(RenderRow.audio_file == key[1])
        .limit(1)
    ).first()
    if row is None:
        return None
    per_second = row.audio_size / row.duration if row.duration > 0 else row.audio_size
    media = _Media(row.episode_ref, min(row.audio_size, math.ceil(per_second * MINUTE_OF_AUDIO)))
    if len(_media_known) >= _MEDIA_KEPT:
        _media_known.clear()  # rare: a library serving thousands of episodes at once
    _media_known[key] = media
    return media


def _listener_hash(salt: str, request: MediaRequest) -> str:
    identity = f"{request.address}\n{request.user_agent.strip()}".encode()
    return hmac.new(bytes.fromhex(salt), identity, hashlib.sha256).hexdigest()


_salts: dict[tuple[str, str], str] = {}  # (database, day): a salt never changes once made
_salts_lock = threading.Lock()


def _oldest_kept_day() -> str:
    return (utc_now().date() - timedelta(days=SALT_KEPT_DAYS - 1)).isoformat()


def _salt(connection: Connection, day: date) -> str:
    key = (connection.engine.url.render_as_string(), day.isoformat())
    with _salts_lock:
        known = _salts.get(key)
    if known is not None:
        return known
    salt = connection.scalar(select(ListenerSaltRow.salt).where(ListenerSaltRow.day == key[1]))
    if salt is None:
        salt = _new_salt(connection, key[1])
    oldest = _oldest_kept_day()
    with _salts_lock:  # forgotten here too once the database has deleted it
        for stale in [known for known in _salts if known[1] < oldest]:
            del _salts[stale]
        if key[1] >= oldest:
            _salts[key] = salt
    return salt


def _new_salt(connection: Connection, day: str) -> str:
    """Make `day`'s salt (another process may make it at the same moment: theirs wins).

    Making a current day's salt deletes the salts of days before yesterday. A past day's
    salt (an access-log import) stays until then, so one import hashes alike throughout.
    """
    try:
        with connection.begin_nested():
            connection.execute(insert(ListenerSaltRow).values(day=day, salt=secrets.token_hex(32)))
    except IntegrityError:
        pass
    salt = connection.scalar(select(ListenerSaltRow.salt).where(ListenerSaltRow.day == day))
    oldest = _oldest_kept_day()
    if day >= oldest:
        connection.execute(delete(ListenerSaltRow).where(ListenerSaltRow.day < oldest))
    if salt is None:  # cannot happen: the row was inserted, by this process or another
        raise RuntimeError(f"no listener salt for {day}")
    return str(salt)


def _add_bytes(
    connection: Connection,
    episode_ref: int,
    day: date,
    listener: str,
    before: str,
    bytes_sent: int,
    at: datetime,
) -> None:
    row = and_(
        ListenRow.episode_ref == episode_ref,
        ListenRow.day == day.isoformat(),
        ListenRow.listener == listener,
    )
    add = update(ListenRow).where(row).values(bytes_sent=ListenRow.bytes_sent + bytes_sent)
    if connection.execute(add).rowcount:
        return
    try:
        with connection.begin_nested():
            connection.execute(
                insert(ListenRow).values(
                    episode_ref=episode_ref,
                    day=day.isoformat(),
                    listener=listener,
                    listener_before=before,
                    bytes_sent=bytes_sent,
                    first_at=at,
                )
            )
    except IntegrityError:  # another request of the same listener inserted it first
        connection.execute(add)


def _count_once(
    connection: Connection, media: _Media, day: date, listener: str, before: str, at: datetime
) -> bool:
    """Compare-and-set: the listen becomes a download if it has enough bytes, is not one
    already, and the same listener's download of yesterday is over 24 hours old."""
    earlier = aliased(ListenRow)
    counted_within_window = exists().where(
        earlier.episode_ref == media.episode_ref,
        earlier.day == (day - timedelta(days=1)).isoformat(),
        earlier.listener == before,
        earlier.counted_at > at - LISTENER_WINDOW,
    )
    counted = connection.execute(
        update(ListenRow)
        .where(
            ListenRow.episode_ref == media.episode_ref,
            ListenRow.day == day.isoformat(),
            ListenRow.listener == listener,
            ListenRow.counted_at.is_(None),
            ListenRow.bytes_sent >= media.bytes_needed,
            ~counted_within_window,
        )
        .values(counted_at=at)
    )
    return counted.rowcount == 1
