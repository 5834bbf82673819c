"""Show notes in feeds: Apple's 4000-byte limits, a link to the original, clean truncation."""

from __future__ import annotations

import html

from lxml import etree
from publishing_samples import make_post

from postcast.config import FeedConfig, LibraryConfig
from postcast.publishing import publish_site
from postcast.publishing.notes import (
    ELLIPSIS,
    MAX_NOTES_BYTES,
    feed_content_html,
    feed_description,
    paragraphs,
    sanitize_html,
    show_notes_html,
)

CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
# Multi-byte text: 3-byte kana and 4-byte emoji make byte and character counts differ a lot.
LONG_PARAGRAPH = " ".join(
    f"長い段落{n} — ünïcödé 🎧 words &amp; &lt;symbols&gt;" for n in range(60)
)


def _long_post():
    html = "".join(
        f"<p>{LONG_PARAGRAPH} paragraph {i}.</p><ul><li>item {i}</li></ul>" for i in range(8)
    )
    return make_post(1, html=html)


def _size(text: str) -> int:
    return len(text.encode("utf-8"))


def test_long_multibyte_post_is_cut_under_4000_bytes_with_links_at_both_ends():
    post = _long_post()
    for notes in (feed_description(post), feed_content_html(post)):
        assert _size(notes) <= MAX_NOTES_BYTES
        assert _size(notes) > MAX_NOTES_BYTES - 600  # uses the room it has
        assert notes.startswith(f'<p>Original post on LessWrong: <a href="{post.url}">')
        assert notes.endswith(
            f'Continue reading on LessWrong: <a href="{post.url}">{post.url}</a></p>'
        )
        assert ELLIPSIS in notes
        etree.fromstring(f"<div>{notes}</div>".encode(), etree.HTMLParser())  # well formed enough


def test_description_is_cut_at_a_word_boundary():
    notes = feed_description(_long_post())
    text = etree.fromstring(notes, etree.HTMLParser()).xpath("string(//body)")
    cut = text.split(ELLIPSIS)[0]
    whole_words = set(html.unescape(LONG_PARAGRAPH).split())
    assert cut.split()[-1] in whole_words  # no word broken in half
    assert not cut.endswith(" ")


def test_short_post_is_kept_whole_with_the_link_again_at_the_end():
    post = make_post(2)
    notes = feed_description(post)
    assert ELLIPSIS not in notes
    assert "First paragraph of post 2." in notes and "Last paragraph." in notes
    assert notes.count(post.url) == 4  # link text and href, at the top and at the end


def test_feed_items_respect_the_limit_in_the_published_xml(tmp_path, episode_factory):
    episode = episode_factory(1, post=_long_post())
    library = LibraryConfig(base_url="https://example.org/", description="Ünïcode " * 800)
    publish_site(tmp_path / "site", library, [(FeedConfig("main"), [episode])])
    channel = etree.parse(str(tmp_path / "site" / "feed.xml")).find("channel")
    assert _size(channel.findtext("description")) <= MAX_NOTES_BYTES
    assert channel.findtext("description").endswith(ELLIPSIS)
    item = channel.find("item")
    assert _size(item.findtext("description")) <= MAX_NOTES_BYTES
    assert _size(item.findtext(CONTENT)) <= MAX_NOTES_BYTES


def test_sanitizer_drops_scripts_and_handlers_and_absolutises_links():
    clean = sanitize_html(
        '<p onclick="x()">Hi <a href="/tag/ai">tag</a><img src="a.png" onerror="y()"></p>'
        "<script>alert(1)</script><style>p{}</style><iframe src='https://evil'></iframe>",
        "https://www.lesswrong.com/posts/abc/slug",
    )
    assert "onclick" not in clean and "onerror" not in clean
    assert "<script" not in clean and "alert" not in clean and "iframe" not in clean
    assert 'href="https://www.lesswrong.com/tag/ai"' in clean
    assert 'src="https://www.lesswrong.com/posts/abc/a.png"' in clean


def test_show_notes_put_the_link_to_the_original_first():
    post = make_post(3)
    notes = show_notes_html(post)
    assert notes.index(post.url) < notes.index("First paragraph")
    assert "<script" not in notes


def test_paragraphs_follow_blocks_not_inline_markup():
    html = "<h2>Head</h2><p>One <em>two</em><br>three</p><ul><li>a</li><li>b <b>c</b></li></ul>"
    assert paragraphs(html) == ["Head", "One twothree", "a", "b c"]


def test_paragraphs_skip_script_and_style_text():
    html = "<p>Kept</p><script>alert(1)</script><style>p { color: red }</style><p>Also</p>"
    assert paragraphs(html) == ["Kept", "Also"]
