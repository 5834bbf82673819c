"""For operators' tools, not people: `GET /metrics` (Prometheus text) and `GET /healthz`
(200 or 503, with each check's result in JSON). Neither is in the OpenAPI schema: they
are the deployment's interface, not the library's API."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse, Response

from postcast import metrics
from postcast.service.health import check_health, library_checks
from postcast.service.webapp.context import WebContext, web

router = APIRouter(include_in_schema=False)
Context = Annotated[WebContext, Depends(web)]


@router.get("/metrics")
def prometheus_metrics() -> Response:
    body, content_type = metrics.exposition()
    return Response(body, media_type=content_type)


@router.get("/healthz")
def healthz(context: Context) -> JSONResponse:
    # A plain `def`: FastAPI runs it in a worker thread, so the checks' blocking I/O
    # (a database connection, a probe file) never holds up the event loop.
    report = check_health(library_checks(context.engine.url, context.site_dir))
    return JSONResponse(
        report.as_json(),
        status_code=200 if report.healthy else 503,
        headers={"Cache-Control": "no-store"},
    )
