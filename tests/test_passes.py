"""A pass over a local library (real espeak voice, LAME, SQLite): edits found by content,
one episode's failure isolated, leftovers of killed runs and superseded audio cleared."""

from __future__ import annotations

import dataclasses
import fcntl
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import feedparser
import pytest

from postcast import pipeline
from postcast.config import Config, LibraryConfig, SourceConfig, SpeechConfig
from postcast.leftovers import LOCK_NAME
from postcast.storage import open_library

HOUR = 3600.0


def _write_post(folder: Path, name: str, body: str, date: str = "2025-03-01") -> Path:
    """A post long enough to be eligible (250 characters): `body` said over and over."""
    path = folder / f"{name}.md"
    text = " ".join([body] * (300 // len(body) + 1))
    path.write_text(f"---\ntitle: {name.title()}\nauthor: Ada\ndate: {date}\n---\n\n{text}\n")
    return path


def _config(tmp_path: Path, **library: Any) -> Config:
    posts = tmp_path / "posts"
    posts.mkdir(exist_ok=True)
    return Config(
        library=LibraryConfig(
            base_url="https://pod.example.org/",
            site_dir=str(tmp_path / "site"),
            database=f"sqlite:///{tmp_path / 'library.sqlite3'}",
            **library,
        ),
        sources=[SourceConfig(name="drafts", kind="local", path=str(posts))],
        speech=SpeechConfig(engine="espeak", cache_dir=str(tmp_path / "cache")),
        base_dir=tmp_path,
    )


def _enclosures(site: Path) -> dict[str, str]:
    feed = feedparser.parse((site / "feed.xml").read_bytes())
    return {entry.id: entry.enclosures[0].href for entry in feed.entries}


def test_an_edit_that_keeps_the_date_is_re_rendered_under_the_same_guid(tmp_path: Path) -> None:
    config = _config(tmp_path)
    post = _write_post(tmp_path / "posts", "lighthouse", "The keeper wrote one line a day.")
    assert len(pipeline.run_pass(config).rendered) == 1
    before = _enclosures(tmp_path / "site")

    _write_post(tmp_path / "posts", "lighthouse", "The keeper wrote two lines a day.")
    os.utime(post, (time.time() + 5, time.time() + 5))  # a new mtime, as an editor makes
    report = pipeline.run_pass(config)
    assert len(report.rendered) == 1 and not report.failed
    after = _enclosures(tmp_path / "site")
    assert after.keys() == before.keys()  # the same GUID
    (guid,) = after
    assert after[guid] != before[guid]  # new audio under a new enclosure URL
    vtt = next((tmp_path / "site" / "episodes").glob("*.vtt"), None)
    assert vtt is not None
    transcripts = [p.read_text() for p in (tmp_path / "site" / "episodes").glob("*.vtt")]
    assert any("two lines" in text for text in transcripts)


def test_any_exception_fails_one_episode_and_the_pass_publishes_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = _config(tmp_path)
    _write_post(tmp_path / "posts", "healthy", "This one renders.")
    _write_post(tmp_path / "posts", "broken", "This one meets a bug.")
    real = pipeline.render_post

    def buggy(post: Any, *args: Any, **kwargs: Any) -> Any:
        if post.title == "Broken":
            raise ZeroDivisionError("division by zero")
        return real(post, *args, **kwargs)

    monkeypatch.setattr(pipeline, "render_post", buggy)
    report = pipeline.run_pass(config)
    assert len(report.rendered) == 1 and len(report.failed) == 1
    guid, error = report.failed[0]
    assert error == "ZeroDivisionError: division by zero"
    assert f"episode {guid} failed: ZeroDivisionError" in report.summary()
    assert [e.title for e in feedparser.parse(tmp_path / "site" / "feed.xml").entries] == [
        "Healthy by Ada"
    ]
    with open_library(config.library.database) as library:
        record = library.episode(guid)
    assert record is not None and record.last_error == error and record.failures == 1


def _temporaries(site: Path) -> dict[str, Path]:
    return {
        "atomic feed": site / "feeds" / ".lw.xml.a1b2c3d4.tmp",
        "atomic page": site / "episodes" / ".x-1.html.zz99_k2q.tmp",
        "atomic vtt": site / "episodes" / ".x-1.vtt.q8w7e6r5.tmp",
        "atomic root": site / ".feed.xml.abcdefgh.tmp",
        "render scratch": site / "episodes" / ".postcast-k3j4h5g6.mp3",
    }


def test_the_next_pass_clears_every_temporary_a_killed_run_left(tmp_path: Path) -> None:
    config = _config(tmp_path)
    _write_post(tmp_path / "posts", "harbour", "Boats came in at dawn.")
    site, cache = tmp_path / "site", tmp_path / "cache"
    leftovers = [*_temporaries(site).values(), cache / "speech" / "ab" / ".tmp-a1b2c3d4.flac"]
    ours_not = [site / "episodes" / ".notes.txt", site / ".well-known", cache / "keep.tmp"]
    for path in [*leftovers, *ours_not]:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"half")  # just written: a killed run a moment ago
    report = pipeline.run_pass(config)
    assert [p for p in leftovers if p.exists()] == []
    assert all(p.exists() for p in ours_not)  # only names we make are ever removed
    assert report.removed_files >= len(leftovers)


def test_a_live_writer_keeps_its_fresh_temporaries(tmp_path: Path) -> None:
    config = _config(tmp_path)
    _write_post(tmp_path / "posts", "harbour", "Boats came in at dawn.")
    site = tmp_path / "site"
    fresh, stale = _temporaries(site)["atomic vtt"], _temporaries(site)["render scratch"]
    for path in (fresh, stale):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"half")
    os.utime(stale, (time.time() - 2 * HOUR, time.time() - 2 * HOUR))
    with open(site / LOCK_NAME, "a") as other_writer:  # another pass is writing right now
        fcntl.flock(other_writer, fcntl.LOCK_SH)
        pipeline.run_pass(config)
    assert fresh.exists() and not stale.exists()


