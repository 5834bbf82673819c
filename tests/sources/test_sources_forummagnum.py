"""The ForumMagnum source against the local fake forum: politeness, paging, resume, faults."""

from __future__ import annotations

import email.utils
import itertools
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from postcast.config import SourceConfig
from postcast.errors import ConfigError, SourceError
from postcast.sources.forummagnum import MAX_OFFSET, PAGE_SIZE, ForumMagnumSource
from postcast.sources.polite import Pacer
from tests.fakes.forummagnum_server import FakeForum, ManualClock, api_date, generate_posts

NOW = datetime(2025, 6, 8, tzinfo=UTC)
WEEK_AGO = NOW - timedelta(days=7)


def quiet(task: str, done: float, total: float | None) -> None:
    pass


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def sent_at(clock: ManualClock) -> list[float]:
    return []  # the injected clock's time at each request the client sent


@pytest.fixture
def http(clock: ManualClock, sent_at: list[float]) -> Iterator[httpx.Client]:
    def record(request: httpx.Request) -> None:
        sent_at.append(clock())

    with httpx.Client(event_hooks={"request": [record]}) as client:
        yield client


def make_source(
    forum: FakeForum, http: httpx.Client, clock: ManualClock, now: datetime = NOW, **config: Any
) -> ForumMagnumSource:
    settings: dict[str, Any] = {"name": "lw", "kind": "forummagnum", "url": forum.url}
    settings |= {"code": "LW", "forum_name": "LessWrong", **config}
    source = ForumMagnumSource(
        SourceConfig(**settings), http, Pacer(clock=clock, sleep=clock.sleep)
    )
    source.now = lambda: now  # type: ignore[method-assign]
    return source


def listable(posts: list[dict[str, Any]], threshold: int = 0) -> set[str]:
    return {
        p["_id"]
        for p in posts
        if not p["draft"]
        and not p["isEvent"]
        and p["baseScore"] >= threshold
        and p["postedAt"] >= api_date(WEEK_AGO)
    }


def test_every_request_is_polite_paced_and_limited(http, clock, sent_at) -> None:
    posts = generate_posts(180, WEEK_AGO, NOW, seed=3)
    with FakeForum(posts=posts) as forum:
        got = [post.post_id for post, _ in make_source(forum, http, clock).fetch({}, quiet)]
    assert sorted(got) == sorted(listable(posts))
    requests = forum.graphql_requests
    assert len(requests) == len(sent_at) >= 4
    for request in requests:
        agent = request.headers["User-Agent"]
        assert agent.startswith("postcast/") and "https://github.com/postcast/postcast" in agent
        assert request.terms["limit"] == PAGE_SIZE
        assert request.terms["excludeEvents"] is True
        assert "af" not in request.terms  # never af: false
        assert "contents" in request.body["query"] and "markdown" in request.body["query"]
    gaps = [later - earlier for earlier, later in itertools.pairwise(sent_at)]
    assert min(gaps) >= 3.0


def test_alignment_forum_sends_af_true_and_threshold(http, clock) -> None:
    posts = generate_posts(300, WEEK_AGO, NOW, seed=4)
    with FakeForum(posts=posts) as forum:
        source = make_source(forum, http, clock, af=True, karma_threshold=30, code="AF")
        got = [post for post, _ in source.fetch({}, quiet)]
    assert got and all(post.af and post.karma is not None and post.karma >= 30 for post in got)
    wanted = {p["_id"] for p in posts if p["af"]} & listable(posts, threshold=30)
    assert {post.post_id for post in got} == wanted
    for request in forum.graphql_requests:
        assert request.terms["af"] is True
        assert request.terms["karmaThreshold"] == 30


def test_two_sources_on_one_host_share_the_interval(http, clock, sent_at) -> None:
    posts = generate_posts(20, WEEK_AGO, NOW, seed=5)
    with FakeForum(posts=posts) as forum:
        pacer = Pacer(clock=clock, sleep=clock.sleep)
        configs = [SourceConfig(name=n, kind="forummagnum", url=forum.url) for n in ("a", "b")]
        for config in configs:
            source = ForumMagnumSource(config, http, pacer)
            source.now = lambda: NOW  # type: ignore[method-assign]
            list(source.fetch({}, quiet))
    assert len(sent_at) == 2
    assert sent_at[1] - sent_at[0] >= 3.0


