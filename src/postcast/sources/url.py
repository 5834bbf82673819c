"""One article from a web page: download politely, extract the text with trafilatura."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import trafilatura
from bs4 import BeautifulSoup

from postcast.config import SourceConfig
from postcast.errors import ConfigError, InputError
from postcast.models import Post
from postcast.progress import Progress
from postcast.sources.base import Source, State
from postcast.sources.files import parse_date
from postcast.sources.polite import SHARED_PACER, Pacer, PoliteClient

MIN_WORDS = 20
WEB_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "application/xml", "text/xml")


def fetch_article(
    url: str,
    http: httpx.Client,
    *,
    source: str = "url",
    interval: float = 3.0,
    timeout: float = 30.0,
    max_retries: int = 3,
    pacer: Pacer | None = None,
) -> Post:
    """The article at `url` as a Post (title, authors, date from the page's metadata).

    `SourceError` when the page cannot be downloaded; `InputError` when it is not a
    web page or holds no article text.
    """
    client = PoliteClient(
        source=source,
        http=http,
        interval=interval,
        timeout=timeout,
        max_retries=max_retries,
        pacer=pacer or SHARED_PACER,
    )
    response = client.request("GET", url)
    content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type and content_type not in WEB_TYPES:
        raise InputError(url, f"is {content_type}, not a web page")
    return article_from_html(response.text, url, source)


def article_from_html(html: str, url: str, source: str = "url") -> Post:
    extracted = trafilatura.extract(
        html,
        url=url,
        output_format="html",
        with_metadata=True,
        include_formatting=True,
        include_links=True,
        include_tables=True,
        include_comments=False,
    )
    if not extracted:
        raise InputError(url, "no article text could be extracted from this page")
    page = BeautifulSoup(extracted, "lxml")
    meta = {
        str(tag["name"]): str(tag.get("content", ""))
        for tag in page.find_all("meta")
        if tag.get("name")
    }
    body = page.body or page
    title = meta.get("title") or url
    heading = body.find("h1")
    if heading and heading.get_text(" ", strip=True) == title:
        heading.decompose()  # the intro announces the title: don't read it twice
    words = len(body.get_text(" ", strip=True).split())
    if words < MIN_WORDS:  # what is left of a page with no article is a menu or a notice
        raise InputError(url, f"no article text on this page (only {words} words found)")
    authors = tuple(a.strip() for a in meta.get("author", "").split(";") if a.strip())
    date = meta.get("date")
    return Post(
        source=source,
        post_id=url,
        title=title,
        authors=authors,
        posted_at=parse_date(date, url) if date else datetime.now(UTC),
        url=url,
        html=body.decode_contents().strip(),
        forum_name=meta.get("sitename", ""),
    )


class UrlSource(Source):
    """A single article (kind `url`): fetched, then read again every `recheck_days`."""

    kind = "url"
    untrusted_urls = True

    def __init__(self, config: SourceConfig, *args: Any, **kwargs: Any) -> None:
        super().__init__(config, *args, **kwargs)
        if not config.url:
            raise ConfigError(f"source {config.name!r}", "url is required (the article's address)")

    def fetch(self, state: State, progress: Progress) -> Iterator[tuple[Post, State]]:
        """The article, on the first run and again every `recheck_days` (the library
        re-renders it only if what it narrates changed)."""
        fetched_at = state.get("fetched")
        if fetched_at:
            age = datetime.now(UTC) - datetime.fromisoformat(str(fetched_at))
            if age < timedelta(days=self.config.recheck_days):
                return
        with self.polite_client() as client:
            post = fetch_article(
                self.config.url,
                client.http,
                source=self.name,
                interval=client.interval,
                timeout=client.timeout,
                max_retries=client.max_retries,
                pacer=client.pacer,
            )
        progress(f"{self.name}: article", 1, 1)
        fetched = {"fetched": datetime.now(UTC).isoformat()}
        state.update(fetched)
        yield post, dict(fetched)
