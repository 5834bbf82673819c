"""Publish the site: feeds, cover art, show page and episode pages, all written atomically.

Everything is rendered in memory first, so a failure (a missing MP3, bad cover art) leaves
the published site untouched. Files are then written in dependency order, art and pages
before feeds, so a feed never names a file that is not there yet. The site is a folder
or any store (`postcast.objectstore`): the same files under the same keys.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from PIL import Image

from postcast.config import FeedConfig, LibraryConfig
from postcast.errors import InputError
from postcast.models import Episode
from postcast.objectstore import Store
from postcast.objectstore.local import LocalStore
from postcast.progress import Progress, no_progress
from postcast.publishing.art import MAX_ART_SIZE, MIN_ART_SIZE, cover_art
from postcast.publishing.feed import (
    Channel,
    audio_length,
    episode_page_path,
    newest_first,
    render_feed,
    site_url,
)
from postcast.publishing.pages import (
    ASSETS,
    FeedLink,
    asset_bytes,
    render_episode_page,
    render_index,
)

MAIN_FEED = "main"
_FEED_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")


def feed_path(name: str) -> str:
    """Where a feed lives in the site: "main" is feed.xml, others feeds/NAME.xml."""
    if not _FEED_NAME.fullmatch(name):
        raise InputError(f"feed {name!r}", "feed name must be letters, digits, '_' or '-'")
    return "feed.xml" if name == MAIN_FEED else f"feeds/{name}.xml"


def _feed_title(library: LibraryConfig, feed: FeedConfig) -> str:
    if feed.title:
        return feed.title
    return library.title if feed.name == MAIN_FEED else f"{library.title} ({feed.name})"


@lru_cache(maxsize=64)  # a long-running service republishes often; art depends on title only
def _generated_art(title: str, subtitle: str) -> bytes:
    return cover_art(title, subtitle)


def configured_art(path: Path) -> tuple[bytes, str]:
    """A configured image as (bytes, suffix): kept as is when Apple accepts it, else re-encoded.

    It must be square; JPEG and PNG in RGB at 1400..3000 px pass through unchanged.
    """
    try:
        data = path.read_bytes()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            width, height, kind, mode = image.width, image.height, image.format, image.mode
            if width != height:
                raise InputError(path, f"cover art must be square, got {width}x{height} px")
            if MIN_ART_SIZE <= width <= MAX_ART_SIZE and mode == "RGB" and kind in {"JPEG", "PNG"}:
                return data, ".jpg" if kind == "JPEG" else ".png"
            side = min(max(width, MIN_ART_SIZE), MAX_ART_SIZE)
            converted = image.convert("RGB").resize((side, side), Image.Resampling.LANCZOS)
    except OSError as error:  # includes Pillow's UnidentifiedImageError
        raise InputError(path, f"cannot read cover art ({error})") from error
    output = io.BytesIO()
    converted.save(output, "JPEG", quality=90)
    return output.getvalue(), ".jpg"


def _art(library: LibraryConfig, feed: FeedConfig) -> tuple[str, bytes]:
    image = feed.image or (library.image if feed.name == MAIN_FEED else None)
    if image:
        data, suffix = configured_art(Path(image).expanduser())
        return f"art/{feed.name}{suffix}", data
    title = _feed_title(library, feed)
    subtitle = "" if title.startswith(library.title) else library.title
    return f"art/{feed.name}.jpg", _generated_art(title, subtitle)


def _unique_episodes(feeds: Sequence[tuple[FeedConfig, Sequence[Episode]]]) -> list[Episode]:
    """Each audio file once (a post in several feeds has one page), newest first."""
    seen: dict[str, Episode] = {}
    for _, episodes in feeds:
        for episode in episodes:
            seen.setdefault(episode.audio_file, episode)
    return newest_first(list(seen.values()))


def _render(
    site: Store,
    library: LibraryConfig,
    feeds: Sequence[tuple[FeedConfig, Sequence[Episode]]],
) -> dict[str, bytes]:
    """Every file of the site, by path relative to the site folder, in writing order."""
    unique = _unique_episodes(feeds)
    # Each audio file's size once, though the episode is in several feeds (a HEAD on S3).
    lengths = {episode.audio_file: audio_length(site, episode) for episode in unique}
    art_files: dict[str, bytes] = {}
    feed_files: dict[str, bytes] = {}
    links: list[FeedLink] = []
    for feed, episodes in feeds:
        path = feed_path(feed.name)
        art_path, art_data = _art(library, feed)
        art_files[art_path] = art_data
        channel = Channel(
            title=_feed_title(library, feed),
            description=feed.description or library.description,
            feed_url=site_url(library.base_url, path),
            image_url=site_url(library.base_url, art_path),
            library=library,
        )
        feed_files[path] = render_feed(site, channel, episodes, lengths=lengths)
        links.append(
            FeedLink(
                channel.title, feed.description, channel.feed_url, path, art_path, len(episodes)
            )
        )
    # The show page uses the main feed's art, made even when no feed is named "main".
    main = next((feed for feed, _ in feeds if feed.name == MAIN_FEED), FeedConfig(MAIN_FEED))
    show_art, show_art_data = _art(library, main)
    art_files.setdefault(show_art, show_art_data)
    pages: dict[str, bytes] = {}
    for episode in unique:
        html = render_episode_page(site, library, show_art, links, episode)
        pages[episode_page_path(episode)] = html.encode("utf-8")
    pages["index.html"] = render_index(library, show_art, links, unique).encode("utf-8")
    assets = {f"assets/{name}": asset_bytes(name) for name in ASSETS}
    return assets | art_files | pages | feed_files


def publish_site(
    site_dir: Path,
    library: LibraryConfig,
    feeds: Sequence[tuple[FeedConfig, Sequence[Episode]]],
    *,
    progress: Progress = no_progress,
) -> list[Path]:
    """Write the feeds, their art, the show page and the episode pages under `site_dir`.

    The feed named "main" becomes `feed.xml`, others `feeds/<name>.xml`. Returns the path
    of every file the site now has from this call (unchanged files are left untouched).
    Reports progress as task "publish", in files.
    """
    site_dir = Path(site_dir)
    keys = publish_to_store(LocalStore(site_dir), library, feeds, progress=progress)
    return [site_dir / key for key in keys]


def publish_to_store(
    store: Store,
    library: LibraryConfig,
    feeds: Sequence[tuple[FeedConfig, Sequence[Episode]]],
    *,
    progress: Progress = no_progress,
) -> list[str]:
    """`publish_site` into any store; returns the key of every file published.

    The episodes' audio, transcripts and chapters must be in the store already: their
    sizes and texts are read from it. Each file is replaced atomically, feeds last.
    """
    names = [feed.name for feed, _ in feeds]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise InputError("feeds", f"duplicate feed name(s): {', '.join(duplicates)}")
    files = _render(store, library, feeds)
    published = []
    progress("publish", 0, len(files))
    for key, data in files.items():
        # Rewriting an identical file would only change its ETag and make apps download again.
        if not store.holds(key, data):
            store.publish_bytes(key, data)
        published.append(key)
        progress("publish", len(published), len(files))
    return published
