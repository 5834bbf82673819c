"""Transcripts (WebVTT, SRT) and Podcasting 2.0 JSON chapters written beside an episode."""

from __future__ import annotations

import json
import re

import pytest
import webvtt

from postcast.errors import InputError
from postcast.models import Chapter, EpisodeAudio, TimedSegment
from postcast.publishing import write_episode_extras

SRT_BLOCK = re.compile(
    r"(\d+)\n(\d{2}):(\d{2}):(\d{2}),(\d{3}) --> (\d{2}):(\d{2}):(\d{2}),(\d{3})\n([^\n]+)"
)


def _audio() -> EpisodeAudio:
    return EpisodeAudio(
        path="x.mp3",
        duration=3725.5,
        size=1,
        chapters=[Chapter(3600.25, "Late chapter", 3725.5), Chapter(0.0, "Intro & <start>")],
        timings=[
            TimedSegment(0.0, 1.234, "Welcome & hello <b>there</b>."),
            TimedSegment(1.234, 2.5, "A cue --> with an arrow\n\nand a blank line."),
            TimedSegment(2.5, 2.5, "zero length, dropped"),
            TimedSegment(2.5, 3.0, "   "),
            TimedSegment(3600.25, 3725.5, "After an hour."),
        ],
    )


def test_returns_site_relative_paths(tmp_path):
    written = write_episode_extras(tmp_path, "abc_LW", _audio())
    assert written == {
        "text/vtt": "episodes/abc_LW.vtt",
        "application/x-subrip": "episodes/abc_LW.srt",
        "chapters": "episodes/abc_LW.chapters.json",
    }
    assert all((tmp_path / path).is_file() for path in written.values())


def test_webvtt_parses_with_the_cue_times_and_text(tmp_path):
    written = write_episode_extras(tmp_path, "abc", _audio())
    captions = list(webvtt.read(str(tmp_path / written["text/vtt"])))
    assert [(c.start, c.end) for c in captions] == [
        ("00:00:00.000", "00:00:01.234"),
        ("00:00:01.234", "00:00:02.500"),
        ("01:00:00.250", "01:02:05.500"),
    ]
    assert captions[0].text == "Welcome &amp; hello &lt;b&gt;there&lt;/b&gt;."
    assert captions[1].text == "A cue --&gt; with an arrow and a blank line."
    raw = (tmp_path / written["text/vtt"]).read_text(encoding="utf-8")
    assert raw.startswith("WEBVTT\n\n")
    assert raw.count("-->") == 3  # only the timing lines


def test_srt_blocks_are_numbered_with_comma_milliseconds(tmp_path):
    written = write_episode_extras(tmp_path, "abc", _audio())
    text = (tmp_path / written["application/x-subrip"]).read_text(encoding="utf-8")
    blocks = text.strip().split("\n\n")
    assert len(blocks) == 3
    parsed = [SRT_BLOCK.fullmatch(block) for block in blocks]
    assert all(parsed), blocks
    assert [int(match.group(1)) for match in parsed] == [1, 2, 3]
    assert parsed[2].group(2, 3, 4, 5) == ("01", "00", "00", "250")
    assert parsed[0].group(10) == "Welcome & hello <b>there</b>."


def test_chapters_are_podcasting_2_json_in_time_order(tmp_path):
    written = write_episode_extras(tmp_path, "abc", _audio())
    data = json.loads((tmp_path / written["chapters"]).read_text(encoding="utf-8"))
    assert data["version"] == "1.2.0"
    assert data["chapters"] == [
        {"startTime": 0.0, "title": "Intro & <start>"},
        {"startTime": 3600.25, "title": "Late chapter", "endTime": 3725.5},
    ]
    assert all(isinstance(c["startTime"], float) for c in data["chapters"])


def test_no_timings_and_no_chapters_write_nothing(tmp_path):
    written = write_episode_extras(tmp_path, "abc", EpisodeAudio(path="", duration=1, size=1))
    assert written == {"chapters": None}
    assert not (tmp_path / "episodes").exists()


@pytest.mark.parametrize("stem", ["../evil", "a/b", ".hidden", "", "x y"])
def test_unsafe_stems_are_refused(tmp_path, stem):
    with pytest.raises(InputError, match="stem"):
        write_episode_extras(tmp_path, stem, _audio())