def test_superseded_audio_goes_after_its_grace_period(tmp_path: Path) -> None:
    config = _config(tmp_path, superseded_grace_hours=1.0)
    post = _write_post(tmp_path / "posts", "orchard", "Apples in the first week.")
    episodes = tmp_path / "site" / "episodes"
    pipeline.run_pass(config)
    first = {p.name for p in episodes.iterdir()}
    assert any(name.endswith(".mp3") for name in first)

    _write_post(tmp_path / "posts", "orchard", "Pears in the second week.")
    os.utime(post, (time.time() + 5, time.time() + 5))
    pipeline.run_pass(config)
    second = {p.name for p in episodes.iterdir()}
    assert first < second  # in its grace period, the old audio stays for old feeds

    config = _config(tmp_path, superseded_grace_hours=0.0)
    for path in episodes.iterdir():  # the old files were written before the grace began
        os.utime(path, (time.time() - 60, time.time() - 60))
    pipeline.run_pass(config)
    left = {p.name for p in episodes.iterdir()}
    assert left == second - first and len(left) == len(first)
    (href,) = _enclosures(tmp_path / "site").values()
    assert href.rsplit("/", 1)[1] in left


def test_render_clears_its_own_scratch_files_beside_the_output(tmp_path: Path) -> None:
    from postcast.sources.files import load_post_file

    out = tmp_path / "out"
    out.mkdir()
    killed = out / ".postcast-a1b2c3d4.mp3"
    unrelated = out / ".postcast-notes"
    killed.write_bytes(b"half")
    unrelated.write_bytes(b"mine")
    cached = tmp_path / "cache" / "mastered" / "ab" / ".tmp-a1b2c3d4.mp3"
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"half")
    post = load_post_file(_write_post(tmp_path, "bridge", "A short crossing."))
    config = _config(tmp_path)
    pipeline.render_post(post, config, out / "bridge.mp3")
    assert sorted(p.name for p in out.iterdir()) == [".postcast-notes", "bridge.mp3"]
    assert not cached.exists()


def test_two_passes_at_once_render_each_episode_once(tmp_path: Path, database: str) -> None:
    """Two real `postcast run --once` processes on one library: every episode is rendered
    by exactly one of them, and the site ends complete."""
    posts = tmp_path / "posts"
    posts.mkdir()
    for number in range(4):
        _write_post(posts, f"post-{number}", f"Post {number} tells of the harbour at dawn.")
    config = tmp_path / "postcast.toml"
    config.write_text(
        f'[library]\nsite_dir = "site"\ndatabase = "{database}"\n'
        '[[sources]]\nname = "drafts"\nkind = "local"\npath = "posts"\n'
        '[speech]\nengine = "espeak"\ncache_dir = "cache"\n'
    )
    command = [sys.executable, "-m", "postcast", "run", "--once", "--config", str(config)]
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    passes = [
        subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env=environment)
        for _ in range(2)
    ]
    summaries = [process.communicate(timeout=600)[1] for process in passes]
    assert [process.returncode for process in passes] == [0, 0], summaries
    rendered = [int(re.search(r"(\d+) rendered", text).group(1)) for text in summaries]  # type: ignore[union-attr]
    assert sum(rendered) == 4, summaries  # not 8: nothing rendered twice
    assert len(_enclosures(tmp_path / "site")) == 4
    assert len(list((tmp_path / "site" / "episodes").glob("*.mp3"))) == 4


