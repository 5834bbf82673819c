"""The web pages: a show page listing feeds and episodes, and one page per episode.

Pages link with relative URLs, so the site works from any host and port (and from disk);
only the feed addresses shown for subscribing are absolute.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import jinja2
import webvtt
from markupsafe import Markup

from postcast.config import LibraryConfig
from postcast.errors import ObjectMissingError
from postcast.links import web_link
from postcast.models import Chapter, Episode
from postcast.objectstore import Store, as_store
from postcast.publishing.extras import SRT_TYPE, VTT_TYPE
from postcast.publishing.feed import as_utc, episode_page_path
from postcast.publishing.notes import paragraphs, show_notes_html, site_name

ASSETS = ("style.css", "player.js")  # copied from the templates folder to site/assets/
_FILE_LABELS = {VTT_TYPE: "Transcript (WebVTT)", SRT_TYPE: "Transcript (SRT)"}


@dataclass(frozen=True)
class FeedLink:
    """One feed as the show page lists it."""

    title: str
    description: str
    url: str  # absolute, for podcast apps
    path: str  # relative to the site folder
    art: str  # relative to the site folder
    count: int


def template_environment(*loaders: jinja2.BaseLoader) -> jinja2.Environment:
    """Jinja as every page of ours is rendered. Templates of `loaders` come first, then
    this package's, whose `_page.html` (the head all pages share) theirs extend."""
    ours = jinja2.PackageLoader("postcast.publishing", "templates")
    return jinja2.Environment(
        loader=jinja2.ChoiceLoader([*loaders, ours]),
        autoescape=True,  # every value is text unless wrapped in Markup on purpose
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )


@cache
def _environment() -> jinja2.Environment:
    return template_environment()


def asset_bytes(name: str) -> bytes:
    return resources.files("postcast.publishing").joinpath("templates", name).read_bytes()


def clock(seconds: float) -> str:
    """12:05 or 1:02:03, as players show it."""
    total = max(0, int(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _text(site: Store, relative: str | None) -> str | None:
    """A published side file's text, or None when there is none."""
    if not relative:
        return None
    try:
        return site.get_bytes(relative).decode("utf-8")
    except ObjectMissingError:
        return None


def _cues(site: Store, episode: Episode) -> list[dict[str, str]]:
    document = _text(site, episode.transcript_files.get(VTT_TYPE))
    if document is None:
        return []
    cues = []
    for caption in webvtt.from_string(document).captions:
        start = caption.start_time.in_milliseconds() / 1000
        end = caption.end_time.in_milliseconds() / 1000
        # webvtt-py leaves the cue's character references as written; the template escapes.
        text = html.unescape(" ".join(caption.text.split()))
        cues.append({"start": f"{start:g}", "end": f"{end:g}", "clock": clock(start), "text": text})
    return cues


def _chapters(site: Store, episode: Episode) -> list[Chapter]:
    if episode.chapters:
        return sorted(episode.chapters, key=lambda c: c.start)
    text = _text(site, episode.chapters_file)
    if text is not None:
        data = json.loads(text)
        return [Chapter(float(c["startTime"]), c.get("title", "")) for c in data["chapters"]]
    return []


def _relative_to_page(relative: str) -> str:
    """Episode pages live in episodes/, so site paths are reached through ../."""
    return f"../{relative}"


def _episode_summary(episode: Episode, root: str, site: Store | None) -> dict[str, object]:
    when = as_utc(episode.pub_date)
    summary: dict[str, object] = {
        "title": episode.title,
        "date": f"{when:%B} {when.day}, {when.year}",
        "date_iso": when.isoformat(),
        "length": clock(episode.duration),
        "page": root + episode_page_path(episode),
        "audio": root + episode.audio_file,
    }
    if site is None:
        return summary
    post = episode.post
    files = [
        {"href": _relative_to_page(path), "label": _FILE_LABELS.get(mime, mime)}
        for mime, path in sorted(episode.transcript_files.items())
    ]
    if episode.chapters_file:
        files.append({"href": _relative_to_page(episode.chapters_file), "label": "Chapters (JSON)"})
    text = " ".join(paragraphs(post.html))
    summary |= {
        "post_url": web_link(post.url),
        "site": site_name(post),
        "files": files,
        "summary": text[:300],
        "chapters": [
            {"start": f"{c.start:g}", "clock": clock(c.start), "title": c.title}
            for c in _chapters(site, episode)
        ],
        "cues": _cues(site, episode),
        "notes": Markup(show_notes_html(post)),  # sanitised by nh3 in show_notes_html
    }
    return summary


def _render_page(
    name: str,
    library: LibraryConfig,
    art: str,
    feeds: Sequence[FeedLink],
    root: str,
    **values: object,
) -> str:
    """Render template `name` with what every page of the site shows (`root`: the way
    back to the site's top from the page)."""
    show = {
        "title": library.title,
        "description": library.description,
        "link": library.link,
        "art": art,
    }
    template = _environment().get_template(name)
    return template.render(language=library.language, root=root, show=show, feeds=feeds, **values)


def render_index(
    library: LibraryConfig, art: str, feeds: Sequence[FeedLink], episodes: Sequence[Episode]
) -> str:
    summaries = [_episode_summary(e, "", None) for e in episodes]
    return _render_page("index.html", library, art, feeds, "", episodes=summaries)


def render_episode_page(
    site: Path | Store,
    library: LibraryConfig,
    art: str,
    feeds: Sequence[FeedLink],
    episode: Episode,
) -> str:
    """The episode's page; its transcript and chapters are read from `site` (a folder or
    a store)."""
    summary = _episode_summary(episode, "../", as_store(site))
    return _render_page("episode.html", library, art, feeds, "../", episode=summary)
