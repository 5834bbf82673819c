"""RSS and Atom feeds (feedparser), including the forums' own `/feed.xml`."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import feedparser

from postcast.config import SourceConfig
from postcast.errors import ConfigError, SourceError
from postcast.links import web_link
from postcast.models import Post
from postcast.progress import Progress
from postcast.sources.base import Source, State

SEEN_LIMIT = 1000  # guids remembered; a feed shows far fewer items than this

# ForumMagnum wraps each body as "Published on DATE<br/><br/>BODY<br/><br/><a ...>Discuss</a>".
# The wrapper is generated, fixed text, so two anchored patterns remove it exactly.
FORUM_PREFIX = re.compile(r"\A\s*Published on [^<]{1,80}?<br\s*/?>\s*<br\s*/?>\s*")
FORUM_DISCUSS = re.compile(
    r"(?:\s*<br\s*/?>)*\s*<a\s[^>]*href=\"[^\"]*#comments\"[^>]*>\s*Discuss\s*</a>\s*\Z"
)


def _entry_date(entry: Any) -> datetime | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    return datetime(*parsed[:6]).replace(tzinfo=UTC) if parsed else None


def _entry_html(entry: Any) -> str:
    contents = entry.get("content") or []
    html_parts = [c for c in contents if "html" in (c.get("type") or "")] or contents
    html = html_parts[0].get("value", "") if html_parts else entry.get("summary", "")
    return FORUM_DISCUSS.sub("", FORUM_PREFIX.sub("", html))


def _entry_authors(entry: Any) -> tuple[str, ...]:
    names = [author.get("name", "") for author in entry.get("authors") or []]
    if not any(names) and entry.get("author"):
        names = [entry["author"]]
    return tuple(dict.fromkeys(name.strip() for name in names if name and name.strip()))


class RssSource(Source):
    """Items of one feed, oldest first, each once (remembered by guid)."""

    kind = "rss"

    def __init__(self, config: SourceConfig, *args: Any, **kwargs: Any) -> None:
        super().__init__(config, *args, **kwargs)
        if not config.url:
            raise ConfigError(f"source {config.name!r}", "url is required (the feed's address)")

    def fetch(self, state: State, progress: Progress) -> Iterator[tuple[Post, State]]:
        with self.polite_client() as client:
            response = client.request("GET", self.config.url)
        feed = feedparser.parse(
            response.content,
            sanitize_html=False,  # keep footnote and maths markup for the narrator
            response_headers={
                "content-location": str(response.url),
                "content-type": response.headers.get("content-type", "application/xml"),
            },
        )
        if not feed.entries and (feed.bozo or not feed.get("version")):
            problem = feed.get("bozo_exception") or "no RSS or Atom items"
            raise SourceError(self.name, f"{self.config.url} is not a feed: {problem}")
        forum_name = self.config.forum_name or feed.feed.get("title", "")
        seen = list(state.get("seen", []))
        # What each item narrated when last yielded: an edit that keeps the item's date
        # changes it, and the item is yielded again (a state saved before digests were
        # kept has none: its items count as unchanged).
        digests: dict[str, str] = dict(state.get("digests", {}))
        last = state.get("last_date", "")
        entries = sorted(feed.entries, key=lambda e: _entry_date(e) or datetime.now(UTC))
        for done, entry in enumerate(entries, 1):
            progress(f"{self.name}: items", done, len(entries))
            try:
                post = self.post_from_entry(entry, forum_name)
            except SourceError as error:  # one unreadable item must not stop the feed
                self.skip(f"item {done} of {len(entries)}", error.problem)
                continue
            digest = post.content_digest
            if post.post_id in seen and digests.setdefault(post.post_id, digest) == digest:
                continue
            if post.post_id not in seen:
                seen = [*seen, post.post_id][-SEEN_LIMIT:]
            digests = {key: digests[key] for key in seen if key in digests}
            digests[post.post_id] = digest
            last = max(last, post.posted_at.isoformat())
            yield post, {"seen": list(seen), "digests": dict(digests), "last_date": last}
        state.update(seen=seen, digests=digests, last_date=last)

    def post_from_entry(self, entry: Any, forum_name: str) -> Post:
        link = entry.get("link", "")
        guid = entry.get("id") or link or entry.get("title", "")
        if not guid:
            raise SourceError(self.name, "a feed item has no guid, link or title")
        return Post(
            source=self.name,
            post_id=guid,
            title=(entry.get("title") or link or guid).strip(),
            authors=_entry_authors(entry),
            posted_at=_entry_date(entry) or datetime.now(UTC),
            url=web_link(link),
            html=_entry_html(entry),
            forum_code=self.config.code,
            forum_name=forum_name,
            tags=tuple(tag.get("term", "") for tag in entry.get("tags") or [] if tag.get("term")),
        )
