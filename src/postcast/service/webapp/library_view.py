"""Read-only views of the library for the web app's pages and public API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy import Engine, func, select

from postcast.publishing.extras import SRT_TYPE, VTT_TYPE
from postcast.publishing.feed import page_for_audio, site_url
from postcast.storage.records import EpisodeStatus
from postcast.storage.schema import EpisodeRow, PostRow, RenderRow

PAGE_SIZE = 20
# The public narration status: a rendered episode not yet in the feeds is on its way.
NARRATION_STATUS = {
    EpisodeStatus.PENDING: "pending",
    EpisodeStatus.RENDERED: "rendering",
    EpisodeStatus.PUBLISHED: "published",
    EpisodeStatus.FAILED: "failed",
    EpisodeStatus.EXCLUDED: "excluded",
}
# When one post URL has several episodes (a cross-post), the most useful one answers.
_PREFERENCE = ["published", "rendered", "pending", "failed", "excluded"]


@dataclass(frozen=True)
class EpisodeSummary:
    guid: str
    title: str
    authors: list[str]
    pub_date: datetime
    duration: float
    audio_file: str
    post_url: str

    @property
    def page(self) -> str:
        return page_for_audio(self.audio_file)


@dataclass(frozen=True)
class Narration:
    """An episode as `GET /api/narrations` and the embed describe it."""

    post_url: str
    guid: str
    title: str
    status: str
    audio_url: str | None
    duration: float | None
    transcript_url: str | None
    chapters_url: str | None
    page_url: str | None


def _latest_render() -> Any:
    return (
        select(RenderRow.episode_ref, func.max(RenderRow.id).label("render_id"))
        .group_by(RenderRow.episode_ref)
        .subquery()
    )


def published_page(engine: Engine, page: int) -> tuple[list[EpisodeSummary], bool]:
    """Page `page` (from 1) of published episodes, newest first, and whether more follow."""
    latest = _latest_render()
    query = (
        select(EpisodeRow, PostRow.authors, PostRow.url, RenderRow.duration, RenderRow.audio_file)
        .join(PostRow, PostRow.id == EpisodeRow.post_ref)
        .join(latest, latest.c.episode_ref == EpisodeRow.id)
        .join(RenderRow, RenderRow.id == latest.c.render_id)
        .where(EpisodeRow.status == EpisodeStatus.PUBLISHED)
        .order_by(EpisodeRow.pub_date.desc(), EpisodeRow.guid)
        .limit(PAGE_SIZE + 1)
        .offset((page - 1) * PAGE_SIZE)
    )
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    summaries = [
        EpisodeSummary(
            row.guid,
            row.title,
            list(row.authors),
            row.pub_date,
            row.duration,
            row.audio_file,
            row.url,
        )
        for row in rows[:PAGE_SIZE]
    ]
    return summaries, len(rows) > PAGE_SIZE


def url_variants(url: str) -> list[str]:
    """The post URL as given, without its fragment, and with and without a final slash."""
    parts = urlsplit(url.strip())
    bare = urlunsplit(parts._replace(fragment=""))
    other = bare[:-1] if bare.endswith("/") else bare + "/"
    return list(dict.fromkeys([url.strip(), bare, other]))


def narration(engine: Engine, base_url: str, post_url: str) -> Narration | None:
    """The narration of the post at `post_url`; None if no episode was ever made of it."""
    latest = _latest_render()
    query = (
        select(EpisodeRow, PostRow.url, RenderRow)
        .join(PostRow, PostRow.id == EpisodeRow.post_ref)
        .join(latest, latest.c.episode_ref == EpisodeRow.id, isouter=True)
        .join(RenderRow, RenderRow.id == latest.c.render_id, isouter=True)
        .where(PostRow.url.in_(url_variants(post_url)))
    )
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    if not rows:
        return None
    row = min(rows, key=lambda r: (_PREFERENCE.index(r.status), -r.pub_date.timestamp()))
    status = NARRATION_STATUS[EpisodeStatus(row.status)]
    audible = status == "published" and row.audio_file is not None
    files: dict[str, str] = dict(row.transcript_files or {}) if audible else {}
    transcript = files.get(VTT_TYPE) or files.get(SRT_TYPE)
    return Narration(
        post_url=row.url,
        guid=row.guid,
        title=row.title,
        status=status,
        audio_url=site_url(base_url, row.audio_file) if audible else None,
        duration=row.duration if audible else None,
        transcript_url=site_url(base_url, transcript) if transcript else None,
        chapters_url=site_url(base_url, row.chapters_file)
        if audible and row.chapters_file
        else None,
        page_url=site_url(base_url, page_for_audio(row.audio_file)) if audible else None,
    )