def test_real_clock_spaces_requests(http) -> None:
    """The real monotonic clock and sleep: every turn is taken at least the interval after
    the one before, as the pacer's own clock saw them (arrival times at the server would
    add the scheduler's jitter on a busy machine, in either direction)."""
    reads: list[float] = []

    def clock() -> float:
        reads.append(time.monotonic())
        return reads[-1]

    posts = generate_posts(120, WEEK_AGO, NOW, seed=6)
    with FakeForum(posts=posts) as forum:
        config = SourceConfig(name="lw", kind="forummagnum", url=forum.url, request_interval=0.2)
        source = ForumMagnumSource(config, http, Pacer(clock=clock))
        source.now = lambda: NOW  # type: ignore[method-assign]
        list(source.fetch({}, quiet))
    taken = reads[1::2]  # each turn reads the clock twice: on asking, and when it is taken
    assert len(taken) == len(forum.graphql_requests) >= 3
    # sleep's deadline is kept to the nanosecond, the clock's float to about a picosecond
    assert min(b - a for a, b in itertools.pairwise(taken)) >= 0.2 - 1e-9


def test_backfill_over_2000_posts_in_a_week_reads_each_once_without_deep_offsets(
    http, clock
) -> None:
    posts = generate_posts(2600, WEEK_AGO, NOW, seed=7)
    with FakeForum(posts=posts) as forum:
        got = [post.post_id for post, _ in make_source(forum, http, clock).fetch({}, quiet)]
    assert len(got) == len(set(got))
    assert set(got) == listable(posts)
    assert len(got) > MAX_OFFSET + PAGE_SIZE
    assert max(request.terms["offset"] for request in forum.graphql_requests) <= MAX_OFFSET
    assert len(forum.graphql_requests) <= len(got) // PAGE_SIZE + 3  # no page read twice


def test_a_block_of_posts_sharing_one_timestamp_is_read_once(http, clock) -> None:
    posts = generate_posts(130, WEEK_AGO, NOW, seed=8)
    for post in posts:
        post["postedAt"], post["draft"], post["isEvent"] = (
            api_date(NOW - timedelta(days=1)),
            None,
            False,
        )
    with FakeForum(posts=posts) as forum:
        got = [post.post_id for post, _ in make_source(forum, http, clock).fetch({}, quiet)]
    assert sorted(got) == sorted(p["_id"] for p in posts)
    assert len(forum.graphql_requests) <= 5  # stepped over by offset, not re-read page by page


def test_resume_after_a_crash_mid_backfill_loses_and_repeats_nothing(http, clock) -> None:
    posts = generate_posts(900, WEEK_AGO, NOW, seed=9)
    saved: dict[str, Any] = {}
    first: list[str] = []
    with FakeForum(posts=posts) as forum:
        with pytest.raises(RuntimeError):
            for post, state in make_source(forum, http, clock).fetch({}, quiet):
                if len(first) == 333:
                    raise RuntimeError("consumer crashed")
                first.append(post.post_id)
                saved = state  # what the caller persisted with the post
        requests_before = len(forum.graphql_requests)
        second = [p.post_id for p, _ in make_source(forum, http, clock).fetch(saved, quiet)]
        resumed_at = forum.graphql_requests[requests_before].terms["after"]
    assert not set(first) & set(second)
    assert sorted(first + second) == sorted(listable(posts))
    last_saved = next(p for p in posts if p["_id"] == first[-1])
    assert resumed_at == last_saved["postedAt"]


