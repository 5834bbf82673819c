"""The RSS/Atom source and the URL source, served by the local fake forum."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from postcast.config import SourceConfig
from postcast.errors import InputError, SourceError
from postcast.sources.polite import Pacer
from postcast.sources.registry import create_source
from postcast.sources.url import fetch_article
from tests.fakes.forummagnum_server import (
    FakeForum,
    ManualClock,
    api_date,
    article_page,
    generate_posts,
)

NOW = datetime(2025, 6, 8, tzinfo=UTC)

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Slow Thoughts</title><id>urn:uuid:slow</id><updated>2025-05-02T10:00:00Z</updated>
  <entry>
    <title>Second entry</title><id>tag:slow.example,2025:2</id>
    <link href="https://slow.example/2"/>
    <published>2025-05-02T10:00:00Z</published><updated>2025-05-03T10:00:00Z</updated>
    <author><name>Ann Lee</name></author><author><name>Bo Park</name></author>
    <content type="html"
      >&lt;p&gt;Two &lt;sup class="footnote-ref"&gt;1&lt;/sup&gt;&lt;/p&gt;</content>
  </entry>
  <entry>
    <title>First entry</title><id>tag:slow.example,2025:1</id>
    <link href="https://slow.example/1"/>
    <updated>2025-04-01T08:00:00+02:00</updated>
    <author><name>Ann Lee</name></author>
    <summary type="html">&lt;p&gt;One.&lt;/p&gt;</summary>
  </entry>
</feed>"""


def quiet(task: str, done: float, total: float | None) -> None:
    pass


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client() as client:  # no User-Agent of its own: the sources must add it
        yield client


@pytest.fixture
def pacer() -> Pacer:
    clock = ManualClock()
    return Pacer(clock=clock, sleep=clock.sleep)


def rss_source(url: str, http: httpx.Client, pacer: Pacer, **config: Any) -> Any:
    return create_source(SourceConfig(name="feed", kind="rss", url=url, **config), http, pacer)


def test_forum_feed_items_keep_the_body_without_the_forum_wrapper(http, pacer) -> None:
    posts = generate_posts(40, NOW - timedelta(days=7), NOW, seed=21)
    for post in posts:
        post["draft"], post["isEvent"] = None, False
    with FakeForum(posts=posts) as forum:
        source = rss_source(f"{forum.url}/feed.xml?view=rss&karmaThreshold=30", http, pacer)
        state: dict[str, Any] = {}
        got = [post for post, _ in source.fetch(state, quiet)]
    by_id = {post["_id"]: post for post in posts}
    expected = sorted((p for p in posts if p["baseScore"] >= 30), key=lambda p: p["postedAt"])
    assert [post.post_id for post in got] == [p["_id"] for p in expected[-10:]]
    for post in got:
        raw = by_id[post.post_id]
        assert post.html == raw["contents"]["html"]  # no "Published on", no "Discuss"
        assert post.title == raw["title"] and post.url == raw["pageUrl"]
        assert api_date(post.posted_at)[:19] == raw["postedAt"][:19]
        user = raw["user"]
        assert post.authors == ((user["displayName"],) if user else ())
        assert post.forum_name == "LessWrong"
    assert forum.requests[0].headers["User-Agent"].startswith("postcast/")
    assert forum.requests[0].params == {"view": ["rss"], "karmaThreshold": ["30"]}


def test_feed_items_are_yielded_once(http, pacer) -> None:
    posts = generate_posts(5, NOW - timedelta(days=2), NOW, seed=22)
    for post in posts:
        post["baseScore"], post["draft"], post["isEvent"] = 50, None, False
    with FakeForum(posts=posts) as forum:
        source = rss_source(f"{forum.url}/feed.xml", http, pacer)
        state: dict[str, Any] = {}
        saved = [saved for _, saved in source.fetch(state, quiet)]
        assert state == saved[-1] and len(state["seen"]) == 5  # final state also in place
        assert list(source.fetch(saved[-1], quiet)) == []
        new = generate_posts(1, NOW, NOW + timedelta(hours=1), seed=23)[0]
        new["baseScore"], new["draft"], new["isEvent"] = 50, None, False
        forum.posts.append(new)
        assert [post.post_id for post, _ in source.fetch(state, quiet)] == [new["_id"]]


def test_atom_feed(http, pacer) -> None:
    with FakeForum() as forum:
        forum.add_page("/atom.xml", ATOM, "application/atom+xml")
        got = [
            post
            for post, _ in rss_source(f"{forum.url}/atom.xml", http, pacer, code="SL").fetch(
                {}, quiet
            )
        ]
    assert [post.title for post in got] == ["First entry", "Second entry"]
    first, second = got
    assert first.post_id == "tag:slow.example,2025:1"
    assert first.posted_at == datetime(2025, 4, 1, 6, 0, tzinfo=UTC)
    assert first.html == "<p>One.</p>" and first.authors == ("Ann Lee",)
    assert second.authors == ("Ann Lee", "Bo Park")
    assert second.posted_at == datetime(2025, 5, 2, 10, 0, tzinfo=UTC)
    assert '<sup class="footnote-ref">1</sup>' in second.html  # markup kept for the narrator
    assert second.url == "https://slow.example/2"
    assert (second.forum_name, second.forum_code) == ("Slow Thoughts", "SL")


