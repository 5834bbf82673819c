"""The names of the speech engines and source kinds postcast knows, without importing them.

The registries (`speech/registry.py`, `sources/registry.py`) map these names to classes;
the configuration is checked against the names alone, because importing every source
and engine costs two seconds that `postcast script --config F` should not pay.
Third-party plug-ins are found through their entry-point groups.
"""

from __future__ import annotations

from importlib.metadata import entry_points

ENGINE_GROUP = "postcast.engines"
SOURCE_GROUP = "postcast.sources"

BUILTIN_ENGINES = ("piper", "espeak", "openai", "hibari")
BUILTIN_SOURCE_KINDS = ("forummagnum", "rss", "url", "local")


def plugin_names(group: str) -> set[str]:
    """Names that installed packages register in an entry-point `group`."""
    return {entry.name for entry in entry_points(group=group)}


def is_engine(name: str) -> bool:
    """Built-in, or registered by a package (entry points are read only for a name that
    is not built in: scanning every installed package costs a tenth of a second)."""
    return name in BUILTIN_ENGINES or name in plugin_names(ENGINE_GROUP)


def is_source_kind(kind: str) -> bool:
    return kind in BUILTIN_SOURCE_KINDS or kind in plugin_names(SOURCE_GROUP)


def known_engines() -> list[str]:
    return sorted({*BUILTIN_ENGINES, *plugin_names(ENGINE_GROUP)})


def known_source_kinds() -> list[str]:
    return sorted({*BUILTIN_SOURCE_KINDS, *plugin_names(SOURCE_GROUP)})
