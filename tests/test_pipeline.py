"""Issue-level behaviour of the automatic library: forums in, feeds out, pass after pass.

Real parts throughout (SQLite, espeak-ng voice, LAME, the feed writer); the forums are
local servers answering in the exact shape of the ForumMagnum API."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import feedparser
import pytest

from postcast import pipeline
from postcast.config import Config, LibraryConfig, SourceConfig, SpeechConfig
from postcast.errors import SpeechError
from tests.fakes.forummagnum_server import FakeForum, api_date, article_page, make_post

pytestmark = pytest.mark.slow
NOW = datetime.now(UTC)


def _post(rng: random.Random, site: str, title: str, karma: int, **changes: Any) -> dict[str, Any]:
    users = [{"_id": "u1", "displayName": "Ada Example", "username": "ada", "slug": "ada"}]
    post = make_post(rng, NOW - timedelta(days=1, hours=len(title)), site, users)
    sentence = "Sentence {} of a post called {}, long enough to read."
    body = " ".join(sentence.format(n, title) for n in range(6))
    post.update(
        title=title,
        baseScore=karma,
        af=False,
        afBaseScore=None,
        question=False,
        isEvent=False,
        draft=None,
        user=users[0],
        coauthors=[],
        modifiedAt=None,
        contents={"html": f"<p>{body}</p>", "markdown": body, "wordCount": 66},
        fmCrosspost={"isCrosspost": False},
    )
    post.update(changes)
    return post


@pytest.fixture
def forums() -> Iterator[tuple[FakeForum, FakeForum, FakeForum]]:
    rng = random.Random(7)
    lw_site, ea_site = "https://www.lesswrong.com", "https://forum.effectivealtruism.org"
    shared = _post(rng, lw_site, "Shared with the Alignment Forum", 60, af=True, afBaseScore=20)
    hosted = _post(rng, lw_site, "Hosted on LessWrong", 80)
    copy = _post(rng, ea_site, "Hosted on LessWrong", 40)
    hosted["fmCrosspost"] = {"isCrosspost": True, "hostedHere": True, "foreignPostId": copy["_id"]}
    copy["fmCrosspost"] = {"isCrosspost": True, "hostedHere": False, "foreignPostId": hosted["_id"]}
    lw_posts = [
        hosted,
        shared,
        _post(rng, lw_site, "Below the threshold", 10),
        _post(rng, lw_site, "A meetup", 90, isEvent=True),
        _post(rng, lw_site, "Written by a deleted account", 35, user=None),
    ]
    with (
        FakeForum(posts=lw_posts) as lw,
        FakeForum(posts=[shared]) as af,
        FakeForum(posts=[copy], title="EA Forum") as ea,
    ):
        yield lw, af, ea


def _config(tmp_path: Path, lw: FakeForum, af: FakeForum, ea: FakeForum) -> Config:
    def forum(name: str, fake: FakeForum, code: str, title: str, **more: Any) -> SourceConfig:
        return SourceConfig(
            name=name, kind="forummagnum", url=fake.url, code=code, forum_name=title,
            karma_threshold=30, request_interval=0.0, max_retries=1, timeout=5.0, **more,
        )  # fmt: skip

    return Config(
        library=LibraryConfig(
            base_url="https://pod.example.org/",
            site_dir=str(tmp_path / "site"),
            database=f"sqlite:///{tmp_path / 'library.sqlite3'}",
        ),
        sources=[
            forum("lesswrong", lw, "LW", "LessWrong"),
            forum("alignmentforum", af, "AF", "The AI Alignment Forum", af=True),
            forum("eaforum", ea, "EA", "The Effective Altruism Forum"),
        ],
        speech=SpeechConfig(engine="espeak", cache_dir=str(tmp_path / "cache")),
        base_dir=tmp_path,
    )


def _titles(site: Path, feed: str = "feed.xml") -> list[str]:
    return [entry.title for entry in feedparser.parse((site / feed).read_bytes()).entries]


def test_forums_to_feeds_one_episode_per_post(tmp_path: Path, forums: Any) -> None:
    lw, af, ea = forums
    config = _config(tmp_path, lw, af, ea)
    report = pipeline.run_pass(config)
    assert not report.source_errors and not report.failed
    site = tmp_path / "site"
    assert sorted(_titles(site)) == [
        "AF - Shared with the Alignment Forum by Ada Example",
        "LW - Hosted on LessWrong by Ada Example",
        "LW - Written by a deleted account by Anonymous",
    ]
    assert _titles(site, "feeds/af.xml") == ["AF - Shared with the Alignment Forum by Ada Example"]
    guids = [e.id for e in feedparser.parse((site / "feed.xml").read_bytes()).entries]
    assert len(set(guids)) == 3

    mtimes = {p: p.stat().st_mtime_ns for p in site.rglob("*.mp3")}
    again = pipeline.run_pass(config)
    assert again.rendered == [] and again.new_episodes == 0
    assert {p: p.stat().st_mtime_ns for p in site.rglob("*.mp3")} == mtimes
    assert [e.id for e in feedparser.parse((site / "feed.xml").read_bytes()).entries] == guids


def test_karma_rise_and_edit(tmp_path: Path, forums: Any) -> None:
    lw, af, ea = forums
    config = _config(tmp_path, lw, af, ea)
    pipeline.run_pass(config)
    site = tmp_path / "site"
    before = {e.id: e.enclosures[0].href for e in feedparser.parse(site / "feed.xml").entries}

    rising = next(p for p in lw.posts if p["title"] == "Below the threshold")
    rising["baseScore"] = 45
    edited = next(p for p in lw.posts if p["title"] == "Hosted on LessWrong")
    edited["modifiedAt"] = api_date(NOW)
    added = "<p>An added paragraph with a new thought in it.</p>"
    edited["contents"] = {**edited["contents"], "html": edited["contents"]["html"] + added}

    report = pipeline.run_pass(config)
    assert report.new_episodes == 1 and len(report.rendered) == 2
    after = {e.id: e.enclosures[0].href for e in feedparser.parse(site / "feed.xml").entries}
    assert set(before) < set(after)  # the edited episode kept its GUID
    edited_guid = next(g for g in before if g.startswith(edited["_id"]))
    assert after[edited_guid] != before[edited_guid]  # new audio, new enclosure URL
    for href in before.values():  # nothing published is lost
        assert (site / href.removeprefix("https://pod.example.org/")).is_file()


def test_failing_source_and_failing_render_lose_nothing(
    tmp_path: Path, forums: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    lw, af, ea = forums
    config = _config(tmp_path, lw, af, ea)
    af.fail_next(10, status=500)
    real_render = pipeline.render_post

    def flaky(post: Any, *args: Any, **kwargs: Any) -> Any:
        if post.title == "Written by a deleted account":
            raise SpeechError("the voice broke")
        return real_render(post, *args, **kwargs)

    monkeypatch.setattr(pipeline, "render_post", flaky)
    report = pipeline.run_pass(config)
    assert [name for name, _ in report.source_errors] == ["alignmentforum"]
    assert [guid for guid, _ in report.failed] and "voice broke" in report.failed[0][1]
    site = tmp_path / "site"
    assert len(_titles(site)) == 2  # the AF post still came through LessWrong's listing

    monkeypatch.setattr(pipeline, "render_post", real_render)
    af.faults.clear()
    report = pipeline.run_pass(config)
    assert not report.source_errors and len(report.rendered) == 1
    assert len(_titles(site)) == 3


def test_archive_backfill_fills_top_feeds_in_the_past(tmp_path: Path) -> None:
    rng = random.Random(11)
    site_url = "https://www.lesswrong.com"

    def classic(n: int, karma: int) -> dict[str, Any]:
        posted = api_date(NOW - timedelta(days=700 + n))
        return _post(rng, site_url, f"Classic number {n}", karma, postedAt=posted)

    old = [classic(n, karma) for n, karma in enumerate((250, 400, 320, 90))]
    recent = _post(rng, site_url, "Fresh this week", 220)
    with FakeForum(posts=[*old, recent]) as forum:
        config = _config(tmp_path, forum, forum, forum)
        config.sources = [
            replace(config.sources[0], name="lesswrong"),
            replace(config.sources[0], name="lesswrong-archive", archive=True,
                    karma_threshold=200, backfill_days=1000),
        ]  # fmt: skip
        report = pipeline.run_pass(config)
    assert not report.source_errors and not report.failed
    site = tmp_path / "site"
    top = feedparser.parse((site / "feeds" / "lw-top.xml").read_bytes()).entries
    assert sorted(e.title.split(" by ")[0] for e in top) == [
        "LW - Classic number 0",  # karma 250
        "LW - Classic number 1",  # 400
        "LW - Classic number 2",  # 320; number 3 (90) is under the archive's threshold
        "LW - Fresh this week",
    ]
    main = feedparser.parse((site / "feed.xml").read_bytes()).entries
    assert main[0].title.startswith("LW - Fresh this week")  # the backfill sits in the past
    classic = next(e for e in main if e.title.startswith("LW - Classic number 1"))
    posted = next(p for p in old if p["title"] == "Classic number 1")["postedAt"]
    assert classic.published_parsed[:6] == datetime.fromisoformat(posted).utctimetuple()[:6]


def test_add_url_publishes_one_article_once(tmp_path: Path) -> None:
    paragraphs = [
        f"Paragraph {n} explains how the lighthouse keeper kept his records in order." * 2
        for n in range(5)
    ]
    page = article_page("Notes from a lighthouse", "Grace Keeper", "2025-04-03", paragraphs)
    with FakeForum() as server:
        server.add_page("/essays/lighthouse", page)
        config = _config(tmp_path, server, server, server)
        config.sources = []
        config.library.allow_private_addresses = True  # the "article" is served locally
        url = server.url + "/essays/lighthouse"
        first = pipeline.add_url(config, url)
        again = pipeline.add_url(config, url)
    assert len(first.rendered) == 1 and again.rendered == [] and again.new_episodes == 0
    site = tmp_path / "site"
    assert _titles(site) == ["Notes from a lighthouse by Grace Keeper"]
    entry = feedparser.parse((site / "feed.xml").read_bytes()).entries[0]
    assert entry.link == url