def test_a_pass_skips_an_episode_another_pass_is_rendering(tmp_path: Path) -> None:
    from postcast.selection import episode_identity
    from postcast.sources.files import load_post_file

    config = _config(tmp_path)
    busy = _write_post(tmp_path / "posts", "busy", "Another pass is rendering this one.")
    _write_post(tmp_path / "posts", "free", "Nobody is rendering this one yet.")
    guid = episode_identity(dataclasses.replace(load_post_file(busy), source="drafts"))[0]
    with open_library(config.library.database) as library:
        assert library.lock_episode(guid, "another-machine:1:elsewhere000")
    report = pipeline.run_pass(config)
    assert report.skipped == [guid] and len(report.rendered) == 1
    assert "1 episodes left to another pass" in report.summary()


def test_a_post_with_characters_xml_forbids_is_published_without_them(tmp_path: Path) -> None:
    # One such title used to stop every feed being written (lxml refuses the string).
    import random
    from datetime import UTC, datetime, timedelta

    from tests.fakes.forummagnum_server import FakeForum, make_post

    users = [{"_id": "u1", "displayName": "Ada\x00 Example", "username": "ada", "slug": "ada"}]
    post = make_post(
        random.Random(5), datetime.now(UTC) - timedelta(hours=5), "https://lesswrong.com", users
    )
    post.update(baseScore=50, isEvent=False, question=False, draft=None, af=False)
    post["title"] = "Tabs\x0band \ud800surrogates\ufffe"  # the JSON carries them escaped
    post["contents"]["html"] = "<p>One\x0ctwo \ud83dthree.</p>" + post["contents"]["html"]
    with FakeForum(posts=[post]) as forum:
        source = SourceConfig(
            name="lesswrong", kind="forummagnum", url=forum.url, code="LW",
            forum_name="LessWrong", karma_threshold=30, request_interval=0.0,
        )  # fmt: skip
        report = pipeline.run_pass(dataclasses.replace(_config(tmp_path), sources=[source]))
    assert not report.failed and not report.source_errors and len(report.rendered) == 1
    feed = feedparser.parse((tmp_path / "site" / "feed.xml").read_bytes())
    assert not feed.bozo
    (entry,) = feed.entries
    assert entry.title == "LW - Tabs and surrogates by Ada Example"
    (transcript,) = (tmp_path / "site" / "episodes").glob("*.vtt")
    assert "One two three." in " ".join(transcript.read_text().split())


def _forum_posts(count: int) -> list[dict[str, Any]]:
    import random
    from datetime import UTC, datetime, timedelta

    from tests.fakes.forummagnum_server import make_post

    users = [
        {"_id": f"u{n}", "displayName": "Ada Example", "username": "ada", "slug": "ada"}
        for n in range(2)  # `make_post` draws up to two co-authors
    ]
    posts = []
    for hour in range(count):
        when = datetime.now(UTC) - timedelta(hours=5 + hour)
        post = make_post(random.Random(hour), when, "https://lesswrong.com", users)
        post.update(baseScore=50, isEvent=False, question=False, draft=None, af=False)
        post.update(user=users[0], coauthors=[], fmCrosspost={"isCrosspost": False})
        posts.append(post)
    return posts


def _forum_pass(tmp_path: Path, posts: list[dict[str, Any]]) -> Any:
    from tests.fakes.forummagnum_server import FakeForum

    with FakeForum(posts=posts) as forum:
        source = SourceConfig(
            name="lesswrong", kind="forummagnum", url=forum.url, code="LW",
            forum_name="LessWrong", karma_threshold=30, request_interval=0.0,
        )  # fmt: skip
        return pipeline.run_pass(dataclasses.replace(_config(tmp_path), sources=[source]))


def test_a_post_the_source_cannot_read_is_reported_and_the_rest_published(
    tmp_path: Path,
) -> None:
    # It used to fail its whole source, on every run: the cursor could not pass it.
    posts = _forum_posts(2)
    posts[0]["title"] = None
    report = _forum_pass(tmp_path, posts)
    assert not report.source_errors and len(report.rendered) == 1
    problem = f"post {posts[0]['_id']}: post object lacks title"
    assert report.skipped_posts == [("lesswrong", problem)]
    assert f"source lesswrong skipped {problem}" in report.summary()
    (status,) = open_library(_config(tmp_path).library.database).source_statuses()
    assert status.last_error == f"skipped {problem}" and status.healthy
    (entry,) = feedparser.parse((tmp_path / "site" / "feed.xml").read_bytes()).entries
    assert entry.title == f"LW - {posts[1]['title']} by Ada Example"


def test_a_fetch_of_mostly_unreadable_posts_fails_its_source(tmp_path: Path) -> None:
    posts = _forum_posts(6)
    for post in posts[1:]:
        post["title"] = ""  # as if the API had changed its shape
    report = _forum_pass(tmp_path, posts)
    ((name, error),) = report.source_errors
    assert name == "lesswrong"
    first = r"\(the first, post \w+: post object lacks title\)"
    assert re.search(rf"5 of 6 posts could not be read {first}", error)
    assert len(report.skipped_posts) == 5
