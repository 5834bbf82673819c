"""Listeners' pages: the home page, a page per feed, search, and the embeddable player.

Episode pages themselves are the published site's (player, chapters, transcript that
seeks), served from the site folder like every other file.
"""

from __future__ import annotations

from importlib import resources
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response

from postcast.config import FeedConfig
from postcast.publishing.site import feed_path
from postcast.selection.feeds import default_feeds, episodes_for_feed
from postcast.service.webapp.context import WebContext, web
from postcast.service.webapp.library_view import PAGE_SIZE, narration, published_page
from postcast.service.webapp.public_api import MAX_QUERY, MAX_URL, rate_limited, run_search
from postcast.storage.types import utc_now

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
Context = Annotated[WebContext, Depends(web)]
Page = Annotated[int, Query(ge=1, le=100_000)]


def _render(context: WebContext, request: Request, name: str, **values: Any) -> HTMLResponse:
    library = context.config.library
    values |= {"show": library, "language": library.language, "request": request}
    return context.templates.TemplateResponse(request, name, values)


def _feeds(context: WebContext) -> list[dict[str, str]]:
    return [
        {"name": feed.name, "title": feed.title or feed.name, "xml": feed_path(feed.name)}
        for feed in default_feeds(context.config)
    ]


@router.get("/")
async def home(request: Request, context: Context, page: Page = 1) -> HTMLResponse:
    episodes, more = await run_in_threadpool(published_page, context.engine, page)
    return _render(
        context,
        request,
        "home.html",
        feeds=_feeds(context),
        episodes=episodes,
        page=page,
        more=more,
    )


def _feed(context: WebContext, name: str) -> FeedConfig:
    for feed in default_feeds(context.config):
        if feed.name == name:
            return feed
    raise HTTPException(status_code=404, detail=f"no feed {name!r}")


@router.get("/feed/{name}")
async def feed_page(request: Request, context: Context, name: str, page: Page = 1) -> HTMLResponse:
    feed = _feed(context, name)
    episodes = await run_in_threadpool(context.library.published_episodes)
    listed = episodes_for_feed(feed, episodes, utc_now())
    start = (page - 1) * PAGE_SIZE
    return _render(
        context,
        request,
        "feed.html",
        feed=feed,
        xml=feed_path(feed.name),
        episodes=listed[start : start + PAGE_SIZE],
        page=page,
        more=len(listed) > start + PAGE_SIZE,
    )


@router.get("/search", dependencies=[Depends(rate_limited)])
async def search_page(
    request: Request,
    context: Context,
    q: Annotated[str, Query(max_length=MAX_QUERY)] = "",
    page: Page = 1,
) -> HTMLResponse:
    offset = (page - 1) * PAGE_SIZE
    results = await run_in_threadpool(run_search, context, q, PAGE_SIZE + 1, offset) if q else []
    return _render(
        context,
        request,
        "search.html",
        q=q,
        results=results[:PAGE_SIZE],
        page=page,
        more=len(results) > PAGE_SIZE,
    )


@router.get("/embed", dependencies=[Depends(rate_limited)])
async def embed(
    request: Request,
    context: Context,
    url: Annotated[str, Query(min_length=1, max_length=MAX_URL)],
) -> HTMLResponse:
    found = await run_in_threadpool(narration, context.engine, context.config.library.base_url, url)
    return _render(context, request, "embed.html", narration=found, post_url=url)


@router.get("/embed.js")
async def embed_script() -> Response:
    """The one-line snippet's script: `<script src=".../embed.js" data-url="POST"></script>`
    puts an iframe of `/embed?url=POST` (default: the page's own URL) where it stands."""
    script = resources.files("postcast.service.webapp").joinpath("static", "embed.js")
    return Response(
        script.read_bytes(),
        media_type="text/javascript; charset=utf-8",
        headers={"cache-control": "public, max-age=3600", "access-control-allow-origin": "*"},
    )
