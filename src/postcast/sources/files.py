"""Local files as posts: HTML, Markdown (with optional front matter) or ForumMagnum JSON.

Every problem is an `InputError` naming the file, so `postcast render FILE` and the
`local` source tell the user exactly what is wrong and where.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, time
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bs4 import BeautifulSoup

from postcast.config import FORUM_NAMES
from postcast.errors import InputError, ShapeError
from postcast.limits import check_file_size, check_html, check_markdown, check_post_fields
from postcast.links import web_link
from postcast.models import Post
from postcast.narration.markdown import markdown_to_html
from postcast.sources.characters import without_unsafe_characters
from postcast.sources.forummagnum import post_from_api

HTML_SUFFIXES = (".html", ".htm")
MARKDOWN_SUFFIXES = (".md", ".markdown", ".txt")
JSON_SUFFIXES = (".json",)
SUPPORTED = HTML_SUFFIXES + MARKDOWN_SUFFIXES + JSON_SUFFIXES
SOURCE_NAME = "local"  # `Post.source` of a loaded file; the local source puts its own name

# Signatures of binary formats people are likely to pass by mistake.
MAGIC = {
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"%PDF": "a PDF document",
    b"PK\x03\x04": "a ZIP archive (or an Office document)",
    b"ID3": "an MP3 file",
    b"RIFF": "a RIFF (WAV/WebP) file",
}
FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
FIRST_HEADING = re.compile(r"^#[ \t]+(.+?)[ \t#]*$", re.M)


def load_post_file(path: Path, forum_name: str = "", code: str = "") -> Post:
    """Read one post file; `InputError` naming the file on any problem."""
    path = Path(path)
    suffix = path.suffix.lower()
    text = _read_text(path, suffix)
    if suffix in JSON_SUFFIXES:
        post = _from_json(path, text, forum_name, code)
    elif suffix in HTML_SUFFIXES:
        post = _from_html(path, text, forum_name, code)
    else:
        post = _from_markdown(path, text, forum_name, code)
    post = without_unsafe_characters(post)  # JSON may carry them escaped
    check_post_fields(path, post.title, post.authors, post.html)
    return post


def _read_text(path: Path, suffix: str) -> str:
    if path.is_dir():
        raise InputError(path, "is a folder, not a post file")
    try:
        check_file_size(path, path.stat().st_size)  # before reading it all into memory
        data = path.read_bytes()
    except FileNotFoundError as error:
        raise InputError(path, "file not found") from error
    except OSError as error:
        raise InputError(path, f"cannot read: {error.strerror}") from error
    kind = next((name for magic, name in MAGIC.items() if data.startswith(magic)), None)
    if kind or b"\x00" in data[:4096]:
        found = kind or "binary data"
        raise InputError(path, f"is {found}, not HTML, Markdown or JSON")
    if suffix not in SUPPORTED:
        raise InputError(
            path, f"unsupported file type {suffix or '(none)'!r}: expected {', '.join(SUPPORTED)}"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(
            path, f"not valid UTF-8: {error.reason} at byte {error.start} (save it as UTF-8)"
        ) from error
    if not text.strip():
        raise InputError(path, "file is empty")
    return text


def _from_json(path: Path, text: str, forum_name: str, code: str) -> Post:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(
            path, f"invalid JSON at line {error.lineno} column {error.colno}: {error.msg}"
        ) from error
    except RecursionError as error:
        raise InputError(path, "JSON nested too deeply to be a post") from error
    if not isinstance(data, dict):
        raise InputError(
            path, f"expected one ForumMagnum post object, got a JSON {type(data).__name__}"
        )
    if not code and isinstance(data.get("pageUrl"), str):
        code, forum_name = _forum_of(data["pageUrl"], forum_name)
    try:
        post = post_from_api(data, code, forum_name, SOURCE_NAME)
    except ShapeError as error:
        raise InputError(path, f"not a ForumMagnum post object: {error}") from error
    except (TypeError, AttributeError, KeyError, ValueError) as error:
        # a field of the wrong type ("tags": 5, "user": "x"): the file's fault, not ours
        raise InputError(
            path, f"not a ForumMagnum post object: wrong field type ({error})"
        ) from error
    if not isinstance(post.html, str) or not isinstance(post.markdown, str | None):
        raise InputError(path, "not a ForumMagnum post object: contents is not text")
    check_html(path, post.html)  # before BeautifulSoup holds all of it
    if not _visible_text(post.html):
        raise InputError(path, "post has no text (contents.html is empty)")
    return post


# The forums the reference system read, by the host of a post's `pageUrl`.
FORUM_HOSTS = {
    "lesswrong.com": "LW",
    "alignmentforum.org": "AF",
    "forum.effectivealtruism.org": "EA",
}


def _forum_of(page_url: str, forum_name: str) -> tuple[str, str]:
    """(code, forum name) of a known forum's post page; ("", forum_name) otherwise."""
    host = (urlsplit(page_url).hostname or "").removeprefix("www.")
    code = FORUM_HOSTS.get(host, "")
    return code, forum_name or FORUM_NAMES.get(code, "")


