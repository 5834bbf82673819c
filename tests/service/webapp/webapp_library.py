"""A library for the web app tests: stored posts, episodes in every state, transcripts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from postcast.config import Config, LibraryConfig, WebConfig
from postcast.models import EpisodeAudio, Post
from postcast.storage import Library, PostKey, open_library
from postcast.storage.records import revision_of

ADMIN_TOKEN = "correct horse battery staple"
BASE_URL = "https://podcast.example.org/"
START = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)


def _hash(token: str) -> str:
    import hashlib

    return hashlib.sha256(token.encode()).hexdigest()


ADMIN_TOKEN_SHA256 = _hash(ADMIN_TOKEN)


@dataclass(frozen=True)
class Stored:
    guid: str
    post_url: str
    audio_file: str | None


def web_config(
    root: Path, database: str | None = None, *, admin: bool = True, rate: str = "10000/minute"
) -> Config:
    return Config(
        library=LibraryConfig(
            base_url=BASE_URL,
            site_dir=str(root / "site"),
            database=database or f"sqlite:///{root / 'library.sqlite3'}",
        ),
        web=WebConfig(admin_token_sha256=ADMIN_TOKEN_SHA256 if admin else "", rate_limit=rate),
        base_dir=root,
    )


def vtt(text: str) -> str:
    return f"WEBVTT\n\n00:00:00.000 --> 00:00:05.000\n{text}\n"


def add_episode(
    library: Library,
    site_dir: Path,
    number: int,
    *,
    title: str,
    authors: tuple[str, ...] = ("Ada Lovelace",),
    tags: tuple[str, ...] = (),
    transcript: str = "",
    html: str = "<p>A post.</p>",
    status: str = "published",
    url: str | None = None,
) -> Stored:
    """Store a post and its episode in `status`; published and rendered ones get an MP3
    (a few bytes: nothing here decodes it) and, given `transcript`, a WebVTT file."""
    posted = START + timedelta(days=number)
    post = Post(
        source="lesswrong",
        post_id=f"post{number}",
        title=title,
        authors=authors,
        posted_at=posted,
        url=url or f"https://www.lesswrong.com/posts/post{number}/slug",
        html=html,
        forum_code="LW",
        forum_name="LessWrong",
        tags=tags,
    )
    library.upsert_post(post, None, posted)
    guid = f"post{number}_LW"
    library.ensure_episode(guid, PostKey.of(post), title, posted, now=posted)
    if status == "excluded":
        library.exclude_episode(guid, PostKey.of(post), title, posted, "author opted out")
        return Stored(guid, post.url, None)
    if status in ("pending", "failed"):
        if status == "failed":
            library.mark_failed(guid, "voice crashed", now=posted)
        return Stored(guid, post.url, None)
    audio_file = f"episodes/{guid}.mp3"
    (site_dir / "episodes").mkdir(parents=True, exist_ok=True)
    (site_dir / audio_file).write_bytes(b"ID3" + bytes(64))
    files = {}
    if transcript:
        (site_dir / f"episodes/{guid}.vtt").write_text(vtt(transcript), encoding="utf-8")
        files["text/vtt"] = f"episodes/{guid}.vtt"
    library.record_render(
        guid,
        revision_of(post),
        EpisodeAudio(path=str(site_dir / audio_file), duration=65.0, size=67),
        audio_file=audio_file,
        transcript_files=files,
        chapters_file=None,
        now=posted,
    )
    if status == "published":
        library.mark_published([guid], posted)
    return Stored(guid, post.url, audio_file)


def standard_library(config: Config) -> dict[str, Stored]:
    """Episodes in every state, with words to find in each field."""
    site = Path(config.library.site_dir)
    with open_library(config.library.database) as library:
        return {
            "zebras": add_episode(
                library,
                site,
                1,
                title="Counting zebras carefully",
                authors=("Grace Hopper",),
                tags=("Biology",),
                transcript="The narrator explains quokka population estimates at length.",
            ),
            "tagged": add_episode(
                library,
                site,
                2,
                title="A note on forecasting",
                tags=("Epistemology",),
                transcript="Calibration is a skill.",
            ),
            "hostile": add_episode(
                library,
                site,
                3,
                title="<script>alert(1)</script> Tricky title",
                url="javascript:alert(document.cookie)",
                transcript="<img src=x onerror=alert(1)> quokka again",
            ),
            "pending": add_episode(
                library, site, 4, title="Still pending quokka", status="pending"
            ),
            "failed": add_episode(library, site, 5, title="Failed quokka", status="failed"),
            "excluded": add_episode(
                library,
                site,
                6,
                title="Excluded quokka post",
                status="excluded",
                transcript="quokka",
            ),
            "rendered": add_episode(
                library,
                site,
                7,
                title="Rendered not yet published",
                status="rendered",
                transcript="quokka",
            ),
        }
