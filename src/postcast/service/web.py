"""The web server: serves the published site folder, with byte ranges for podcast players.

Starlette's StaticFiles/FileResponse already do HEAD, ETag/Last-Modified, `Range` (206 with
Content-Range, 416 when unsatisfiable) and refuse paths outside the folder; this module
adds the podcast content types and hides dot-files (atomic writes' temporary files).
"""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

import uvicorn
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from postcast.errors import PostcastError
from postcast.objectstore.headers import CONTENT_TYPES, cache_control_for


class SiteFiles(StaticFiles):
    """StaticFiles with podcast content types and no access to dot-files."""

    def get_path(self, scope: Scope) -> str:
        path = super().get_path(scope)
        # Also covers a leading "..", which normpath keeps when the path climbs out.
        if any(part.startswith(".") for part in PurePosixPath(path.replace(os.sep, "/")).parts):
            raise HTTPException(status_code=404)
        return path

    def file_response(
        self,
        full_path: str | os.PathLike[str],
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        suffix = Path(full_path).suffix.lower()
        if isinstance(response, FileResponse) and suffix in CONTENT_TYPES:
            response.media_type = CONTENT_TYPES[suffix]
            response.headers["content-type"] = CONTENT_TYPES[suffix]
        response.headers.setdefault("cache-control", cache_control_for(Path(full_path).name))
        return response


async def _health(request: Request) -> Response:
    return PlainTextResponse("ok")


async def _postcast_error(request: Request, error: Exception) -> Response:
    """One of the two places where a PostcastError becomes output (the CLI is the other)."""
    status = error.http_status if isinstance(error, PostcastError) else 500
    return PlainTextResponse(str(error), status_code=status)


def create_app(site_dir: Path) -> Starlette:
    """An ASGI app serving the published site: `/` is index.html, feeds, pages and media."""
    site_dir = Path(site_dir)
    site_dir.mkdir(parents=True, exist_ok=True)
    return Starlette(
        routes=[
            Route("/healthz", _health, methods=["GET", "HEAD"]),
            Mount("/", app=SiteFiles(directory=site_dir, html=True), name="site"),
        ],
        exception_handlers={PostcastError: _postcast_error},
    )


def serve(site_dir: Path, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve `site_dir` over HTTP until interrupted."""
    uvicorn.run(create_app(site_dir), host=host, port=port, log_level="info")
