"""One render's files in the store: copied in from the working folder, and cleared once
no render points at them.

A pass renders into the site folder (the renders' working folder). With `[service]
storage` elsewhere, each render's files are then copied into the store, the audio first
(its key is written once: `Store.publish_file`), before the render is recorded and long
before any feed names it; the working copies go once stored.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from postcast.errors import ObjectMissingError
from postcast.objectstore import Store, is_folder

EPISODES = "episodes/"
# Files a render puts in episodes/ beside `<stem>.mp3`; only these are ever cleared.
EPISODE_SUFFIXES = (".mp3", ".vtt", ".srt", ".chapters.json", ".html")


def upload_render(store: Store, site: Path, keys: Sequence[str]) -> None:
    """Copy a render's files (`keys`, the audio first) from `site` into `store`. Nothing
    to do when the store is the site folder itself."""
    if is_folder(store, site):
        return
    for key in keys:
        store.publish_file(key, site / key)


def drop_working_copies(store: Store, site: Path, keys: Sequence[str]) -> None:
    """Remove a render's files from `site` once `store` holds them (and the render is
    recorded): a worker's disk does not fill with every episode it ever rendered."""
    if is_folder(store, site):
        return
    for key in keys:
        (site / key).unlink(missing_ok=True)


def remove_unwanted(store: Store, wanted: Iterable[str], cutoff: float) -> int:
    """Delete episode files of `store` that no render in `wanted` names and that were
    written before `cutoff` (seconds since the epoch); return how many."""
    wanted = set(wanted)
    removed = 0
    for key in store.list(EPISODES):
        name = key.removeprefix(EPISODES)
        if "/" in name or not name.endswith(EPISODE_SUFFIXES):
            continue
        stem = episode_file_stem(name)
        if any(f"{EPISODES}{stem}{suffix}" in wanted for suffix in EPISODE_SUFFIXES):
            continue
        try:
            if store.modified_at(key) < cutoff:
                store.delete(key)
                removed += 1
        except ObjectMissingError:  # another pass removed it meanwhile
            continue
    return removed


def episode_file_stem(name: str) -> str:
    for suffix in EPISODE_SUFFIXES:
        if name.endswith(suffix):
            return name.removesuffix(suffix)
    return name
