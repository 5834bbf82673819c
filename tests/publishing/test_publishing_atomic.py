"""Atomic writes: readers see the old file or the new one, never a part, never a temp file."""

from __future__ import annotations

import os
import stat

import pytest

from postcast.atomic import (
    atomic_output,
    atomic_write_bytes,
    atomic_write_text,
)
from postcast.config import FeedConfig
from postcast.publishing import publish_site


def _visible_and_hidden(folder):
    return sorted(path.name for path in folder.rglob("*") if path.is_file())


def test_write_replaces_the_file_and_leaves_no_temp_file(tmp_path):
    target = tmp_path / "sub" / "feed.xml"
    atomic_write_text(target, "first")
    atomic_write_bytes(target, b"second")
    assert target.read_bytes() == b"second"
    assert _visible_and_hidden(tmp_path) == ["feed.xml"]
    assert stat.S_IMODE(target.stat().st_mode) == 0o644  # readable by the web server


def test_error_inside_the_block_keeps_the_old_file(tmp_path):
    target = tmp_path / "feed.xml"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_output(target) as temp:
        assert temp.parent == target.parent and temp.name.startswith(".")
        temp.write_text("half a fee")
        raise RuntimeError("disk on fire")
    assert target.read_text() == "old"
    assert _visible_and_hidden(tmp_path) == ["feed.xml"]


def test_failed_rename_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "feed.xml"
    target.write_text("old")

    def refuse(source, destination):
        raise OSError("rename refused")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError, match="rename refused"):
        atomic_write_text(target, "new")
    assert target.read_text() == "old"
    assert _visible_and_hidden(tmp_path) == ["feed.xml"]


def test_failure_midway_through_publishing_keeps_the_previous_feed(published, library, monkeypatch):
    site = published["site"]
    before = {path: path.read_bytes() for path in site.rglob("*") if path.is_file()}
    episodes = published["episodes"]
    changed = library.__class__(**{**vars(library), "title": "A New Show Title"})
    real_replace = os.replace
    calls = []

    def fail_on_the_fourth(source, destination):
        calls.append(destination)
        if len(calls) == 4:
            raise OSError("no space left on device")
        real_replace(source, destination)

    monkeypatch.setattr(os, "replace", fail_on_the_fourth)
    with pytest.raises(OSError, match="no space"):
        publish_site(site, changed, [(FeedConfig("main"), episodes)])
    assert len(calls) == 4  # some files were replaced before the failure
    assert (site / "feed.xml").read_bytes() == before[site / "feed.xml"]
    after = {path for path in site.rglob("*") if path.is_file()}
    assert after == set(before)  # no temporary file left behind
    monkeypatch.setattr(os, "replace", real_replace)
    publish_site(site, changed, [(FeedConfig("main"), episodes)])
    assert b"A New Show Title" in (site / "feed.xml").read_bytes()


def test_republishing_the_same_site_rewrites_nothing(published, library):
    site = published["site"]
    stamps = {path: path.stat().st_mtime_ns for path in published["written"]}
    os.utime(site / "feed.xml", ns=(1, 1))
    again = publish_site(site, library, published["feeds"])
    assert set(again) == set(stamps)
    assert (site / "feed.xml").stat().st_mtime_ns == 1  # identical content: left alone


def test_progress_counts_every_file(tmp_path, library, episode_factory):
    reports = []
    written = publish_site(
        tmp_path / "site",
        library,
        [(FeedConfig("main"), [episode_factory(1)])],
        progress=lambda task, done, total: reports.append((task, done, total)),
    )
    assert reports[0] == ("publish", 0, len(written))
    assert reports[-1] == ("publish", len(written), len(written))
    assert [done for _, done, _ in reports] == list(range(len(written) + 1))
