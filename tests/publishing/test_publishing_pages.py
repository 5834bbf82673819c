"""The show page and the episode pages, read back with an HTML parser."""

from __future__ import annotations

import lxml.html
import webvtt


def _page(path):
    return lxml.html.fromstring(path.read_bytes())


def _find(element, tag, css_class=None):
    """Descendants by tag and class (the test avoids needing the cssselect package)."""
    if css_class is None:
        return element.xpath(f".//{tag}")
    has_class = f"contains(concat(' ', normalize-space(@class), ' '), ' {css_class} ')"
    return element.xpath(f".//{tag}[{has_class}]")


def test_show_page_lists_feeds_with_subscribe_links_and_episodes_with_players(published):
    site = published["site"]
    page = _page(site / "index.html")
    feeds = _find(page, "li", "feed")
    assert [_find(f, "a", "feed-title")[0].text for f in feeds] == [
        "The Nonlinear Library",
        "LessWrong daily",
    ]
    assert [_find(f, "a", "feed-title")[0].get("href") for f in feeds] == [
        "feed.xml",
        "feeds/lw-daily.xml",
    ]
    codes = [_find(f, "code")[0].text for f in feeds]
    assert codes == [
        "https://podcast.example.org/library/feed.xml",
        "https://podcast.example.org/library/feeds/lw-daily.xml",
    ]
    alternates = page.xpath("//link[@rel='alternate']/@href")
    assert alternates == codes
    articles = _find(page, "article", "episode")
    newest_first = sorted(published["episodes"], key=lambda e: e.pub_date, reverse=True)
    assert [_find(a, "h3/a")[0].text for a in articles] == [e.title for e in newest_first]
    for article, episode in zip(articles, newest_first, strict=True):
        assert _find(article, "audio")[0].get("src") == episode.audio_file
        assert (site / _find(article, "h3/a")[0].get("href")).is_file()


def test_episode_page_has_player_chapters_transcript_and_notes(published):
    site = published["site"]
    episode = published["episodes"][0]
    page = _page(site / "episodes" / "post1-lw.html")
    player = page.get_element_by_id("player")
    assert (site / "episodes" / player.get("src")).resolve() == (
        site / episode.audio_file
    ).resolve()
    chapters = _find(page, "a", "chapter")
    assert [float(c.get("data-start")) for c in chapters] == [c.start for c in episode.chapters]
    assert chapters[1].text_content().split(" ", 1)[1] == "Main part <b>&</b>"  # text, not markup
    captions = webvtt.read(str(site / episode.transcript_files["text/vtt"]))
    cues = _find(page, "p", "cue")
    assert len(cues) == len(captions)
    for cue, caption in zip(cues, captions, strict=True):
        assert float(cue.get("data-start")) == caption.start_time.in_milliseconds() / 1000
    assert "the <first> part" in cues[0].text_content()
    assert "--> with an arrow" in cues[1].text_content()
    notes = _find(page, "section", "notes")[0]
    first_link = _find(notes, "a")[0]
    assert first_link.get("href") == episode.post.url
    assert "First paragraph of post 1." in notes.text_content()
    assert not page.xpath("//section[@class='notes']//script")
    assert not page.xpath("//@onclick")
    assert page.xpath("//script/@src") == ["../assets/player.js"]
    assert (site / "assets" / "player.js").is_file()


def test_episode_page_links_its_side_files(published):
    site = published["site"]
    page = _page(site / "episodes" / "post2-lw.html")
    links = {a.text: a.get("href") for a in _find(page, "p[@class='downloads']/a")}
    assert links["Transcript (WebVTT)"] == "../episodes/post2-lw.vtt"
    assert links["Chapters (JSON)"] == "../episodes/post2-lw.chapters.json"
    for href in links.values():
        assert (site / "episodes" / href).resolve().is_file()
