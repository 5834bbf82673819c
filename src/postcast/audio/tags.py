"""ID3v2.4 tags for an episode, chapters included (CHAP frames plus a CTOC).

The tag is rendered to bytes before any audio is encoded (duration and chapter
times are known after the first mastering pass), so the MP3 file is written
front to back once and never rewritten to insert the tag.
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass

from mutagen.id3 import (
    APIC,
    CHAP,
    COMM,
    CTOC,
    ID3,
    TALB,
    TCON,
    TDRC,
    TIT2,
    TLEN,
    TPE1,
    WOAS,
    WXXX,
    CTOCFlags,
    PictureType,
)

from postcast.errors import InputError
from postcast.models import Chapter

UTF8 = 3  # ID3v2.4 text encoding id
TOC_ID = "toc"


@dataclass
class EpisodeTags:
    """What a player shows about an episode, written as ID3 frames."""

    title: str
    artist: str
    album: str
    date: str  # YYYY-MM-DD
    cover: bytes | None = None
    cover_mime: str = "image/jpeg"
    comment: str = ""
    url: str = ""


def _ms(seconds: float) -> int:
    return round(seconds * 1000)


def check_tags(tags: EpisodeTags) -> None:
    """Raise InputError for tags that cannot be written (checked before any audio work)."""
    try:
        datetime.date.fromisoformat(tags.date)
    except (TypeError, ValueError) as error:
        raise InputError("tags.date", f"expected YYYY-MM-DD, got {tags.date!r}") from error
    if len(tags.date) != len("YYYY-MM-DD"):
        raise InputError("tags.date", f"expected YYYY-MM-DD, got {tags.date!r}")


def chapter_frames(chapters: list[Chapter], duration: float) -> list[CHAP | CTOC]:
    """One CHAP per chapter (in time order) and a top-level, ordered CTOC listing them."""
    ordered = sorted(chapters, key=lambda chapter: chapter.start)
    frames: list[CHAP | CTOC] = []
    for index, chapter in enumerate(ordered):
        end = chapter.end if chapter.end is not None else duration
        frames.append(
            CHAP(
                element_id=f"chp{index}",
                start_time=_ms(chapter.start),
                end_time=_ms(end),
                sub_frames=[TIT2(encoding=UTF8, text=[chapter.title])],
            )
        )
    if frames:
        frames.append(
            CTOC(
                element_id=TOC_ID,
                flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
                child_element_ids=[f"chp{index}" for index in range(len(ordered))],
                sub_frames=[TIT2(encoding=UTF8, text=["Chapters"])],
            )
        )
    return frames


def _cover_mime(data: bytes, declared: str) -> str:
    """The image's real type where its magic bytes tell (players trust the MIME)."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    return declared


def build_id3(tags: EpisodeTags, chapters: list[Chapter], duration: float) -> bytes:
    """The complete ID3v2.4 tag (with padding for later edits) as bytes."""
    check_tags(tags)
    id3 = ID3()
    id3.add(TIT2(encoding=UTF8, text=[tags.title]))
    id3.add(TPE1(encoding=UTF8, text=[tags.artist]))
    id3.add(TALB(encoding=UTF8, text=[tags.album]))
    id3.add(TDRC(encoding=UTF8, text=[tags.date]))
    id3.add(TCON(encoding=UTF8, text=["Podcast"]))
    id3.add(TLEN(encoding=UTF8, text=[str(_ms(duration))]))
    if tags.comment:
        id3.add(COMM(encoding=UTF8, lang="eng", desc="", text=[tags.comment]))
    if tags.url:
        id3.add(WOAS(url=tags.url))
        id3.add(WXXX(encoding=UTF8, desc="", url=tags.url))
    if tags.cover:
        id3.add(
            APIC(
                encoding=UTF8,
                mime=_cover_mime(tags.cover, tags.cover_mime),
                type=PictureType.COVER_FRONT,
                desc="Cover",
                data=tags.cover,
            )
        )
    for frame in chapter_frames(chapters, duration):
        id3.add(frame)
    buffer = io.BytesIO()
    id3.save(buffer, v2_version=4)
    return buffer.getvalue()
