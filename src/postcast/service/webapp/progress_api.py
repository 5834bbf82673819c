"""`GET /api/admin/progress`: renders' progress as Server-Sent Events, for the admin page.

Each `progress` event is one render's row (`render_progress`) as JSON, sent when it
changes. Renders run in other processes (`postcast run`, workers), so the stream polls
the table every half second rather than waiting on anything in this one. A stream opens
with the renders of the last hour, sends a comment every 15 s so proxies keep it open,
and ends after `WebContext.progress_stream_seconds` (5 minutes): clients reconnect.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse

from postcast.service.webapp.admin_api import REFUSALS, require_admin
from postcast.service.webapp.context import WebContext, web
from postcast.storage.render_progress import RenderProgress
from postcast.storage.types import utc_now

POLL_SECONDS = 0.5
KEEP_ALIVE_SECONDS = 15.0
OPENING_WINDOW = timedelta(hours=1)  # a new stream starts with renders this recent
EVENT_STREAM = {
    "description": "A `progress` event (one render's row as JSON) each time a row changes",
    "content": {
        "text/event-stream": {
            "schema": {"type": "string"},
            "example": 'event: progress\ndata: {"guid": "…", "title": "…", "state": '
            '"rendering", "stage": "speech", "done": 12, "total": 40, "updated_at": "…"}\n\n',
        }
    },
}

router = APIRouter(
    prefix="/api/admin", tags=["admin"], dependencies=[Depends(require_admin)], responses=REFUSALS
)


@router.get(
    "/progress",
    response_class=StreamingResponse,
    summary="Renders' progress, as Server-Sent Events",
    responses={200: EVENT_STREAM},
)
async def progress_events(context: Annotated[WebContext, Depends(web)]) -> StreamingResponse:
    return StreamingResponse(
        _events(context),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


async def _events(context: WebContext) -> AsyncIterator[str]:
    clock = asyncio.get_running_loop().time
    ends, beat = clock() + context.progress_stream_seconds, clock()
    since = utc_now() - OPENING_WINDOW
    sent: dict[str, tuple[str, str, float, float | None]] = {}
    yield "retry: 2000\n\n"  # EventSource's reconnection delay
    while clock() < ends:
        rows = await run_in_threadpool(context.library.progress_since, since)
        for row in rows:
            version = (row.state, row.stage, row.done, row.total)
            if sent.get(row.guid) != version:  # `since` is inclusive: rows come again
                sent[row.guid] = version
                yield event(row)
        since = rows[-1].updated_at if rows else since
        if clock() - beat >= KEEP_ALIVE_SECONDS:
            beat = clock()
            yield ": keep-alive\n\n"
        await asyncio.sleep(min(POLL_SECONDS, max(0.0, ends - clock())))


def event(row: RenderProgress) -> str:
    data = {
        "guid": row.guid,
        "title": row.title,
        "state": row.state,
        "stage": row.stage,
        "done": row.done,
        "total": row.total,
        "updated_at": row.updated_at.isoformat(),
    }
    return f"event: progress\ndata: {json.dumps(data)}\n\n"
