"""The operator's API under /api/admin/, and the admin page that uses it.

Every route needs the bearer token whose SHA-256 is `[web] admin_token_sha256`; with none
configured the admin does not exist (404). Nothing here echoes the token back.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from importlib import resources
from typing import Annotated, Literal, TypeVar

from fastapi import APIRouter, Depends, HTTPException, Path, Query
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response
from fastapi.security import HTTPAuthorizationCredentials
from pydantic import BaseModel, Field

from postcast import webhooks
from postcast.errors import InputError, NotFoundError
from postcast.service.webapp import admin_store
from postcast.service.webapp.context import WebContext, web
from postcast.service.webapp.security import bearer

T = TypeVar("T")
Context = Annotated[WebContext, Depends(web)]
Status = Literal["pending", "rendered", "published", "failed", "excluded"]


def require_admin(
    context: Context,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> None:
    context.admin.check(credentials)


def admin_exists(context: Context) -> None:
    if not context.admin.enabled:
        raise HTTPException(status_code=404, detail="Not Found")


REFUSALS: dict[int | str, dict[str, str]] = {
    401: {"description": "No admin token, or a wrong one"},
    404: {"description": "No admin is configured, or no such item"},
}
router = APIRouter(
    prefix="/api/admin", tags=["admin"], dependencies=[Depends(require_admin)], responses=REFUSALS
)
pages = APIRouter(include_in_schema=False, dependencies=[Depends(admin_exists)])


class EpisodeOut(BaseModel):
    id: int
    guid: str
    title: str
    status: Status
    post_url: str
    pub_date: datetime
    excluded_reason: str | None
    last_error: str | None
    failures: int
    render_due: bool = Field(
        description="A render waits: never rendered, the post changed, or asked again "
        "(by a re-render or a pronunciation the episode says)"
    )


class EpisodeList(BaseModel):
    total: int
    episodes: list[EpisodeOut]


class ModerationOut(BaseModel):
    action: Literal["exclude", "restore"]
    reason: str
    at: datetime


class EpisodeDetail(BaseModel):
    episode: EpisodeOut
    history: list[ModerationOut]


class Reason(BaseModel):
    reason: str = Field(min_length=1, max_length=2000, description="Why (shown to operators)")


class UrlIn(BaseModel):
    url: str = Field(min_length=1, max_length=2048)


class UrlRequestOut(BaseModel):
    id: int
    url: str
    state: Literal["pending", "rendering", "published", "failed", "excluded", "fetched"] = Field(
        description="pending: not fetched yet; then its episode's state (rendering: audio "
        "made, not yet in the feeds); failed: see error"
    )
    requested_at: datetime
    error: str | None = Field(description="Why the fetch or the render failed, or was refused")
    episode_guid: str | None
    updated_at: datetime | None
    created: bool = False


class LexiconIn(BaseModel):
    ipa: str = Field(min_length=1, max_length=200, description="IPA, espeak-ng notation")
    respelling: str | None = Field(default=None, max_length=200)


class LexiconOut(BaseModel):
    word: str
    ipa: str
    respelling: str


class SourceOut(BaseModel):
    name: str
    kind: str
    state: dict[str, object]
    last_success_at: datetime | None
    last_error: str | None
    last_error_at: datetime | None
    fetch_requested_at: datetime | None


class FetchRequested(BaseModel):
    name: str
    fetch_requested_at: datetime


async def _call(work: Callable[[], T]) -> T:
    """Run a store function off the event loop; its refusals become HTTP answers."""
    try:
        return await run_in_threadpool(work)
    except NotFoundError as error:
        raise HTTPException(status_code=404, detail=str(error)) from error
    except InputError as error:
        raise HTTPException(status_code=422, detail=str(error)) from error


EpisodeId = Annotated[int, Path(ge=1, le=2**31 - 1)]
Word = Annotated[str, Path(min_length=1, max_length=200)]
SourceName = Annotated[str, Path(min_length=1, max_length=200)]


@router.get("/episodes", summary="Episodes, newest first, filtered by status or title")
async def list_episodes(
    context: Context,
    status: Status | None = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> EpisodeList:
    rows, total = await _call(
        lambda: admin_store.list_episodes(context.engine, status, q, limit, offset)
    )
    return EpisodeList(total=total, episodes=[EpisodeOut(**e.__dict__) for e in rows])


@router.get("/episodes/{episode_id}", summary="One episode and its exclusions and restorations")
async def get_episode(context: Context, episode_id: EpisodeId) -> EpisodeDetail:
    episode, history = await _call(lambda: admin_store.get_episode(context.engine, episode_id))
    return EpisodeDetail(
        episode=EpisodeOut(**episode.__dict__),
        history=[ModerationOut(**m.__dict__) for m in history],
    )


@router.post("/episodes/{episode_id}/exclude", summary="Withdraw an episode (author opt-out...)")
async def exclude_episode(context: Context, episode_id: EpisodeId, body: Reason) -> EpisodeOut:
    episode = await _call(lambda: admin_store.exclude(context.engine, episode_id, body.reason))
    await _call(lambda: webhooks.excluded(context.library, episode.guid))
    return EpisodeOut(**episode.__dict__)


@router.post(
    "/episodes/{episode_id}/restore",
    summary="Take an excluded episode back",
    responses={422: {"description": "The episode is not excluded"}},
)
async def restore_episode(context: Context, episode_id: EpisodeId, body: Reason) -> EpisodeOut:
    episode = await _call(lambda: admin_store.restore(context.engine, episode_id, body.reason))
    return EpisodeOut(**episode.__dict__)


@router.post(
    "/episodes/{episode_id}/rerender",
    status_code=202,
    summary="Render an episode again at the next pass (same GUID, new audio file)",
)
async def rerender_episode(context: Context, episode_id: EpisodeId) -> EpisodeOut:
    episode = await _call(lambda: admin_store.request_rerender(context.engine, episode_id))
    return EpisodeOut(**episode.__dict__)


@router.get("/urls", summary="URLs queued for narration, each with its state and error")
async def list_urls(context: Context) -> list[UrlRequestOut]:
    rows = await _call(lambda: admin_store.url_requests(context.engine))
    return [UrlRequestOut(**r.__dict__) for r in rows]


@router.post(
    "/urls",
    status_code=201,
    summary="Queue a URL to be narrated as an episode",
    responses={200: {"description": "Already queued"}, 422: {"description": "Not a web URL"}},
)
async def add_url(context: Context, body: UrlIn, response: Response) -> UrlRequestOut:
    row, created = await _call(
        lambda: admin_store.request_url(
            context.engine,
            body.url,
            allow_private=context.config.library.allow_private_addresses,
        )
    )
    if not created:
        response.status_code = 200
    return UrlRequestOut(**row.__dict__, created=created)


@router.get("/lexicon", summary="The operator's pronunciation entries")
async def list_lexicon(context: Context) -> list[LexiconOut]:
    entries = await _call(lambda: admin_store.lexicon_entries(context.engine))
    return [LexiconOut(word=e.word, ipa=e.ipa, respelling=e.respelling) for e in entries]


@router.put(
    "/lexicon/{word}",
    summary="Add or change a word's pronunciation",
    description="Entries here win over `[narration] lexicon` and the bundled lexicon. The next "
    "pass re-renders the episodes whose script says the word; only their sentences holding it "
    "are spoken again.",
    responses={201: {"description": "Added"}, 422: {"description": "Not one word, or bad IPA"}},
)
async def put_lexicon(
    context: Context, word: Word, body: LexiconIn, response: Response
) -> LexiconOut:
    entry, created = await _call(
        lambda: admin_store.set_lexicon_entry(context.engine, word, body.ipa, body.respelling)
    )
    response.status_code = 201 if created else 200
    return LexiconOut(word=entry.word, ipa=entry.ipa, respelling=entry.respelling)


@router.delete(
    "/lexicon/{word}",
    status_code=204,
    summary="Remove a word's pronunciation (episodes saying it are re-rendered)",
)
async def delete_lexicon(context: Context, word: Word) -> Response:
    await _call(lambda: admin_store.remove_lexicon_entry(context.engine, word))
    return Response(status_code=204)


@router.get("/sources", summary="Each source's last success, last error and cursor")
async def list_sources(context: Context) -> list[SourceOut]:
    statuses = await run_in_threadpool(context.library.source_statuses)
    return [SourceOut(**s.__dict__) for s in statuses]


@router.post(
    "/sources/{name}/fetch",
    status_code=202,
    summary="Ask for a fetch of a source: the next pass (or the service) does it",
)
async def fetch_source(context: Context, name: SourceName) -> FetchRequested:
    when = await _call(lambda: admin_store.request_fetch(context.engine, name))
    return FetchRequested(name=name, fetch_requested_at=when)


@pages.get("/admin", response_class=HTMLResponse)
async def admin_page() -> HTMLResponse:
    """The admin page: static HTML whose script asks for the token and calls the API."""
    page = resources.files("postcast.service.webapp").joinpath("static", "admin.html")
    return HTMLResponse(page.read_text(encoding="utf-8"))
