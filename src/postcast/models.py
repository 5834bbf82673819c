"""Plain typed data that flows between the pipeline stages.

sources produce `Post`; narration turns a post into a `Script` of `Segment`s;
speech and audio turn a script into an `EpisodeAudio`; publishing turns stored
episodes into feeds and pages. No stage reaches into another's internals.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


@dataclass(frozen=True)
class Post:
    """One piece of writing, as a source found it (HTML body, metadata)."""

    source: str  # name of the configured source it came from
    post_id: str  # the source's own id (ForumMagnum `_id`, feed guid, URL)
    title: str
    authors: tuple[str, ...]
    posted_at: datetime  # timezone-aware, UTC
    url: str  # link to the original
    html: str
    forum_code: str = ""  # "LW", "AF", "EA"; empty for plain feeds and files
    forum_name: str = ""  # "LessWrong", "The AI Alignment Forum", ...
    karma: int | None = None
    modified_at: datetime | None = None
    tags: tuple[str, ...] = ()
    is_event: bool = False
    is_question: bool = False
    is_shortform: bool = False
    is_draft: bool = False
    af: bool = False
    af_karma: int | None = None
    crosspost_id: str | None = None  # foreign post id of a LW/EA cross-post
    crosspost_hosted_here: bool | None = None
    markdown: str | None = None  # `contents.markdown` where known: keeps maths as $...$

    @property
    def revision(self) -> str:
        """What a rendered episode was made from: the edit time (else the post time) and
        a digest of the narrated content, so an edit that keeps the date still counts."""
        return f"{(self.modified_at or self.posted_at).isoformat()}#{self.content_digest}"

    @property
    def content_digest(self) -> str:
        """16 hex digits of SHA-256 over everything the narration reads aloud."""
        return narrated_digest(self.title, self.authors, self.forum_name, self.html, self.markdown)


def narrated_digest(
    title: str, authors: tuple[str, ...] | list[str], forum: str, html: str, markdown: str | None
) -> str:
    """The digest behind `Post.content_digest` (the storage migration calls it on rows)."""
    narrated = json.dumps([title, list(authors), forum, html, markdown], ensure_ascii=False)
    return hashlib.sha256(narrated.encode()).hexdigest()[:16]


class SegmentKind(StrEnum):
    INTRO = "intro"
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    LIST_ITEM = "list_item"
    QUOTE = "quote"
    FOOTNOTE = "footnote"
    TABLE = "table"
    IMAGE = "image"
    CODE = "code"
    MATH = "math"
    EMBED = "embed"
    ANNOUNCEMENT = "announcement"  # spoilers, AI blocks, collapsible titles
    DIALOGUE = "dialogue"
    OUTRO = "outro"


@dataclass(frozen=True)
class Segment:
    """One spoken unit: `text` is exactly the words the voice will say."""

    text: str
    kind: SegmentKind
    pause_after: float = 0.5  # seconds of silence after this segment
    pause_before: float = 0.0
    voice: str | None = None  # speaker key for dialogues; None = default voice
    chapter: str | None = None  # a chapter starts at this segment, with this title


@dataclass(frozen=True)
class Script:
    """A post turned into speech-ready segments, in reading order."""

    title: str
    segments: tuple[Segment, ...]

    def lines(self) -> list[str]:
        return [segment.text for segment in self.segments]


@dataclass(frozen=True)
class Chapter:
    start: float  # seconds
    title: str
    end: float | None = None


@dataclass(frozen=True)
class TimedSegment:
    start: float
    end: float
    text: str


@dataclass
class EpisodeAudio:
    """What the audio stage made: a mastered MP3 and where each part of it is."""

    path: str
    duration: float  # seconds
    size: int  # bytes
    chapters: list[Chapter] = field(default_factory=list)
    timings: list[TimedSegment] = field(default_factory=list)
    loudness_lufs: float | None = None
    true_peak_dbtp: float | None = None


@dataclass(frozen=True)
class Episode:
    """A published episode: a post's audio plus feed metadata."""

    guid: str
    title: str  # "CODE - title by authors"
    post: Post
    pub_date: datetime  # when the post was first seen at or above its threshold
    audio_file: str  # path relative to the site dir
    audio_size: int
    duration: float
    chapters: tuple[Chapter, ...] = ()
    transcript_files: dict[str, str] = field(default_factory=dict)  # mime -> relative path
    chapters_file: str | None = None
