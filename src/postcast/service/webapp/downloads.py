"""Listening figures in the web app: media requests counted as `postcast web` serves them,
the figures as JSON (`/api/downloads/...`), and a page per author with a chart.

Counting wraps the site's static files: after an MP3 response has gone out, the bytes
that went out are counted (in a worker thread, so the event loop never waits on the
database). Behind a proxy, uvicorn takes the listener's address from X-Forwarded-For
when the proxy is trusted (`FORWARDED_ALLOW_IPS`), or every listener looks like the proxy.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi import Path as PathPart
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse
from pydantic import BaseModel
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from postcast.listening import MediaRequest, record
from postcast.listening.figures import (
    DEFAULT_DAYS,
    EpisodeDownloads,
    Figures,
    by_author,
    figures,
    published_downloads,
)
from postcast.objectstore.headers import is_media
from postcast.publishing.feed import site_url
from postcast.selection.feeds import default_feeds, episodes_for_feed
from postcast.service.webapp.context import WebContext, web
from postcast.service.webapp.public_api import rate_limited
from postcast.storage.types import utc_now

logger = logging.getLogger(__name__)
MAX_NAME = 300
Days = Annotated[int, Query(ge=1, le=366, description="Days of daily figures")]
Context = Annotated[WebContext, Depends(web)]
Name = Annotated[str, PathPart(min_length=1, max_length=MAX_NAME)]


class CountedMedia:
    """ASGI wrapper of the site's files that counts the MP3 bytes each listener gets."""

    def __init__(self, app: ASGIApp, context: WebContext) -> None:
        self.app = app
        self.context = context

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or not is_media(scope["path"]):
            await self.app(scope, receive, send)
            return
        sent = {"status": 0, "bytes": 0}

        async def counting_send(message: Message) -> None:
            await send(message)  # counted only once it has gone
            if message["type"] == "http.response.start":
                sent["status"] = message["status"]
            elif message["type"] == "http.response.body":
                sent["bytes"] += len(message.get("body", b""))

        try:
            await self.app(scope, receive, counting_send)
        finally:  # a listener who hung up mid-file got what went out before
            request = _media_request(scope, sent["status"], sent["bytes"])
            try:
                await run_in_threadpool(record, self.context.engine, request)
            except Exception:  # the listener got the file; a lost count must not fail it
                logger.exception("could not count a download of %s", scope["path"])


def _media_request(scope: Scope, status: int, sent: int) -> MediaRequest:
    headers = dict(scope.get("headers") or [])
    client = scope.get("client") or ("", 0)
    return MediaRequest(
        path=scope["path"].lstrip("/"),
        at=utc_now(),
        address=str(client[0]),
        user_agent=headers.get(b"user-agent", b"").decode("latin-1"),
        bytes_sent=sent,
        status=status,
    )


class DayDownloads(BaseModel):
    day: date
    downloads: int


class EpisodeFigure(BaseModel):
    guid: str
    title: str
    authors: list[str]
    page_url: str
    downloads: int


class DownloadsResponse(BaseModel):
    subject: str  # "library", an episode's GUID, a feed's or an author's name
    downloads: int
    daily: list[DayDownloads]
    episodes: list[EpisodeFigure]


api = APIRouter(prefix="/api/downloads", tags=["listening"], dependencies=[Depends(rate_limited)])
pages = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)


def _response(context: WebContext, subject: str, found: Figures) -> DownloadsResponse:
    base = context.config.library.base_url
    return DownloadsResponse(
        subject=subject,
        downloads=found.downloads,
        daily=[DayDownloads(day=day, downloads=n) for day, n in found.daily],
        episodes=[
            EpisodeFigure(
                guid=e.guid,
                title=e.title,
                authors=e.authors,
                page_url=site_url(base, e.page),
                downloads=e.downloads,
            )
            for e in found.episodes
        ],
    )


async def _figures(context: WebContext, episodes: list[EpisodeDownloads], days: int) -> Figures:
    return await run_in_threadpool(figures, context.engine, episodes, days)


async def _published(context: WebContext) -> list[EpisodeDownloads]:
    return await run_in_threadpool(published_downloads, context.engine)


@api.get("", summary="Downloads of the whole library")
async def library_downloads(context: Context, days: Days = DEFAULT_DAYS) -> DownloadsResponse:
    found = await _figures(context, await _published(context), days)
    return _response(context, "library", found)


@api.get(
    "/episodes",
    summary="Downloads of one episode, by its GUID",
    responses={404: {"description": "No published episode has this GUID"}},
)
async def episode_downloads(
    context: Context,
    guid: Annotated[str, Query(min_length=1, max_length=2048)],
    days: Days = DEFAULT_DAYS,
) -> DownloadsResponse:
    episodes = await run_in_threadpool(published_downloads, context.engine, guid)
    if not episodes:
        raise HTTPException(status_code=404, detail="no published episode has this GUID")
    return _response(context, guid, await _figures(context, episodes, days))


@api.get(
    "/feeds/{name}",
    summary="Downloads of a feed's episodes",
    responses={404: {"description": "No such feed"}},
)
async def feed_downloads(
    context: Context, name: Name, days: Days = DEFAULT_DAYS
) -> DownloadsResponse:
    feed = next((f for f in default_feeds(context.config) if f.name == name), None)
    if feed is None:
        raise HTTPException(status_code=404, detail="no such feed")
    listed = await run_in_threadpool(context.library.published_episodes)
    in_feed = {e.guid for e in episodes_for_feed(feed, listed, utc_now())}
    episodes = [e for e in await _published(context) if e.guid in in_feed]
    return _response(context, name, await _figures(context, episodes, days))


async def _author(context: WebContext, name: str, days: int) -> Figures:
    episodes = by_author(await _published(context), name)
    if not episodes:
        raise HTTPException(status_code=404, detail="no published episode by this author")
    return await _figures(context, episodes, days)


@api.get(
    "/authors/{name:path}",
    summary="Downloads of an author's episodes",
    responses={404: {"description": "No published episode by this author"}},
)
async def author_downloads(
    context: Context,
    name: Name,
    days: Days = DEFAULT_DAYS,
) -> DownloadsResponse:
    return _response(context, name, await _author(context, name, days))


@pages.get("/author/{name:path}", dependencies=[Depends(rate_limited)])
async def author_page(
    request: Request, context: Context, name: Name, days: Days = DEFAULT_DAYS
) -> HTMLResponse:
    found = await _author(context, name, days)
    wanted = name.casefold().strip()
    author = next(a for a in found.episodes[0].authors if a.casefold().strip() == wanted)
    library = context.config.library
    values: dict[str, Any] = {
        "show": library,
        "language": library.language,
        "author": author,
        "figures": found,
        "chart": bar_chart(found.daily),
        "days": days,
    }
    return context.templates.TemplateResponse(request, "author.html", values)


def bar_chart(daily: list[tuple[date, int]]) -> dict[str, Any]:
    """Bars of downloads per day, as numbers a template draws in SVG (no script needed)."""
    most = max((n for _, n in daily), default=0) or 1
    width, height = 600, 120
    step = width / max(len(daily), 1)
    bars = [
        {
            "x": round(i * step, 2),
            "width": round(max(step - 1, 1), 2),
            "height": round(height * n / most, 2),
            "y": round(height - height * n / most, 2),
            "label": f"{day.isoformat()}: {n} download{'s' if n != 1 else ''}",
        }
        for i, (day, n) in enumerate(daily)
    ]
    return {"width": width, "height": height, "bars": bars, "most": most}
