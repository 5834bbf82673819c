"""Per-episode side files: WebVTT and SRT transcripts, Podcasting 2.0 JSON chapters.

The cue writers are hand-written: both formats are a few lines, and the libraries we
looked at (webvtt-py, srt) neither escape cue text for WebVTT nor take float seconds.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path

from postcast.atomic import atomic_write_text
from postcast.errors import InputError
from postcast.models import Chapter, EpisodeAudio, TimedSegment

VTT_TYPE = "text/vtt"
SRT_TYPE = "application/x-subrip"
CHAPTERS_KEY = "chapters"
CHAPTERS_TYPE = "application/json+chapters"

_SAFE_STEM = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def check_stem(stem: str) -> str:
    """An episode stem becomes a file name in a public folder: no paths, no dot-files."""
    if not _SAFE_STEM.fullmatch(stem) or ".." in stem:
        raise InputError(stem, "episode file stem must be letters, digits, '.', '_' or '-'")
    return stem


def _clock(seconds: float, decimal_mark: str) -> str:
    milliseconds = max(0, round(seconds * 1000))
    hours, rest = divmod(milliseconds, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{decimal_mark}{millis:03d}"


def _one_line(text: str) -> str:
    # A blank line ends a cue in both formats, so cue text is kept to a single line.
    return " ".join(text.split())


def _vtt_escape(text: str) -> str:
    # WebVTT cue text is markup: '&' and '<' start entities and tags; '-->' may not appear.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _spoken(timings: Sequence[TimedSegment]) -> list[TimedSegment]:
    return [t for t in timings if _one_line(t.text) and t.end > t.start]


def webvtt_text(timings: Sequence[TimedSegment]) -> str:
    blocks = ["WEBVTT"]
    for number, timing in enumerate(_spoken(timings), start=1):
        span = f"{_clock(timing.start, '.')} --> {_clock(timing.end, '.')}"
        blocks.append(f"{number}\n{span}\n{_vtt_escape(_one_line(timing.text))}")
    return "\n\n".join(blocks) + "\n"


def srt_text(timings: Sequence[TimedSegment]) -> str:
    blocks = []
    for number, timing in enumerate(_spoken(timings), start=1):
        span = f"{_clock(timing.start, ',')} --> {_clock(timing.end, ',')}"
        blocks.append(f"{number}\n{span}\n{_one_line(timing.text)}")
    return "\n\n".join(blocks) + ("\n" if blocks else "")


def chapters_json(chapters: Sequence[Chapter]) -> str:
    """Podcasting 2.0 JSON chapters (version 1.2.0); startTime is required, in seconds."""
    entries = []
    for chapter in sorted(chapters, key=lambda c: c.start):
        entry: dict[str, object] = {"startTime": round(chapter.start, 3), "title": chapter.title}
        if chapter.end is not None:
            entry["endTime"] = round(chapter.end, 3)
        entries.append(entry)
    return json.dumps({"version": "1.2.0", "chapters": entries}, ensure_ascii=False, indent=1)


def write_episode_extras(
    site_dir: Path, episode_stem: str, audio: EpisodeAudio
) -> dict[str, str | None]:
    """Write `episodes/<stem>.vtt`, `.srt` and `.chapters.json` beside the episode's MP3.

    Returns paths relative to `site_dir`: "text/vtt" and "application/x-subrip" (absent when
    the audio has no timings) and "chapters" (None when it has no chapters), so a caller can
    do `chapters_file = extras.pop("chapters"); transcript_files = extras`.
    """
    stem = check_stem(episode_stem)
    written: dict[str, str | None] = {}
    if _spoken(audio.timings):
        for mime, suffix, text in (
            (VTT_TYPE, ".vtt", webvtt_text(audio.timings)),
            (SRT_TYPE, ".srt", srt_text(audio.timings)),
        ):
            relative = f"episodes/{stem}{suffix}"
            atomic_write_text(Path(site_dir) / relative, text)
            written[mime] = relative
    written[CHAPTERS_KEY] = None
    if audio.chapters:
        relative = f"episodes/{stem}.chapters.json"
        atomic_write_text(Path(site_dir) / relative, chapters_json(audio.chapters))
        written[CHAPTERS_KEY] = relative
    return written
