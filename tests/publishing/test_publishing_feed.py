"""The RSS feeds, read back by two independent podcast feed parsers."""

from __future__ import annotations

import uuid
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urljoin

import feedparser
import podcastparser
import pytest
from lxml import etree
from PIL import Image

from postcast.config import FeedConfig, LibraryConfig
from postcast.errors import InputError, PublishError
from postcast.publishing import podcast_guid, publish_site

ITUNES = "{http://www.itunes.com/dtds/podcast-1.0.dtd}"
PODCAST = "{https://podcastindex.org/namespace/1.0}"
BASE = "https://podcast.example.org/library/"


def _items_by_guid(parsed: dict) -> dict:
    return {episode["guid"]: episode for episode in parsed["episodes"]}


def test_main_feed_items_match_the_episodes_for_podcastparser(published):
    site: Path = published["site"]
    with (site / "feed.xml").open("rb") as handle:
        parsed = podcastparser.parse(BASE + "feed.xml", handle)
    assert parsed["title"] == "The Nonlinear Library"
    assert parsed["cover_url"] == BASE + "art/main.jpg"
    items = _items_by_guid(parsed)
    assert set(items) == {episode.guid for episode in published["episodes"]}
    for episode in published["episodes"]:
        item = items[episode.guid]
        assert item["title"] == episode.title
        assert item["link"] == episode.post.url
        assert item["total_time"] == round(episode.duration)
        assert item["published"] == int(episode.pub_date.timestamp())
        (enclosure,) = item["enclosures"]
        assert enclosure["url"] == BASE + episode.audio_file
        assert enclosure["file_size"] == (site / episode.audio_file).stat().st_size
        assert enclosure["mime_type"] == "audio/mpeg"
        assert item["guid"] == episode.guid
        assert item["description"].startswith(f"Original post on LessWrong: {episode.post.url}")
        assert item["episode_art_url"] == BASE + "art/main.jpg"


