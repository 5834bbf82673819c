"""RSS 2.0 podcast feeds with the itunes, podcast (Podcasting 2.0), atom and content namespaces.

Built as an lxml tree, so every value is escaped by the serialiser, never by hand.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path, PurePosixPath
from urllib.parse import quote, urljoin

from lxml import etree

from postcast.config import LibraryConfig
from postcast.errors import ObjectMissingError, PublishError
from postcast.links import web_link
from postcast.models import Episode
from postcast.objectstore import Store, as_store
from postcast.publishing.extras import CHAPTERS_TYPE, SRT_TYPE, VTT_TYPE
from postcast.publishing.notes import MAX_NOTES_BYTES, feed_content_html, feed_description

ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST = "https://podcastindex.org/namespace/1.0"
ATOM = "http://www.w3.org/2005/Atom"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
NAMESPACES = {"itunes": ITUNES, "podcast": PODCAST, "atom": ATOM, "content": CONTENT}
PODCAST_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
CAPTION_TYPES = frozenset({VTT_TYPE, SRT_TYPE})  # timed text a player can show as captions


def podcast_guid(feed_url: str) -> str:
    """Podcasting 2.0 `podcast:guid`: UUIDv5 of the feed URL without scheme or trailing slash."""
    bare = re.sub(r"^[A-Za-z][A-Za-z0-9+.-]*://", "", feed_url.strip()).rstrip("/")
    return str(uuid.uuid5(PODCAST_GUID_NAMESPACE, bare))


def site_url(base_url: str, relative: str) -> str:
    """Absolute URL of a file under the site folder (path segments percent-encoded)."""
    base = base_url if base_url.endswith("/") else base_url + "/"
    return urljoin(base, quote(PurePosixPath(relative).as_posix()))


def episode_stem(episode: Episode) -> str:
    return PurePosixPath(episode.audio_file).stem


def episode_page_path(episode: Episode) -> str:
    return page_for_audio(episode.audio_file)


def page_for_audio(audio_file: str) -> str:
    """The episode page published beside the audio file `audio_file` (both site keys)."""
    return f"episodes/{PurePosixPath(audio_file).stem}.html"


def as_utc(moment: datetime) -> datetime:
    """Naive datetimes are taken as UTC (the models store UTC)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def rfc2822(moment: datetime) -> str:
    return format_datetime(as_utc(moment))


def truncate_bytes(text: str, limit: int = MAX_NOTES_BYTES) -> str:
    """Cut plain text to `limit` UTF-8 bytes at a word boundary, ending in "…"."""
    if len(text.encode("utf-8")) <= limit:
        return text
    cut = text.encode("utf-8")[: limit - len("…".encode())].decode("utf-8", "ignore")
    return cut.rsplit(" ", 1)[0].rstrip(",;:.- ") + "…"


@dataclass(frozen=True)
class Channel:
    """What a feed says about itself; URLs are absolute."""

    title: str
    description: str
    feed_url: str
    image_url: str
    library: LibraryConfig


def _sub(
    parent: etree._Element, tag: str, value: str | None = None, **attrs: str
) -> etree._Element:
    prefix, _, local = tag.rpartition(":")
    name = f"{{{NAMESPACES[prefix]}}}{local}" if prefix else local
    element = etree.SubElement(parent, name, attrs)
    if value is not None:
        element.text = value
    return element


def _category(channel_element: etree._Element, category: str) -> None:
    """One Apple category, "Parent > Child" for a subcategory."""
    parent, _, child = (part.strip() for part in category.partition(">"))
    element = _sub(channel_element, "itunes:category", text=parent)
    if child:
        _sub(element, "itunes:category", text=child)


