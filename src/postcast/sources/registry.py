"""Source plug-ins by kind. The built-in sources are listed here; third-party ones are
found through the `postcast.sources` entry-point group. `postcast.plugins` holds the
kinds alone, for checking a configuration without importing every source."""

from __future__ import annotations

from importlib.metadata import entry_points

import httpx

from postcast.config import SourceConfig
from postcast.errors import ConfigError
from postcast.plugins import SOURCE_GROUP
from postcast.sources.base import Source
from postcast.sources.forummagnum import ForumMagnumSource
from postcast.sources.local import LocalSource
from postcast.sources.polite import Pacer
from postcast.sources.rss import RssSource
from postcast.sources.url import UrlSource

SOURCES: dict[str, type[Source]] = {
    source.kind: source for source in (ForumMagnumSource, RssSource, UrlSource, LocalSource)
}
ENTRY_POINT_GROUP = SOURCE_GROUP


def source_class(kind: str, where: str = "[[sources]]") -> type[Source]:
    if kind in SOURCES:
        return SOURCES[kind]
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        if entry.name == kind:
            plugin: type[Source] = entry.load()
            return plugin
    known = sorted({*SOURCES, *(entry.name for entry in entry_points(group=ENTRY_POINT_GROUP))})
    raise ConfigError(where, f"unknown source kind {kind!r}; known: {', '.join(known)}")


def create_source(
    cfg: SourceConfig, http: httpx.Client | None = None, pacer: Pacer | None = None
) -> Source:
    """The source plug-in for `cfg.kind`, configured; `ConfigError` for an unknown kind."""
    return source_class(cfg.kind, f"source {cfg.name!r}")(cfg, http, pacer)
