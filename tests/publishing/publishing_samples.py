"""Sample data for the publishing and web tests: real MP3 files, posts and episodes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import lameenc
import numpy as np

from postcast.models import Chapter, Episode, EpisodeAudio, Post, TimedSegment
from postcast.publishing import write_episode_extras

SAMPLE_RATE = 44100


def tone_mp3(seconds: float, frequency: float = 440.0) -> bytes:
    """A real MP3 (64 kbps mono) of a sine tone, encoded with LAME."""
    times = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    samples = (8000 * np.sin(2 * np.pi * frequency * times)).astype("<i2")
    encoder = lameenc.Encoder()
    encoder.set_bit_rate(64)
    encoder.set_in_sample_rate(SAMPLE_RATE)
    encoder.set_channels(1)
    encoder.set_quality(7)
    return bytes(encoder.encode(samples.tobytes()) + encoder.flush())


def make_post(number: int, html: str | None = None, **changes: object) -> Post:
    values: dict = {
        "source": "lesswrong",
        "post_id": f"post{number}",
        "title": f"Post number {number} & friends",
        "authors": ("Ada Lovelace", "Dan H"),
        "posted_at": datetime(2024, 3, number, 12, 0, tzinfo=UTC),
        "url": f"https://www.lesswrong.com/posts/post{number}/slug-{number}",
        "html": html
        or (
            f"<p>First paragraph of post {number}.</p>"
            '<p>A <a href="/tag/ai">relative link</a> and <em>emphasis</em>.</p>'
            "<script>alert('x')</script><p onclick=\"steal()\">Last paragraph.</p>"
        ),
        "forum_code": "LW",
        "forum_name": "LessWrong",
    }
    values.update(changes)
    return Post(**values)


def sample_audio(duration: float) -> EpisodeAudio:
    half = duration / 2
    return EpisodeAudio(
        path="",
        duration=duration,
        size=0,
        chapters=[Chapter(0.0, "Introduction", half), Chapter(half, "Main part <b>&</b>")],
        timings=[
            TimedSegment(0.0, half, "Welcome to the show & the <first> part."),
            TimedSegment(half, duration, "Second cue --> with an arrow."),
        ],
    )


def make_episode(
    site_dir: Path, number: int, seconds: float = 1.0, post: Post | None = None
) -> Episode:
    """Write a real MP3 plus its transcripts and chapters into the site; return the Episode."""
    post = post or make_post(number)
    stem = f"{post.post_id}-lw"
    audio_file = f"episodes/{stem}.mp3"
    (site_dir / "episodes").mkdir(parents=True, exist_ok=True)
    data = tone_mp3(seconds, 330 + 110 * number)
    (site_dir / audio_file).write_bytes(data)
    audio = sample_audio(seconds)
    extras = write_episode_extras(site_dir, stem, audio)
    chapters_file = extras.pop("chapters")
    return Episode(
        guid=f"{post.post_id}_LW",
        title=f"LW - {post.title} by {', '.join(post.authors)}",
        post=post,
        pub_date=post.posted_at + timedelta(hours=number),
        audio_file=audio_file,
        audio_size=len(data),
        duration=seconds,
        chapters=tuple(audio.chapters),
        transcript_files=extras,
        chapters_file=chapters_file,
    )
