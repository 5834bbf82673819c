"""Feed channels: main, per forum, daily/weekly winners, top lists and tag channels."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from postcast.config import Config, FeedConfig, SourceConfig
from postcast.errors import ConfigError
from postcast.models import Episode, Post
from postcast.selection import (
    DEFAULT_TOP_LIMIT,
    default_feeds,
    episode_identity,
    episodes_for_feed,
    feed_config_hash,
    item_guid,
)

# Wednesday 4 June 2025; the ISO week runs Monday 2 to Sunday 8 June.
WEDNESDAY = datetime(2025, 6, 4, 9, 0, tzinfo=UTC)
FORUMS = {"LW": "LessWrong", "EA": "The Effective Altruism Forum", "AF": "The AI Alignment Forum"}


def make_episode(
    post_id: str, when: datetime, karma: int, code: str = "LW", **post_changes: object
) -> Episode:
    post = Post(
        source={"LW": "lesswrong", "EA": "eaforum", "AF": "alignmentforum"}[code],
        post_id=post_id,
        title=f"Post {post_id}",
        authors=("Mira Okafor",),
        posted_at=when - timedelta(hours=3),
        url=f"https://example.org/posts/{post_id}",
        html="<p>Body</p>",
        forum_code=code,
        forum_name=FORUMS[code],
        karma=karma,
        af=code == "AF",
    )
    post = dataclasses.replace(post, **post_changes)  # type: ignore[arg-type]
    guid, code = episode_identity(post)
    return Episode(
        guid=guid,
        title=f"{code} - {post.title} by Mira Okafor",
        post=post,
        pub_date=when,
        audio_file=f"episodes/{guid}.mp3",
        audio_size=1000,
        duration=60.0,
    )


def guids(episodes: list[Episode]) -> list[str]:
    return [e.post.post_id for e in episodes]


def forum_config(*codes: str) -> Config:
    sources = [
        SourceConfig(name=code.lower(), kind="forummagnum", code=code, forum_name=FORUMS[code])
        for code in codes
    ]
    return Config(sources=sources)


def test_default_feeds_cover_main_each_forum_and_tags() -> None:
    feeds = {feed.name: feed for feed in default_feeds(forum_config("LW", "EA"))}
    for stem in ("lw", "ea", "af"):  # a LessWrong source also yields AF episodes
        for suffix, kind in (("", "all"), ("-daily", "daily"), ("-weekly", "weekly")):
            assert feeds[stem + suffix].kind == kind
        assert (feeds[f"{stem}-top"].kind, feeds[f"{stem}-top"].limit) == ("top", 400)
    assert feeds["main"].forum_codes == [] and feeds["main"].sources == []
    assert feeds["ea-daily"].forum_codes == ["EA"]
    assert feeds["lw-weekly"].title == "The Nonlinear Library: LessWrong Weekly"
    assert "Global health & development" in feeds["global-health"].tags
    assert DEFAULT_TOP_LIMIT == 400


def test_declared_feeds_replace_the_defaults() -> None:
    config = forum_config("LW")
    config.feeds = [FeedConfig(name="main"), FeedConfig(name="ai", tags=["AI"])]
    assert [feed.name for feed in default_feeds(config)] == ["main", "ai"]
    assert [feed.name for feed in default_feeds(Config())] == ["main"]


def test_main_feed_lists_everything_newest_first() -> None:
    episodes = [
        make_episode("old", WEDNESDAY - timedelta(days=3), 90),
        make_episode("new", WEDNESDAY, 31, code="EA"),
        make_episode("mid", WEDNESDAY - timedelta(days=1), 300, code="AF"),
        make_episode("future", WEDNESDAY + timedelta(days=1), 300),
    ]
    assert guids(episodes_for_feed(FeedConfig(name="main"), episodes, WEDNESDAY)) == [
        "new", "mid", "old",
    ]  # fmt: skip


def test_forum_feed_filters_by_episode_code() -> None:
    lw_only = make_episode("lwpost", WEDNESDAY, 50)
    listed_on_af = make_episode("afpost", WEDNESDAY, 50, af=True, af_karma=9)
    episodes = [lw_only, listed_on_af]
    lw_feed = FeedConfig(name="lw", forum_codes=["LW"])
    af_feed = FeedConfig(name="af", forum_codes=["af"])
    assert guids(episodes_for_feed(lw_feed, episodes, WEDNESDAY)) == ["lwpost"]
    assert guids(episodes_for_feed(af_feed, episodes, WEDNESDAY)) == ["afpost"]
    by_source = FeedConfig(name="src", sources=["eaforum"])
    assert episodes_for_feed(by_source, episodes, WEDNESDAY) == []


def test_top_feed_is_most_upvoted_first_with_limit() -> None:
    episodes = [
        make_episode(f"p{karma}", WEDNESDAY - timedelta(days=karma), karma)
        for karma in (12, 400, 75, 230, 31)
    ]
    top3 = FeedConfig(name="lw-top", forum_codes=["LW"], kind="top", limit=3)
    assert guids(episodes_for_feed(top3, episodes, WEDNESDAY)) == ["p400", "p230", "p75"]


def test_daily_feed_lists_one_winner_per_closed_utc_day() -> None:
    monday = datetime(2025, 6, 2, tzinfo=UTC)
    episodes = [
        make_episode("mon-low", monday + timedelta(hours=1), 40),
        make_episode("mon-high", monday + timedelta(hours=23, minutes=59), 95),
        make_episode("tue-only", monday + timedelta(days=1, hours=8), 31),
        make_episode("wed-high", monday + timedelta(days=2, hours=2), 300),
        make_episode("wed-ea", monday + timedelta(days=2, hours=3), 999, code="EA"),
    ]
    daily = FeedConfig(name="lw-daily", forum_codes=["LW"], kind="daily")
    wednesday_noon = monday + timedelta(days=2, hours=12)
    # Wednesday is still running: its winner is not announced yet.
    assert guids(episodes_for_feed(daily, episodes, wednesday_noon)) == ["tue-only", "mon-high"]
    # Once Wednesday ends the feed grows by exactly one item; earlier items stay.
    thursday = monday + timedelta(days=3)
    assert guids(episodes_for_feed(daily, episodes, thursday)) == [
        "wed-high", "tue-only", "mon-high",
    ]  # fmt: skip


def test_daily_tie_goes_to_the_post_that_qualified_first() -> None:
    day = datetime(2025, 6, 2, tzinfo=UTC)
    episodes = [
        make_episode("later", day + timedelta(hours=9), 80),
        make_episode("earlier", day + timedelta(hours=3), 80),
    ]
    daily = FeedConfig(name="lw-daily", kind="daily")
    assert guids(episodes_for_feed(daily, episodes, day + timedelta(days=1))) == ["earlier"]


def test_weekly_feed_uses_iso_weeks() -> None:
    sunday_late = datetime(2025, 6, 8, 23, 30, tzinfo=UTC)  # last minutes of ISO week 23
    monday_early = datetime(2025, 6, 9, 0, 30, tzinfo=UTC)  # first minutes of week 24
    episodes = [
        make_episode("w23-small", datetime(2025, 6, 2, 10, tzinfo=UTC), 35),
        make_episode("w23-big", sunday_late, 120),
        make_episode("w24-bigger", monday_early, 500),
    ]
    weekly = FeedConfig(name="lw-weekly", forum_codes=["LW"], kind="weekly")
    assert guids(episodes_for_feed(weekly, episodes, monday_early)) == ["w23-big"]
    after_week_24 = datetime(2025, 6, 16, tzinfo=UTC)
    assert guids(episodes_for_feed(weekly, episodes, after_week_24)) == ["w24-bigger", "w23-big"]


def test_af_feeds_rank_by_af_karma() -> None:
    day = datetime(2025, 6, 2, tzinfo=UTC)
    episodes = [
        make_episode("popular-on-lw", day + timedelta(hours=1), 300, code="AF", af_karma=5),
        make_episode("af-favourite", day + timedelta(hours=2), 40, code="AF", af_karma=60),
    ]
    af_daily = FeedConfig(name="af-daily", forum_codes=["AF"], kind="daily")
    assert guids(episodes_for_feed(af_daily, episodes, day + timedelta(days=1))) == ["af-favourite"]
    main_top = FeedConfig(name="top", kind="top")
    assert guids(episodes_for_feed(main_top, episodes, day + timedelta(days=1)))[0] == (
        "popular-on-lw"
    )


def test_tag_feeds_match_tag_names_loosely() -> None:
    health = make_episode(
        "health", WEDNESDAY, 50, code="EA", tags=("Global Health and Development",)
    )
    ai = make_episode("ai", WEDNESDAY, 50, tags=("AI", "Interpretability (ML & AI)"))
    untagged = make_episode("none", WEDNESDAY, 50)
    feed = FeedConfig(name="global-health", tags=["Global health & development"])
    assert guids(episodes_for_feed(feed, [health, ai, untagged], WEDNESDAY)) == ["health"]
    ai_feed = next(f for f in default_feeds(forum_config("LW")) if f.name == "ai-safety")
    assert guids(episodes_for_feed(ai_feed, [health, ai, untagged], WEDNESDAY)) == ["ai"]


def test_item_guids_name_periodic_feeds_only() -> None:
    daily = FeedConfig(name="lw-daily", kind="daily")
    assert item_guid(daily, "abc_LW") == "abc_LW-daily"
    assert item_guid(FeedConfig(name="lw"), "abc_LW") == "abc_LW"
    assert item_guid(FeedConfig(name="lw-top", kind="top"), "abc_LW") == "abc_LW"


def test_unknown_kind_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="monthly"):
        episodes_for_feed(FeedConfig(name="x", kind="monthly"), [], WEDNESDAY)


def test_config_hash_follows_the_settings() -> None:
    feed = FeedConfig(name="lw-top", kind="top", limit=400)
    assert feed_config_hash(feed) == feed_config_hash(dataclasses.replace(feed))
    assert feed_config_hash(feed) != feed_config_hash(dataclasses.replace(feed, limit=100))
