"""LocalStore specifics and choosing a backend from a storage URL."""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import pytest

from postcast.errors import InputError
from postcast.objectstore import BACKENDS, Store, open_store
from postcast.objectstore.local import LocalStore
from postcast.objectstore.registry import backend_class


def test_layout_is_the_site_folder(tmp_path: Path) -> None:
    store = open_store(tmp_path / "site")
    store.put_bytes("feed.xml", b"<rss/>")
    store.put_bytes("episodes/1.mp3", b"ID3")
    assert (tmp_path / "site" / "feed.xml").read_bytes() == b"<rss/>"
    assert (tmp_path / "site" / "episodes" / "1.mp3").read_bytes() == b"ID3"


def test_published_files_are_world_readable(tmp_path: Path) -> None:
    store = LocalStore(tmp_path)
    store.put_bytes("feed.xml", b"<rss/>")
    assert stat.S_IMODE((tmp_path / "feed.xml").stat().st_mode) == 0o644


def test_listing_skips_hidden_temporaries(tmp_path: Path) -> None:
    store = LocalStore(tmp_path)
    store.put_bytes("episodes/1.mp3", b"ID3")
    (tmp_path / "episodes" / ".1.mp3.abc.tmp").write_bytes(b"half")
    (tmp_path / ".cache").mkdir()
    (tmp_path / ".cache" / "x.wav").write_bytes(b"RIFF")
    assert store.list() == ["episodes/1.mp3"]


@pytest.mark.parametrize("form", ["path", "string", "file-url"])
def test_open_store_on_a_folder(tmp_path: Path, form: str) -> None:
    spec: str | Path = {
        "path": tmp_path,
        "string": str(tmp_path),
        "file-url": f"file://{tmp_path}",
    }[form]
    store = open_store(spec)
    assert isinstance(store, LocalStore) and store.root == tmp_path


def test_unknown_scheme_names_the_url() -> None:
    with pytest.raises(InputError, match=r"^gs://bucket/show: unknown storage scheme 'gs'"):
        open_store("gs://bucket/show")


def test_registry_maps_every_scheme_to_a_store() -> None:
    assert set(BACKENDS) == {"file", "s3"}
    for scheme in BACKENDS:
        assert issubclass(backend_class(scheme), Store)
        assert backend_class(scheme).scheme == scheme


def test_sweep_removes_only_stale_temporaries_in_every_folder(tmp_path: Path) -> None:
    store = LocalStore(tmp_path)
    store.put_bytes("episodes/1.mp3", b"ID3")
    stale = tmp_path / "episodes" / ".1.mp3.killed_1.tmp"
    fresh = tmp_path / ".feed.xml.writing1.tmp"
    for temporary in (stale, fresh):
        temporary.write_bytes(b"half")
    an_hour_ago = time.time() - 3700
    os.utime(stale, (an_hour_ago, an_hour_ago))
    assert store.remove_stale_temporaries(older_than=3600) == 1
    assert not stale.exists() and fresh.exists()
    assert store.list() == ["episodes/1.mp3"]