def test_main_feed_items_match_the_episodes_for_feedparser(published):
    site: Path = published["site"]
    parsed = feedparser.parse((site / "feed.xml").read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.feed.title == "The Nonlinear Library"
    assert parsed.feed.language == "en"
    entries = {entry.id: entry for entry in parsed.entries}
    for episode in published["episodes"]:
        entry = entries[episode.guid]
        assert entry.title == episode.title
        assert entry.guidislink is False
        assert entry.link == episode.post.url
        assert entry.itunes_duration == str(round(episode.duration))
        assert parsedate_to_datetime(entry.published) == episode.pub_date
        (enclosure,) = entry.enclosures
        assert enclosure.href == BASE + episode.audio_file
        assert int(enclosure.length) == (site / episode.audio_file).stat().st_size
        assert enclosure.type == "audio/mpeg"


def test_items_carry_podcasting_2_links_that_resolve_to_files(published):
    site: Path = published["site"]
    tree = etree.parse(str(site / "feed.xml"))
    items = tree.findall("channel/item")
    assert len(items) == 3
    for item in items:
        transcripts = item.findall(f"{PODCAST}transcript")
        assert [t.get("type") for t in transcripts] == ["text/vtt", "application/x-subrip"]
        assert {t.get("rel") for t in transcripts} == {"captions"}
        assert {t.get("language") for t in transcripts} == {"en"}
        chapters = item.find(f"{PODCAST}chapters")
        assert chapters.get("type") == "application/json+chapters"
        for url in [t.get("url") for t in transcripts] + [chapters.get("url")]:
            assert url.startswith(BASE)
            assert (site / url.removeprefix(BASE)).is_file()
        people = item.findall(f"{PODCAST}person")
        assert [p.text for p in people] == ["Ada Lovelace", "Dan H"]
        assert {(p.get("group"), p.get("role")) for p in people} == {("writing", "author")}


def test_items_are_newest_first(published):
    tree = etree.parse(str(published["site"] / "feed.xml"))
    dates = [parsedate_to_datetime(d.text) for d in tree.findall("channel/item/pubDate")]
    assert dates == sorted(dates, reverse=True)
    newest = max(episode.pub_date for episode in published["episodes"])
    assert parsedate_to_datetime(tree.findtext("channel/lastBuildDate")) == newest


def test_channel_has_what_apple_and_podcastindex_ask_for(published):
    channel = etree.parse(str(published["site"] / "feed.xml")).find("channel")
    assert channel.findtext("language") == "en"
    assert channel.findtext(f"{ITUNES}explicit") == "false"
    assert channel.find(f"{ITUNES}category").get("text") == "Education"
    assert channel.findtext(f"{ITUNES}author") == "postcast"
    assert channel.findtext(f"{ITUNES}owner/{ITUNES}email") == "postcast@example.org"
    assert channel.find(f"{PODCAST}locked").get("owner") == "postcast@example.org"
    self_link = channel.find("{http://www.w3.org/2005/Atom}link")
    assert (self_link.get("rel"), self_link.get("href")) == ("self", BASE + "feed.xml")
    art = channel.find(f"{ITUNES}image").get("href")
    assert art == channel.findtext("image/url") == BASE + "art/main.jpg"
    with Image.open(published["site"] / art.removeprefix(BASE)) as image:
        assert image.format == "JPEG" and image.mode == "RGB"
        assert image.width == image.height and 1400 <= image.width <= 3000
    expected = uuid.uuid5(uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6"), BASE[8:] + "feed.xml")
    assert channel.findtext(f"{PODCAST}guid") == str(expected)


def test_podcast_guid_matches_the_specifications_example():
    # The example given by the Podcasting 2.0 namespace for podcast:guid.
    assert podcast_guid("https://mp3s.nashownotes.com/pc20rss.xml") == (
        "917393e3-1b1e-5cef-ace4-edaa54e1f810"
    )
    assert podcast_guid("http://mp3s.nashownotes.com/pc20rss.xml/") == podcast_guid(
        "https://mp3s.nashownotes.com/pc20rss.xml"
    )


def test_each_feed_has_its_own_title_art_and_episodes(published):
    site: Path = published["site"]
    parsed = feedparser.parse((site / "feeds" / "lw-daily.xml").read_bytes())
    assert parsed.feed.title == "LessWrong daily"
    assert parsed.feed.subtitle == "One a day"
    assert parsed.feed.image.href == BASE + "art/lw-daily.jpg"
    assert [entry.id for entry in parsed.entries] == [published["episodes"][0].guid]
    assert (site / "art" / "lw-daily.jpg").read_bytes() != (site / "art" / "main.jpg").read_bytes()
    channel = etree.parse(str(site / "feeds" / "lw-daily.xml")).find("channel")
    assert channel.findtext(f"{PODCAST}guid") != podcast_guid(BASE + "feed.xml")


def test_category_with_subcategory_and_explicit_show(tmp_path, episode_factory):
    library = LibraryConfig(base_url=BASE, category="Technology > Tech News", explicit=True)
    publish_site(tmp_path / "site", library, [(FeedConfig("main"), [episode_factory(1)])])
    channel = etree.parse(str(tmp_path / "site" / "feed.xml")).find("channel")
    category = channel.find(f"{ITUNES}category")
    assert category.get("text") == "Technology"
    assert category.find(f"{ITUNES}category").get("text") == "Tech News"
    assert channel.findtext(f"{ITUNES}explicit") == "true"


def test_enclosure_length_is_the_file_on_disk_not_the_stored_size(tmp_path, episode_factory):
    from dataclasses import replace

    episode = replace(episode_factory(1), audio_size=1)  # a stale size from the database
    publish_site(tmp_path / "site", LibraryConfig(base_url=BASE), [(FeedConfig("main"), [episode])])
    enclosure = etree.parse(str(tmp_path / "site" / "feed.xml")).find("channel/item/enclosure")
    assert int(enclosure.get("length")) == (tmp_path / "site" / episode.audio_file).stat().st_size


def test_missing_audio_fails_and_leaves_the_published_feed(published, library):
    site: Path = published["site"]
    before = (site / "feed.xml").read_bytes()
    episodes = published["episodes"]
    (site / episodes[1].audio_file).unlink()
    with pytest.raises(PublishError, match=episodes[1].guid):
        publish_site(site, library, [(FeedConfig("main"), episodes)])
    assert (site / "feed.xml").read_bytes() == before


def test_bad_feed_names_are_refused(tmp_path, library):
    with pytest.raises(InputError, match="feed name"):
        publish_site(tmp_path, library, [(FeedConfig("../evil"), [])])
    with pytest.raises(InputError, match="duplicate"):
        publish_site(tmp_path, library, [(FeedConfig("a"), []), (FeedConfig("a"), [])])


def test_urls_in_the_feed_are_absolute_under_base_url(published):
    text = (published["site"] / "feed.xml").read_text(encoding="utf-8")
    tree = etree.fromstring(text.encode())
    for element in tree.iter():
        for name in ("url", "href"):
            value = element.get(name)
            if value and "podcast.example.org" in value:
                assert value == urljoin(BASE, value.removeprefix(BASE))
    assert "http://127.0.0.1" not in text
