"""The public JSON API: search, and the narration of a post by its URL (for forums)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel

from postcast.publishing.feed import page_for_audio, site_url
from postcast.service.webapp import search
from postcast.service.webapp.context import WebContext, web
from postcast.service.webapp.library_view import narration

MAX_QUERY = 200
MAX_URL = 2048


def rate_limited(request: Request) -> None:
    web(request).rate_limit(request)


router = APIRouter(prefix="/api", tags=["public"], dependencies=[Depends(rate_limited)])
Context = Annotated[WebContext, Depends(web)]


class SearchResult(BaseModel):
    guid: str
    title: str
    authors: list[str]
    tags: list[str]
    pub_date: datetime
    page_url: str
    audio_url: str
    post_url: str
    snippet_html: str  # escaped text; only <mark> elements around the matched words
    rank: float


class SearchResponse(BaseModel):
    query: str
    results: list[SearchResult]


class NarrationResponse(BaseModel):
    post_url: str
    guid: str
    title: str
    status: Literal["pending", "rendering", "published", "failed", "excluded"]
    audio_url: str | None
    duration: float | None
    transcript_url: str | None
    chapters_url: str | None
    page_url: str | None


def run_search(context: WebContext, q: str, limit: int, offset: int) -> list[SearchResult]:
    context.fresh_index()
    base = context.config.library.base_url
    return [
        SearchResult(
            guid=hit.guid,
            title=hit.title,
            authors=hit.authors,
            tags=hit.tags,
            pub_date=hit.pub_date,
            page_url=site_url(base, page_for_audio(hit.audio_file)),
            audio_url=site_url(base, hit.audio_file),
            post_url=hit.post_url,
            snippet_html=str(hit.snippet),
            rank=hit.rank,
        )
        for hit in search.search(context.engine, q, limit, offset)
    ]


@router.get("/search", summary="Full-text search over published episodes")
async def api_search(
    context: Context,
    q: Annotated[str, Query(max_length=MAX_QUERY, description="Words to find")],
    limit: Annotated[int, Query(ge=1, le=50)] = 20,
    offset: Annotated[int, Query(ge=0, le=10_000)] = 0,
) -> SearchResponse:
    results = await run_in_threadpool(run_search, context, q, limit, offset)
    return SearchResponse(query=q, results=results)


@router.get(
    "/narrations",
    summary="The narration of a post, by the post's URL",
    responses={404: {"description": "No episode was ever made of this post"}},
)
async def api_narration(
    context: Context,
    url: Annotated[str, Query(min_length=1, max_length=MAX_URL, description="The post's URL")],
) -> NarrationResponse:
    found = await run_in_threadpool(narration, context.engine, context.config.library.base_url, url)
    if found is None:
        raise HTTPException(status_code=404, detail="not narrated")
    return NarrationResponse(**found.__dict__)
