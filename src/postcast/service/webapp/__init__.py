"""`postcast web`: the web app for listeners and operators (FastAPI on Starlette).

Listeners get a home page, a page per feed, full-text search, the narration of a post by
its URL and an embeddable player; authors their listening figures (`downloads`, which
also counts the MP3s served); operators an admin API (`/api/admin/`) and page behind a
bearer token. Every other path is the published site folder, served as `postcast serve`
serves it (byte ranges, podcast content types, no dot-files).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path

import uvicorn
from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles

from postcast import logs
from postcast.config import Config
from postcast.errors import PostcastError
from postcast.rendering import published_store
from postcast.service.web import SiteFiles
from postcast.service.webapp import (
    admin_api,
    downloads,
    listeners,
    operations,
    progress_api,
    public_api,
)
from postcast.service.webapp.context import WebContext, templates
from postcast.service.webapp.security import (
    MAX_BODY_BYTES,
    AdminGuard,
    RateLimit,
    SecurityHeaders,
)
from postcast.storage import Library
from postcast.storage.database import create_library_engine, database_url, migrate
from postcast.webhooks.delivery import deliver_pending

ASSETS_PATH = "/_webapp"
WEBHOOK_POLL_SECONDS = 5.0  # how often the app sends events and retries that fell due
logger = logging.getLogger(__name__)


def _context(config: Config) -> WebContext:
    engine = create_library_engine(database_url(config.library.database, config.base_dir))
    migrate(engine)
    site_dir = Path(config.library.site_dir)
    site_dir.mkdir(parents=True, exist_ok=True)
    return WebContext(
        config=config,
        engine=engine,
        library=Library(engine),
        site_dir=site_dir,
        store=published_store(config),
        admin=AdminGuard(config.web.admin_token_sha256),
        rate_limit=RateLimit(config.web.rate_limit),
        templates=templates(),
    )


async def _postcast_error(request: Request, error: Exception) -> Response:
    status = error.http_status if isinstance(error, PostcastError) else 500
    return JSONResponse({"detail": str(error)}, status_code=status)


async def _send_webhooks(context: WebContext) -> None:
    """Deliver webhooks' events (and their retries) as long as the app runs."""
    while True:
        try:
            await run_in_threadpool(deliver_pending, context.config, context.library)
        except Exception:  # a bad moment (database busy...) must not stop later tries
            logger.exception("webhook delivery failed; trying again shortly")
        await asyncio.sleep(WEBHOOK_POLL_SECONDS)


def create_web_app(config: Config) -> FastAPI:
    """The ASGI app for `config`: migrates the library database and indexes it for search."""
    context = _context(config)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await run_in_threadpool(context.reindex_now)
        sender = asyncio.create_task(_send_webhooks(context)) if config.web.webhooks else None
        yield
        if sender is not None:
            sender.cancel()
        context.library.close()

    app = FastAPI(
        title="postcast",
        summary="Listen to, search and steer a postcast library.",
        version="1",
        lifespan=lifespan,
        max_body_size=MAX_BODY_BYTES,  # 413 past it
        exception_handlers={PostcastError: _postcast_error},
    )
    app.state.web = context
    app.include_router(public_api.router)
    app.include_router(admin_api.router)
    app.include_router(progress_api.router)
    app.include_router(admin_api.pages)
    app.include_router(listeners.router)
    app.include_router(operations.router)
    app.include_router(downloads.api)
    app.include_router(downloads.pages)
    assets = resources.files("postcast.service.webapp").joinpath("static")
    app.mount(ASSETS_PATH, StaticFiles(directory=str(assets)), name="webapp-assets")
    site = SiteFiles(directory=context.site_dir, html=True)
    app.mount("/", downloads.CountedMedia(site, context), name="site")
    # Forums call the public API from their pages: any origin may read, none may write.
    app.add_middleware(
        CORSMiddleware, allow_origins=["*"], allow_methods=["GET"], allow_credentials=False
    )
    app.add_middleware(SecurityHeaders)
    return app


def serve(config: Config, host: str, port: int) -> None:
    # JSON logs: uvicorn's own loggers are left to send their records to ours.
    log_config = None if logs.json_logging() else uvicorn.config.LOGGING_CONFIG
    uvicorn.run(
        create_web_app(config), host=host, port=port, log_level="info", log_config=log_config
    )
