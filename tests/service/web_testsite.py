"""A small published site for the web server tests: real MP3s, transcripts, chapters."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from postcast.config import FeedConfig, LibraryConfig
from postcast.models import Chapter, Episode, EpisodeAudio, Post, TimedSegment
from postcast.publishing import publish_site, write_episode_extras
from tests.publishing.publishing_samples import tone_mp3


def build_site(site_dir: Path, base_url: str, seconds: float = 6.0) -> Episode:
    """Publish one episode of `seconds` with three chapters and three transcript cues."""
    post = Post(
        source="lesswrong",
        post_id="abc123",
        title="Why ranges matter",
        authors=("Ada Lovelace",),
        posted_at=datetime(2024, 5, 1, 9, 30, tzinfo=UTC),
        url="https://www.lesswrong.com/posts/abc123/why-ranges-matter",
        html="<p>Players ask for <em>byte ranges</em> to seek.</p><p>Second paragraph.</p>",
        forum_code="LW",
        forum_name="LessWrong",
    )
    third = seconds / 3
    titles = ["Opening", "The middle", "The end"]
    audio = EpisodeAudio(
        path="",
        duration=seconds,
        size=0,
        chapters=[Chapter(i * third, titles[i]) for i in range(3)],
        timings=[
            TimedSegment(i * third, (i + 1) * third, f"Spoken part number {i + 1}.")
            for i in range(3)
        ],
    )
    stem = "abc123_LW"
    data = tone_mp3(seconds)
    (site_dir / "episodes").mkdir(parents=True, exist_ok=True)
    (site_dir / f"episodes/{stem}.mp3").write_bytes(data)
    extras = write_episode_extras(site_dir, stem, audio)
    chapters_file = extras.pop("chapters")
    episode = Episode(
        guid="abc123_LW",
        title="LW - Why ranges matter by Ada Lovelace",
        post=post,
        pub_date=post.posted_at,
        audio_file=f"episodes/{stem}.mp3",
        audio_size=len(data),
        duration=seconds,
        chapters=tuple(audio.chapters),
        transcript_files=extras,
        chapters_file=chapters_file,
    )
    publish_site(site_dir, LibraryConfig(base_url=base_url), [(FeedConfig("main"), [episode])])
    return episode
