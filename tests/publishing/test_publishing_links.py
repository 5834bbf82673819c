"""Only http/https links are ever published: a hostile post URL or a local file's path
never reaches a feed's `<link>`, an episode page or the show notes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import feedparser
import pytest
from publishing_samples import make_post

from postcast.config import FeedConfig, LibraryConfig
from postcast.links import web_link
from postcast.models import Episode
from postcast.publishing import publish_site
from postcast.sources.files import load_post_file

HOSTILE = [
    "javascript:alert(1)",
    " JavaScript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "file:///home/operator/drafts/post.md",
    "//evil.example.org/x",
    "https://",
    "http://[::1",
    "",
]


@pytest.mark.parametrize("url", HOSTILE)
def test_only_web_links_pass(url: str) -> None:
    assert web_link(url) == ""


def test_web_links_pass_unchanged() -> None:
    for url in ("https://www.lesswrong.com/posts/abc/x?y=1#z", "http://example.org"):
        assert web_link(url) == url


@pytest.mark.parametrize("url", ["javascript:alert(1)", "file:///home/operator/drafts/a.md"])
def test_a_hostile_post_url_is_published_nowhere(
    tmp_path: Path,
    library: LibraryConfig,
    episode_factory: Callable[..., Episode],
    url: str,
) -> None:
    episode = episode_factory(1, post=make_post(1, url=url))
    site = tmp_path / "site"
    publish_site(site, library, [(FeedConfig(name="main"), [episode])])
    published = [path.read_text() for path in site.rglob("*") if path.suffix in (".xml", ".html")]
    assert published and not any(url in text for text in published)
    assert not any("javascript:" in text or "file://" in text for text in published)
    (entry,) = feedparser.parse((site / "feed.xml").read_bytes()).entries
    # No link of its own: the item links to its episode page on the site instead.
    assert entry.link.startswith("https://podcast.example.org/library/episodes/")
    assert entry.link.endswith(".html")
    assert "original post" not in next(site.glob("episodes/*.html")).read_text()


def test_local_posts_carry_no_file_url(tmp_path: Path) -> None:
    path = tmp_path / "draft.md"
    path.write_text("---\ntitle: Draft\nurl: javascript:alert(1)\n---\n\nText.\n")
    assert load_post_file(path).url == ""
    path.write_text("---\ntitle: Draft\n---\n\nText.\n")
    assert load_post_file(path).url == ""
    path.write_text("---\ntitle: Draft\nurl: https://blog.example.org/draft\n---\n\nText.\n")
    assert load_post_file(path).url == "https://blog.example.org/draft"
