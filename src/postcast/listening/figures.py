"""Listening figures: downloads per episode, per day, for any set of published episodes
(an author's, a feed's, the whole library's)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Engine, func, select

from postcast.publishing.feed import page_for_audio
from postcast.storage.records import EpisodeStatus
from postcast.storage.schema import EpisodeRow, ListenRow, PostRow, RenderRow
from postcast.storage.types import utc_now

DEFAULT_DAYS = 30


@dataclass(frozen=True)
class EpisodeDownloads:
    guid: str
    title: str
    authors: list[str]
    pub_date: datetime
    audio_file: str
    downloads: int

    @property
    def page(self) -> str:
        return page_for_audio(self.audio_file)


@dataclass(frozen=True)
class Figures:
    downloads: int  # all time
    episodes: list[EpisodeDownloads]  # most downloaded first
    daily: list[tuple[date, int]]  # the last `days` days, oldest first, days without any too


def published_downloads(engine: Engine, guid: str | None = None) -> list[EpisodeDownloads]:
    """Every published episode (or the one with `guid`) with its downloads, most
    downloaded first."""
    counts = (
        select(ListenRow.episode_ref, func.count().label("downloads"))
        .where(ListenRow.counted_at.is_not(None))
        .group_by(ListenRow.episode_ref)
        .subquery()
    )
    latest = (
        select(RenderRow.episode_ref, func.max(RenderRow.id).label("render_id"))
        .group_by(RenderRow.episode_ref)
        .subquery()
    )
    query = (
        select(
            EpisodeRow.guid,
            EpisodeRow.title,
            EpisodeRow.pub_date,
            PostRow.authors,
            RenderRow.audio_file,
            func.coalesce(counts.c.downloads, 0).label("downloads"),
        )
        .join(PostRow, PostRow.id == EpisodeRow.post_ref)
        .join(latest, latest.c.episode_ref == EpisodeRow.id)
        .join(RenderRow, RenderRow.id == latest.c.render_id)
        .join(counts, counts.c.episode_ref == EpisodeRow.id, isouter=True)
        .where(EpisodeRow.status == EpisodeStatus.PUBLISHED)
    )
    if guid is not None:
        query = query.where(EpisodeRow.guid == guid)
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    episodes = [
        EpisodeDownloads(
            row.guid, row.title, list(row.authors), row.pub_date, row.audio_file, row.downloads
        )
        for row in rows
    ]
    return sorted(episodes, key=lambda e: (-e.downloads, -e.pub_date.timestamp(), e.guid))


def by_author(episodes: list[EpisodeDownloads], author: str) -> list[EpisodeDownloads]:
    """The episodes `author` wrote or co-wrote (the name as the forum shows it, any case)."""
    wanted = author.casefold().strip()
    return [e for e in episodes if any(a.casefold().strip() == wanted for a in e.authors)]


def figures(
    engine: Engine,
    episodes: list[EpisodeDownloads],
    days: int = DEFAULT_DAYS,
    today: date | None = None,
) -> Figures:
    """Downloads of `episodes` in all, and per day over the last `days` days."""
    last = today or utc_now().date()
    first = last - timedelta(days=days - 1)
    per_day = _daily(engine, [e.guid for e in episodes], first)
    daily = [
        (first + timedelta(days=n), per_day.get(first + timedelta(days=n), 0)) for n in range(days)
    ]
    return Figures(sum(e.downloads for e in episodes), episodes, daily)


def _daily(engine: Engine, guids: Collection[str], first: date) -> dict[date, int]:
    if not guids:
        return {}
    query = (
        select(ListenRow.day, func.count().label("downloads"))
        .join(EpisodeRow, EpisodeRow.id == ListenRow.episode_ref)
        .where(ListenRow.counted_at.is_not(None), ListenRow.day >= first.isoformat())
        .group_by(ListenRow.day)
    )
    wanted = set(guids)
    rows: dict[date, int] = {}
    with engine.connect() as connection:
        # Per episode, then summed here: an IN list of thousands of GUIDs is slower than
        # a group-by over the window's rows on both databases.
        for row in connection.execute(query.add_columns(EpisodeRow.guid).group_by(EpisodeRow.guid)):
            if row.guid in wanted:
                day = date.fromisoformat(row.day)
                rows[day] = rows.get(day, 0) + row.downloads
    return rows