def _channel(rss: etree._Element, channel: Channel, newest: datetime) -> etree._Element:
    library = channel.library
    element = _sub(rss, "channel")
    _sub(element, "title", channel.title)
    _sub(element, "description", truncate_bytes(channel.description))
    _sub(element, "link", library.link)
    _sub(element, "language", library.language)
    _sub(element, "generator", "postcast")
    _sub(element, "lastBuildDate", rfc2822(newest))
    _sub(element, "pubDate", rfc2822(newest))
    _sub(element, "atom:link", href=channel.feed_url, rel="self", type="application/rss+xml")
    image = _sub(element, "image")
    _sub(image, "url", channel.image_url)
    _sub(image, "title", channel.title)
    _sub(image, "link", library.link)
    _sub(element, "itunes:image", href=channel.image_url)
    _category(element, library.category)
    _sub(element, "itunes:explicit", "true" if library.explicit else "false")
    _sub(element, "itunes:author", library.author)
    owner = _sub(element, "itunes:owner")
    _sub(owner, "itunes:name", library.owner_name)
    _sub(owner, "itunes:email", library.owner_email)
    _sub(element, "itunes:type", "episodic")
    _sub(element, "podcast:guid", podcast_guid(channel.feed_url))
    # "no": the feed may move to another host; the owner e-mail proves who may move it.
    _sub(element, "podcast:locked", "no", owner=library.owner_email)
    return element


def audio_length(site: Path | Store, episode: Episode) -> int:
    """The enclosure length: the byte size of the file as served, read from the store."""
    store = as_store(site)
    try:
        return store.size(episode.audio_file)
    except ObjectMissingError as error:
        where = store.location(episode.audio_file)
        raise PublishError(f"episode {episode.guid}: audio file {where} is missing") from error


def _item(parent: etree._Element, channel: Channel, episode: Episode, length: int) -> None:
    base, post = channel.library.base_url, episode.post
    item = _sub(parent, "item")
    _sub(item, "title", episode.title)
    # Only a web link is published; else the episode page (a post from a file has no URL).
    _sub(item, "link", web_link(post.url) or site_url(base, episode_page_path(episode)))
    _sub(item, "guid", episode.guid, isPermaLink="false")
    _sub(item, "pubDate", rfc2822(episode.pub_date))
    _sub(item, "description").text = etree.CDATA(feed_description(post))
    _sub(item, "content:encoded").text = etree.CDATA(feed_content_html(post))
    _sub(
        item,
        "enclosure",
        url=site_url(base, episode.audio_file),
        length=str(length),
        type="audio/mpeg",
    )
    _sub(item, "itunes:duration", str(round(episode.duration)))
    _sub(item, "itunes:image", href=channel.image_url)
    _sub(item, "itunes:author", ", ".join(post.authors) or channel.library.author)
    _sub(item, "itunes:explicit", "true" if channel.library.explicit else "false")
    _sub(item, "itunes:episodeType", "full")
    # WebVTT first: apps that take the first transcript they can read get the best one.
    for mime, relative in sorted(episode.transcript_files.items(), key=_transcript_order):
        extra = {"rel": "captions"} if mime in CAPTION_TYPES else {}
        url = site_url(base, relative)
        _sub(
            item,
            "podcast:transcript",
            url=url,
            type=mime,
            language=channel.library.language,
            **extra,
        )
    if episode.chapters_file:
        _sub(
            item, "podcast:chapters", url=site_url(base, episode.chapters_file), type=CHAPTERS_TYPE
        )
    for author in post.authors:
        # The Podcast Taxonomy's writing/author: "has written prose ... originally intended
        # for text that is now being read verbatim on air" -- exactly a narrated post.
        _sub(item, "podcast:person", author, group="writing", role="author")


def _transcript_order(entry: tuple[str, str]) -> tuple[int, str]:
    return (entry[0] != VTT_TYPE, entry[0])


def newest_first(episodes: Sequence[Episode]) -> list[Episode]:
    return sorted(episodes, key=lambda e: (as_utc(e.pub_date), e.guid), reverse=True)


def render_feed(
    site: Path | Store,
    channel: Channel,
    episodes: Sequence[Episode],
    now: datetime | None = None,
    lengths: Mapping[str, int] | None = None,
) -> bytes:
    """The feed document: newest episode first, lastBuildDate = newest episode (or `now`).

    Enclosure lengths are the audio files' sizes in `site` (a folder or a store), unless
    `lengths` (by audio file) already has them.
    """
    store = as_store(site)
    known = lengths or {}
    ordered = newest_first(episodes)
    newest = ordered[0].pub_date if ordered else (now or datetime.now(UTC))
    rss = etree.Element("rss", {"version": "2.0"}, nsmap=NAMESPACES)
    element = _channel(rss, channel, newest)
    for episode in ordered:
        length = known.get(episode.audio_file)
        if length is None:
            length = audio_length(store, episode)
        _item(element, channel, episode, length)
    return etree.tostring(rss, xml_declaration=True, encoding="UTF-8", pretty_print=True)