def test_a_failing_forum_keeps_the_state_yielded_so_far(http, clock) -> None:
    posts = generate_posts(200, WEEK_AGO, NOW, seed=10)
    saved: dict[str, Any] = {}
    first: list[str] = []
    with FakeForum(posts=posts) as forum:
        source = make_source(forum, http, clock, max_retries=1)
        with pytest.raises(SourceError, match=r"'lw'.*HTTP 503"):
            for post, state in source.fetch({}, quiet):
                first.append(post.post_id)
                saved = state
                if len(first) == PAGE_SIZE:  # the server breaks while we hold page one
                    forum.fail_next(2, status=503)
        rest = [p.post_id for p, _ in make_source(forum, http, clock).fetch(saved, quiet)]
    assert len(first) == PAGE_SIZE
    assert sorted(first + rest) == sorted(listable(posts))


def test_next_run_rechecks_recent_days_for_karma_edits_and_late_posts(http, clock) -> None:
    posts = generate_posts(60, WEEK_AGO, NOW, seed=11)
    for post in posts:
        post["draft"], post["isEvent"] = None, False
    state: dict[str, Any] = {}
    with FakeForum(posts=posts) as forum:
        list(make_source(forum, http, clock, karma_threshold=30).fetch(state, quiet))
        assert state["cursor"] == api_date(NOW)
        recent = next(p for p in reversed(posts) if p["baseScore"] < 30)
        recent["postedAt"] = api_date(NOW - timedelta(days=1))
        recent["baseScore"], recent["modifiedAt"] = 31, api_date(NOW + timedelta(minutes=5))
        old = next(p for p in posts if p["baseScore"] < 30)
        old["postedAt"], old["baseScore"] = api_date(NOW - timedelta(days=6)), 99
        fresh = generate_posts(1, NOW, NOW + timedelta(hours=1), seed=12)[0]
        fresh["baseScore"], fresh["draft"], fresh["isEvent"] = 50, None, False
        forum.posts.append(fresh)
        later = NOW + timedelta(hours=1)
        second = {
            p.post_id: p
            for p, _ in make_source(forum, http, clock, now=later, karma_threshold=30).fetch(
                state, quiet
            )
        }
    assert recent["_id"] in second and second[recent["_id"]].karma == 31
    assert second[recent["_id"]].modified_at == NOW + timedelta(minutes=5)
    assert fresh["_id"] in second
    assert old["_id"] not in second  # older than the re-check window
    assert all(p.posted_at >= later - timedelta(days=3) for p in second.values())
    assert state == {"cursor": api_date(later), "tie_ids": []}


@pytest.mark.parametrize("retry_after", ["7", "http-date"])
def test_429_waits_as_long_as_retry_after_says(http, clock, retry_after) -> None:
    posts = generate_posts(10, WEEK_AGO, NOW, seed=13)
    if retry_after == "http-date":
        retry_after = email.utils.format_datetime(datetime.now(UTC) + timedelta(seconds=40), True)
    with FakeForum(posts=posts) as forum:
        forum.fail_next(1, status=429, retry_after=retry_after)
        got = list(make_source(forum, http, clock).fetch({}, quiet))
    assert len(got) == len(listable(posts))
    assert len(forum.graphql_requests) == 2
    wanted = 7 if retry_after == "7" else 39
    assert any(wanted - 0.5 <= pause <= wanted + 1 for pause in clock.sleeps), clock.sleeps


def test_500s_are_retried_with_growing_capped_backoff(http, clock) -> None:
    posts = generate_posts(10, WEEK_AGO, NOW, seed=14)
    with FakeForum(posts=posts) as forum:
        forum.fail_next(3, status=500)
        got = list(make_source(forum, http, clock, request_interval=0).fetch({}, quiet))
    assert len(got) == len(listable(posts))
    assert len(forum.graphql_requests) == 4
    backoffs = [pause for pause in clock.sleeps if pause > 0]
    assert len(backoffs) == 3
    for attempt, pause in enumerate(backoffs):
        assert 2.0 * 2**attempt * 0.5 <= pause <= 2.0 * 2**attempt