def _from_html(path: Path, text: str, forum_name: str, code: str) -> Post:
    check_html(path, text)  # before BeautifulSoup holds all of it
    soup = BeautifulSoup(text, "lxml")
    root = soup.find("article") or soup.body or soup
    heading = root.find("h1")
    title = soup.title.get_text(" ", strip=True) if soup.title else _meta(soup, "og:title")
    if not title and heading:
        title = heading.get_text(" ", strip=True)
    if heading and heading.get_text(" ", strip=True) == title:
        heading.decompose()  # the intro announces the title: don't read it twice
    body = root.decode_contents() if root is not soup else str(soup)
    if not _visible_text(body):
        raise InputError(path, "no text to read in this HTML file")
    author = _meta(soup, "author") or _meta(soup, "article:author")
    when = _meta(soup, "date") or _meta(soup, "article:published_time")
    return _post(path, title, _split_authors(author), when, body, forum_name, code, None)


def _from_markdown(path: Path, text: str, forum_name: str, code: str) -> Post:
    fields: dict[str, Any] = {}
    match = FRONT_MATTER.match(text)
    if match:
        fields = _front_matter(match.group(1))
        text = text[match.end() :]
    title = str(fields.get("title") or "")
    if not title:
        heading = FIRST_HEADING.search(text)
        if heading:
            title = heading.group(1).strip()
            text = text[: heading.start()] + text[heading.end() :]
    if not text.strip():
        raise InputError(path, "no text to read in this Markdown file")
    authors = fields.get("authors") or fields.get("author") or []
    if isinstance(authors, str):
        authors = _split_authors(authors)
    check_markdown(path, text)
    html = markdown_to_html(text)
    url = str(fields.get("url") or "")
    return _post(path, title, tuple(authors), fields.get("date"), html, forum_name, code, url)


def _front_matter(block: str) -> dict[str, Any]:
    """`key: value` lines, `[a, b]` lists and `- item` lists: all a post header needs.

    Hand-written because full YAML (a new dependency) would buy nothing for four keys.
    """
    fields: dict[str, Any] = {}
    key = None
    for line in block.splitlines():
        item = re.match(r"^\s*-\s+(.*)$", line)
        if item and key:
            if not isinstance(fields[key], list):
                fields[key] = []
            fields[key].append(_unquote(item.group(1)))
            continue
        pair = re.match(r"^([A-Za-z_][\w-]*)\s*:\s*(.*)$", line)
        if not pair:
            continue
        key, value = pair.group(1).lower(), pair.group(2).strip()
        if value.startswith("[") and value.endswith("]"):
            fields[key] = [_unquote(v) for v in value[1:-1].split(",") if v.strip()]
        else:
            fields[key] = _unquote(value)
    return fields


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def _split_authors(value: str) -> tuple[str, ...]:
    parts = re.split(r"\s*(?:;|,|\band\b|&)\s*", value or "")
    return tuple(part for part in (p.strip() for p in parts) if part)


def _meta(soup: BeautifulSoup, name: str) -> str:
    tag = soup.find("meta", attrs={"name": name}) or soup.find("meta", attrs={"property": name})
    return str(tag.get("content") or "").strip() if tag else ""


def _visible_text(html: str) -> str:
    return BeautifulSoup(html, "lxml").get_text(" ", strip=True) if html.strip() else ""


def parse_date(value: Any, source: Path | str) -> datetime:
    """ISO 8601 (date or date-time) or an RFC 2822 date, as a UTC datetime."""
    if isinstance(value, datetime):
        when = value
    elif isinstance(value, date):
        when = datetime.combine(value, time())
    else:
        text = str(value).strip()
        try:
            when = datetime.fromisoformat(text)
        except ValueError:
            try:
                when = parsedate_to_datetime(text)
            except (TypeError, ValueError) as error:
                raise InputError(
                    source, f"date {text!r} is not a date (expected e.g. 2025-06-01)"
                ) from error
    return (when if when.tzinfo else when.replace(tzinfo=UTC)).astimezone(UTC)


def _post(
    path: Path,
    title: str,
    authors: tuple[str, ...],
    when: Any,
    html: str,
    forum_name: str,
    code: str,
    url: str | None,
) -> Post:
    if when:
        posted_at = parse_date(when, path)
    else:
        posted_at = datetime.fromtimestamp(path.stat().st_mtime, UTC)
    return Post(
        source=SOURCE_NAME,
        post_id=path.stem,
        title=title.strip() or path.stem.replace("-", " ").replace("_", " ").strip(),
        authors=authors,
        posted_at=posted_at,
        url=web_link(url),  # never file:///...: that would publish the operator's paths
        html=html,
        forum_code=code,
        forum_name=forum_name,
    )
