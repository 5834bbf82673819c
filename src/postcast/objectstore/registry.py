"""Which backend serves a storage URL: a mapping from URL scheme to class.

Backends are imported when first used, so the default (a folder) never needs the `s3`
extra installed.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import cast
from urllib.parse import urlsplit

from postcast.errors import InputError
from postcast.objectstore.base import Store

# scheme -> (module, class); one entry per backend file.
BACKENDS: dict[str, tuple[str, str]] = {
    "file": ("postcast.objectstore.local", "LocalStore"),
    "s3": ("postcast.objectstore.s3", "S3Store"),
}
# The extra that installs each backend's client, for the error when it is missing.
_EXTRAS = {"s3": "s3"}


def backend_class(scheme: str, url: str = "") -> type[Store]:
    """The Store class registered for `scheme`; InputError naming `url` if there is none."""
    if scheme not in BACKENDS:
        known = ", ".join(f"{name}://" for name in sorted(BACKENDS))
        raise InputError(
            url or scheme, f"unknown storage scheme {scheme!r}; use a folder or {known}"
        )
    module_name, class_name = BACKENDS[scheme]
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        extra = _EXTRAS.get(scheme, scheme)
        raise InputError(
            url or scheme, f"needs the {extra!r} extra: pip install 'postcast[{extra}]' ({error})"
        ) from error
    return cast(type[Store], getattr(module, class_name))


def open_store(url_or_path: str | Path) -> Store:
    """The store for a folder path, `file:///folder` or `s3://bucket/prefix`."""
    if isinstance(url_or_path, Path) or "://" not in url_or_path:
        return backend_class("file").from_url(str(url_or_path))
    scheme = urlsplit(url_or_path).scheme.lower()
    return backend_class(scheme, url_or_path).from_url(url_or_path)


def site_store(storage: str, site_dir: Path) -> Store:
    """Where a library publishes: `[service] storage` if set, else its site folder."""
    return open_store(storage) if storage else open_store(Path(site_dir))


def cache_store(storage: str) -> Store | None:
    """The store the caches share between workers: `[service] storage`'s, or None (each
    machine's cache folder alone) when the library publishes into a local folder."""
    return open_store(storage) if storage else None


def as_store(site: Path | Store) -> Store:
    """A site folder as a store (a store as itself)."""
    return site if isinstance(site, Store) else open_store(site)


def is_folder(store: Store, folder: Path) -> bool:
    """Whether `store` is the local `folder` itself (nothing to copy into it)."""
    from postcast.objectstore.local import LocalStore

    return isinstance(store, LocalStore) and store.root.resolve() == Path(folder).resolve()