def test_a_feed_item_with_nothing_to_name_it_is_skipped_not_the_feed(http, pacer) -> None:
    nameless = "<item><description>&lt;p&gt;Who am I?&lt;/p&gt;</description></item>"
    feed = f"""<?xml version="1.0"?><rss version="2.0"><channel><title>Blog</title>
<item><title>Kept</title><link>https://blog.example/kept</link></item>{nameless}
</channel></rss>"""
    with FakeForum() as forum:
        forum.add_page("/blog.rss", feed, "application/rss+xml")
        source = rss_source(f"{forum.url}/blog.rss", http, pacer)
        got = [post.title for post, _ in source.fetch({}, quiet)]
    assert got == ["Kept"]
    assert source.skipped == [("item 2 of 2", "a feed item has no guid, link or title")]


def test_a_page_that_is_not_a_feed_is_a_source_error(http, pacer) -> None:
    with FakeForum() as forum:
        forum.add_page("/blog", "<html><body><p>Hello</p></body></html>")
        with pytest.raises(SourceError, match="is not a feed"):
            list(rss_source(f"{forum.url}/blog", http, pacer).fetch({}, quiet))
        with pytest.raises(SourceError, match="HTTP 404"):
            list(rss_source(f"{forum.url}/missing.xml", http, pacer).fetch({}, quiet))


def test_article_extraction_from_a_realistic_page(http, pacer) -> None:
    paragraphs = [
        "Every spring the river floods the lower town, and every spring the council "
        "meets to decide whether this is the year to build the wall.",
        "This essay follows three of those meetings and asks why a cheap, obvious fix "
        "keeps losing to a slow, expensive one that never arrives.",
        "The answer, it turns out, has less to do with money than with who gets to "
        "speak first, and how long the minutes of a meeting are kept.",
    ]
    page = article_page("The Wall That Never Was", "Rosa Quint", "2025-05-03T10:00:00Z", paragraphs)
    with FakeForum() as forum:
        forum.add_page("/essays/wall", page)
        url = f"{forum.url}/essays/wall"
        post = fetch_article(url, http, pacer=pacer)
    assert post.title == "The Wall That Never Was"
    assert post.authors == ("Rosa Quint",)
    assert post.posted_at.date() == datetime(2025, 5, 3).date()
    assert post.post_id == url and post.url == url
    for paragraph in paragraphs:
        assert paragraph in post.html
    for chrome in ("Archive", "Subscribe", "All rights reserved", "Great post", "Popular"):
        assert chrome not in post.html
    assert forum.requests[0].headers["User-Agent"].startswith("postcast/")


def test_url_source_fetches_its_article_once(http, pacer) -> None:
    page = article_page("Once", "Al Bo", "2025-01-02", ["A paragraph long enough to count. " * 8])
    with FakeForum() as forum:
        forum.add_page("/once", page)
        source = create_source(
            SourceConfig(name="one", kind="url", url=f"{forum.url}/once"), http, pacer
        )
        state: dict[str, Any] = {}
        got = [post for post, _ in source.fetch(state, quiet)]
        assert [post.title for post in got] == ["Once"] and got[0].source == "one"
        assert list(source.fetch(state, quiet)) == []
        assert len(forum.requests) == 1
        # After `recheck_days` it is read again, so an edit of the page is found.
        state["fetched"] = (datetime.now(UTC) - timedelta(days=3.5)).isoformat()
        assert [post.title for post, _ in source.fetch(state, quiet)] == ["Once"]
    assert len(forum.requests) == 2


def test_urls_without_an_article(http, pacer) -> None:
    with FakeForum() as forum:
        forum.add_page("/pic.png", b"\x89PNG\r\n\x1a\n", "image/png")
        forum.add_page("/empty", "<html><body><nav><a href='/'>Home</a></nav></body></html>")
        with pytest.raises(InputError, match="is image/png, not a web page"):
            fetch_article(f"{forum.url}/pic.png", http, pacer=pacer)
        with pytest.raises(InputError, match="no article text"):
            fetch_article(f"{forum.url}/empty", http, pacer=pacer)
        with pytest.raises(SourceError, match="HTTP 404"):
            fetch_article(f"{forum.url}/gone", http, pacer=pacer)


def test_a_feed_item_edited_without_a_new_date_is_yielded_again(http, pacer) -> None:
    posts = generate_posts(3, NOW - timedelta(days=2), NOW, seed=24)
    for post in posts:
        post["baseScore"], post["draft"], post["isEvent"] = 50, None, False
    with FakeForum(posts=posts) as forum:
        source = rss_source(f"{forum.url}/feed.xml", http, pacer)
        state: dict[str, Any] = {}
        assert len(list(source.fetch(state, quiet))) == 3
        edited = posts[1]
        edited["contents"] = {**edited["contents"], "html": "<p>A corrected paragraph.</p>"}
        again = [post for post, _ in source.fetch(state, quiet)]
        assert [post.post_id for post in again] == [edited["_id"]]
        assert "corrected" in again[0].html
        assert list(source.fetch(state, quiet)) == []  # once per edit


def test_a_state_saved_before_digests_yields_nothing_again(http, pacer) -> None:
    posts = generate_posts(2, NOW - timedelta(days=2), NOW, seed=25)
    for post in posts:
        post["baseScore"], post["draft"], post["isEvent"] = 50, None, False
    with FakeForum(posts=posts) as forum:
        source = rss_source(f"{forum.url}/feed.xml", http, pacer)
        state: dict[str, Any] = {}
        list(source.fetch(state, quiet))
        old_state = {"seen": state["seen"], "last_date": state["last_date"]}
        assert list(source.fetch(old_state, quiet)) == []
        posts[0]["contents"] = {**posts[0]["contents"], "html": "<p>Edited after upgrade.</p>"}
        assert [post.post_id for post, _ in source.fetch(old_state, quiet)] == [posts[0]["_id"]]