def test_500s_beyond_max_retries_are_a_source_error(http, clock) -> None:
    with FakeForum(posts=generate_posts(5, WEEK_AGO, NOW)) as forum:
        forum.fail_next(10, status=500)
        with pytest.raises(SourceError, match=r"'lw'.*HTTP 500.*gave up after 3 tries"):
            list(make_source(forum, http, clock, max_retries=2).fetch({}, quiet))
    assert len(forum.graphql_requests) == 3


def test_a_timeout_is_retried(http, clock) -> None:
    posts = generate_posts(10, WEEK_AGO, NOW, seed=15)
    with FakeForum(posts=posts) as forum:
        forum.delay_next(1, seconds=1.0)
        got = list(make_source(forum, http, clock, timeout=0.3).fetch({}, quiet))
    assert len(got) == len(listable(posts))
    assert len(forum.graphql_requests) == 2


def test_malformed_json_is_a_source_error(http, clock) -> None:
    with FakeForum(posts=generate_posts(5, WEEK_AGO, NOW)) as forum:
        forum.malformed_next(1)
        with pytest.raises(SourceError, match=r"'lw'.*malformed JSON"):
            list(make_source(forum, http, clock).fetch({}, quiet))


def test_graphql_errors_in_http_200_are_source_errors(http, clock) -> None:
    with FakeForum(posts=generate_posts(5, WEEK_AGO, NOW)) as forum:
        forum.error_next(1, "Exceeded maximum value for skip")
        with pytest.raises(SourceError, match=r"'lw'.*Exceeded maximum value for skip"):
            list(make_source(forum, http, clock).fetch({}, quiet))
        assert len(forum.graphql_requests) == 1  # an answer, not a glitch: no retry


def test_fetch_post_by_id(http, clock) -> None:
    posts = generate_posts(5, WEEK_AGO, NOW, seed=16)
    with FakeForum(posts=posts) as forum:
        source = make_source(forum, http, clock)
        post = source.fetch_post(posts[2]["_id"])
        missing = source.fetch_post("noSuchPost")
    assert post is not None and post.title == posts[2]["title"] and post.forum_code == "LW"
    assert missing is None
    assert forum.graphql_requests[0].variables == {"id": posts[2]["_id"]}


def test_unsupported_view_and_missing_url_are_config_errors(http) -> None:
    with pytest.raises(ConfigError, match="view 'top'"):
        ForumMagnumSource(SourceConfig(name="lw", kind="forummagnum", url="http://x", view="top"))
    with pytest.raises(ConfigError, match="url is required"):
        ForumMagnumSource(SourceConfig(name="lw", kind="forummagnum"))


def test_a_damaged_state_is_a_source_error_not_a_crash(http, clock) -> None:
    with FakeForum() as forum:
        source = make_source(forum, http, clock)
        with pytest.raises(SourceError, match="saved state is damaged: cursor 'soon'"):
            list(source.fetch({"cursor": "soon"}, quiet))
    assert forum.requests == []


def test_an_unreadable_post_is_skipped_and_reported_and_passed_for_good(http, clock) -> None:
    posts = generate_posts(120, WEEK_AGO, NOW, seed=12)
    listed = [p["_id"] for p in sorted(posts, key=lambda p: (p["postedAt"], p["_id"]))]
    listed = [i for i in listed if i in listable(posts)]
    broken = next(p for p in posts if p["_id"] == listed[60])
    broken["title"] = ""  # a page of the fetch ends past it: it is read mid-walk
    next(p for p in posts if p["_id"] == listed[61])["_id"] = None
    with FakeForum(posts=posts) as forum:
        source = make_source(forum, http, clock)
        saved: dict[str, Any] = {}
        got = [post.post_id for post, _ in source.fetch(saved, quiet)]
        assert sorted(got) == sorted(set(listed) - {broken["_id"], listed[61]})
        assert source.skipped == [
            (f"post {broken['_id']}", "post object lacks title"),
            ("a post without an _id", "post object lacks _id"),
        ]
        # the next run, from the finished fetch's cursor, does not meet them again
        later = NOW + timedelta(hours=1)
        again = make_source(forum, http, clock, now=later, recheck_days=0)
        assert list(again.fetch(saved, quiet)) == [] and again.skipped == []
