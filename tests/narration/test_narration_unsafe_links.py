"""A Markdown `javascript:` (or `data:`, `file:`) link is never read aloud as a site,
nor as raw Markdown, nor kept as a link in the HTML that is published."""

from __future__ import annotations

from datetime import UTC, datetime

from postcast.config import LibraryConfig, NarrationConfig
from postcast.models import Post
from postcast.narration import narrate
from postcast.narration.markdown import markdown_to_html

BODY = (
    "See <javascript:alert(1)>, [javascript:alert(1)](javascript:alert(1)), "
    "[this page](javascript:alert(document.cookie)), [a picture](data:text/html;base64,PHNj), "
    "[my notes](file:///home/operator/notes.md), <https://www.example.org/essay> "
    "and [the footnote](#fn1)."
)


def _spoken(markdown: str) -> str:
    post = Post(
        source="local", post_id="p", title="Links", authors=("Ada",),
        posted_at=datetime(2025, 3, 1, tzinfo=UTC), url="", html=markdown_to_html(markdown),
        markdown=markdown,
    )  # fmt: skip
    body = narrate(post, LibraryConfig(), NarrationConfig()).lines()[1:-1]
    return " ".join(body)


def test_unsafe_links_are_not_spoken() -> None:
    spoken = _spoken(BODY)
    assert "javascript" not in spoken.lower() and "alert" not in spoken
    assert "[" not in spoken and "](" not in spoken  # no raw Markdown read out
    assert "this page" in spoken and "my notes" in spoken  # the words of a link stay
    assert "example dot org" in spoken and "the footnote" in spoken


def test_unsafe_links_leave_no_href() -> None:
    html = markdown_to_html(BODY)
    for scheme in ("javascript:", "data:", "file:"):
        assert f'href="{scheme}' not in html
    assert 'href="https://www.example.org/essay"' in html and 'href="#fn1"' in html
