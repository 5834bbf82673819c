"""The one sweep of temporaries: every name our writers make goes once stale, nothing
else does, and a live writer's fresh temporaries stay while it holds the writers' lock."""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable
from pathlib import Path

from postcast.atomic import atomic_output, scratch_file
from postcast.cachedir import CacheDirectory
from postcast.leftovers import (
    CACHE_TEMPORARY,
    LOCK_NAME,
    SITE_TEMPORARY,
    remove_temporaries,
    writing_into,
)

TWO_HOURS_AGO = time.time() - 7200


def _real_site_names(folder: Path) -> list[str]:
    """The names the site's writers give their temporaries, taken from the writers."""
    names: list[str] = []
    with atomic_output(folder / "feed.xml") as temporary:
        names.append(temporary.name)
        temporary.write_bytes(b"<rss/>")
    with scratch_file(folder, ".mp3") as temporary:
        names.append(temporary.name)
    return names


def _real_cache_name(folder: Path) -> str:
    names: list[str] = []
    CacheDirectory(folder, ".flac", 1 << 20).write_path("ab" * 32, _record(names))
    return names[0]


def _record(names: list[str]) -> Callable[[Path], None]:
    def make(temporary: Path) -> None:
        names.append(temporary.name)
        temporary.write_bytes(b"fLaC")

    return make


def _leave(folder: Path, names: list[str], *, stale: bool) -> list[Path]:
    """Put files of these names in `folder`, as a killed writer would leave them."""
    paths = [folder / name for name in names]
    for path in paths:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"half")
        if stale:
            os.utime(path, (TWO_HOURS_AGO, TWO_HOURS_AGO))
    return paths


def test_the_patterns_match_the_names_the_writers_really_make(tmp_path: Path) -> None:
    site_names = _real_site_names(tmp_path / "site")
    assert len(site_names) == 2 and all(SITE_TEMPORARY.match(name) for name in site_names)
    assert CACHE_TEMPORARY.match(_real_cache_name(tmp_path / "cache"))


def test_stale_temporaries_of_every_kind_go_and_other_files_stay(tmp_path: Path) -> None:
    site, cache = tmp_path / "site", tmp_path / "cache"
    stale = _leave(site, _real_site_names(site), stale=True)
    stale += _leave(
        site / "episodes", [".x-1.vtt.q8w7e6r5.tmp", ".postcast-k3j4h5g6.tmp"], stale=True
    )
    cached = _leave(cache / "ab", [_real_cache_name(cache)], stale=True)
    others = _leave(site, [".notes.tmp", ".postcast-notes", LOCK_NAME, "keep.tmp"], stale=True)
    others += _leave(cache, [".tmp-notes", "keep.tmp"], stale=True)
    lookalike_folder = site / ".old.xml.a1b2c3d4.tmp"
    lookalike_folder.mkdir()
    assert remove_temporaries(site) == len(stale)
    assert remove_temporaries(cache, CACHE_TEMPORARY) == len(cached)
    assert [path for path in [*stale, *cached] if path.exists()] == []
    assert all(path.exists() for path in others) and lookalike_folder.is_dir()
    assert (site / "feed.xml").read_bytes() == b"<rss/>"


def test_fresh_temporaries_stay_unless_asked_and_subfolders_only_when_recursive(
    tmp_path: Path,
) -> None:
    (fresh,) = _leave(tmp_path, [".feed.xml.abcdefgh.tmp"], stale=False)
    (nested,) = _leave(tmp_path / "episodes", [".postcast-a1b2c3d4.mp3"], stale=True)
    lookalike_folder = tmp_path / ".old.xml.a1b2c3d4.tmp"
    lookalike_folder.mkdir()
    assert remove_temporaries(tmp_path, recursive=False) == 0
    assert remove_temporaries(tmp_path) == 1 and not nested.exists() and fresh.exists()
    assert remove_temporaries(tmp_path, older_than=-1.0, recursive=False) == 1
    assert not fresh.exists() and lookalike_folder.is_dir()


def test_alone_every_temporary_goes_even_a_fresh_one(tmp_path: Path) -> None:
    fresh = _leave(tmp_path, [".feed.xml.abcdefgh.tmp", ".postcast-a1b2c3d4.mp3"], stale=False)
    with writing_into(tmp_path) as removed:
        assert removed == 2
    assert not any(path.exists() for path in fresh)


def test_beside_a_live_writer_only_stale_temporaries_go(tmp_path: Path) -> None:
    (fresh,) = _leave(tmp_path, [".feed.xml.abcdefgh.tmp"], stale=False)
    (stale,) = _leave(tmp_path, [".postcast-a1b2c3d4.mp3"], stale=True)
    with open(tmp_path / LOCK_NAME, "a") as live_writer:
        fcntl.flock(live_writer, fcntl.LOCK_SH)
        with writing_into(tmp_path) as removed:
            assert removed == 1
    assert fresh.exists() and not stale.exists()
