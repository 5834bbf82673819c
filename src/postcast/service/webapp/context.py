"""What every route needs: the configuration, the database, the site folder, the templates."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import jinja2
from fastapi import Request
from fastapi.templating import Jinja2Templates
from sqlalchemy import Engine

from postcast.config import Config
from postcast.objectstore import Store
from postcast.publishing.pages import clock, template_environment
from postcast.service.webapp import search
from postcast.service.webapp.security import AdminGuard, RateLimit, safe_href
from postcast.storage import Library

SEARCH_REFRESH_SECONDS = 30.0  # how stale the index may be before a search refreshes it


@dataclass
class WebContext:
    config: Config
    engine: Engine
    library: Library
    site_dir: Path
    store: Store  # where the library publishes: the site folder or `[service] storage`
    admin: AdminGuard
    rate_limit: RateLimit
    templates: Jinja2Templates
    progress_stream_seconds: float = 300.0  # then a progress stream ends; clients reconnect
    _indexed_at: float = 0.0
    _index_lock: threading.Lock = field(default_factory=threading.Lock)

    def fresh_index(self) -> None:
        """Bring the search index up to date if it was last refreshed a while ago."""
        with self._index_lock:
            if time.monotonic() - self._indexed_at >= SEARCH_REFRESH_SECONDS:
                search.refresh(self.engine, self.store)
                self._indexed_at = time.monotonic()

    def reindex_now(self) -> None:
        with self._index_lock:
            search.refresh(self.engine, self.store)
            self._indexed_at = time.monotonic()


def templates() -> Jinja2Templates:
    folder = resources.files("postcast.service.webapp").joinpath("templates")
    environment = template_environment(jinja2.FileSystemLoader(str(folder)))
    environment.filters["safe_href"] = safe_href
    environment.filters["clock"] = clock
    return Jinja2Templates(env=environment)


def web(request: Request) -> WebContext:
    context: WebContext = request.app.state.web
    return context
