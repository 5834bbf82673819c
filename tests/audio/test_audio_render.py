"""render_audio end to end: the decoded MP3 meets the loudness, peak and tag targets."""

from __future__ import annotations

import io
import itertools
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyloudnorm
import pytest
import soundfile as sf
from mutagen.id3 import ID3
from mutagen.mp3 import MP3
from scipy import signal

from postcast.audio import EpisodeTags, render_audio
from postcast.config import AudioConfig
from postcast.errors import InputError
from postcast.models import EpisodeAudio, Segment, SegmentKind
from postcast.speech.base import SpokenSegment
from tests.audio.testsignals import speechlike, spoken_stream

COVER = b"\xff\xd8\xff\xe0\x00\x10JFIF" + bytes(range(256)) * 8
TAGS = EpisodeTags(
    title="EA - Mastering test by Someone",
    artist="Someone",
    album="The Nonlinear Library",
    date="2025-06-30",
    cover=COVER,
    comment="Original: https://forum.effectivealtruism.org/posts/x",
    url="https://forum.effectivealtruism.org/posts/x",
)
SEGMENTS, SECONDS, CHAPTER_EVERY = 9, 6.0, 3
LEVELS = (0.02, 0.3, 0.08)  # 24 dB apart, as if from different voices
# Each segment is its own MP3 stream: one that ends in sound (as these test segments
# do) decodes up to LAME's delay plus a frame longer than it went in.
JOIN = (1105 + 1152) / 44100


def _decoded(path: Path) -> tuple[np.ndarray, int]:
    audio, rate = sf.read(path, dtype="float64", always_2d=True)
    assert audio.shape[1] == 1
    return audio[:, 0], rate


def _true_peak_db(audio: np.ndarray) -> float:
    return 20 * np.log10(np.abs(signal.resample_poly(audio, 4, 1)).max())


@dataclass
class Rendered:
    result: EpisodeAudio
    path: Path
    reports: list[tuple[str, float, float | None]]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    folder = tmp_path_factory.mktemp("episode")
    reports: list[tuple[str, float, float | None]] = []
    stream = spoken_stream(
        SEGMENTS, 22050, SECONDS, chapter_every=CHAPTER_EVERY, levels=LEVELS, hot_peaks=2
    )
    result = render_audio(
        stream,
        folder / "episode.mp3",
        TAGS,
        AudioConfig(),
        lambda task, done, total: reports.append((task, done, total)),
    )
    return Rendered(result, folder / "episode.mp3", reports)


@pytest.mark.slow
def test_mono_44k_mp3_at_the_configured_bitrate(rendered: Rendered) -> None:
    info = MP3(rendered.path).info
    assert (info.channels, info.sample_rate) == (1, 44100)
    assert 64_000 <= info.bitrate <= 96_000
    assert info.bitrate == 64_000
    assert info.length == pytest.approx(SEGMENTS * SECONDS, abs=0.1)
    assert sorted(os.listdir(rendered.path.parent)) == ["episode.mp3"]  # no scratch litter


@pytest.mark.slow
def test_decoded_loudness_and_true_peak(rendered: Rendered) -> None:
    audio, rate = _decoded(rendered.path)
    loudness = pyloudnorm.Meter(rate).integrated_loudness(audio)
    assert loudness == pytest.approx(-16.0, abs=1.0)
    peak = _true_peak_db(audio)
    assert peak <= -1.0
    assert rendered.result.loudness_lufs == pytest.approx(loudness, abs=0.2)
    assert rendered.result.true_peak_dbtp == pytest.approx(peak, abs=0.2)


def _pileup(audio: np.ndarray) -> float:
    """How much the level histogram's top 8 dB rises towards the peak (clipping piles up).

    Flat tops do not survive MP3 (it rings around them), but the samples held at
    the clip level still show as a bump in the histogram just below the peak.
    """
    magnitude = np.abs(audio[audio != 0])
    level_db = 20 * np.log10(magnitude / magnitude.max())
    counts, _ = np.histogram(level_db, np.arange(-8.0, 0.01, 0.5))
    return max(upper / lower for lower, upper in itertools.pairwise(counts) if lower > 50)


@pytest.mark.slow
def test_the_limiter_does_not_clip(rendered: Rendered) -> None:
    audio, _ = _decoded(rendered.path)
    assert _pileup(audio) <= 1.0
    clipped = np.clip(audio, -0.5, 0.5) * 1.5  # the same audio, clipped 4 dB down
    assert _pileup(clipped + 1e-3 * np.sin(np.arange(len(audio)))) > 1.05


@pytest.mark.slow
def test_segments_at_very_different_levels_come_out_even(rendered: Rendered) -> None:
    audio, rate = _decoded(rendered.path)
    meter = pyloudnorm.Meter(rate)
    per_segment = [
        meter.integrated_loudness(audio[int(i * SECONDS * rate) : int((i + 1) * SECONDS * rate)])
        for i in range(SEGMENTS)
    ]
    assert max(per_segment) - min(per_segment) < 2.0


@pytest.mark.slow
def test_tags_and_chapters_read_back(rendered: Rendered) -> None:
    id3 = ID3(rendered.path)
    assert id3["TIT2"].text == [TAGS.title]
    assert id3["TPE1"].text == [TAGS.artist]
    assert id3["TALB"].text == [TAGS.album]
    assert str(id3["TDRC"].text[0]) == TAGS.date
    assert id3.getall("APIC")[0].data == COVER
    toc = id3.getall("CTOC")[0]
    chapters = {frame.element_id: frame for frame in id3.getall("CHAP")}
    listed = [chapters[element] for element in toc.child_element_ids]
    result = rendered.result
    expected = [(round(c.start * 1000), round(c.end * 1000)) for c in result.chapters]
    assert [(c.start_time, c.end_time) for c in listed] == expected
    assert len(expected) == SEGMENTS // CHAPTER_EVERY
    titles = [c.sub_frames["TIT2"].text[0] for c in listed]
    assert titles == [f"Part {i + 1}" for i in range(len(expected))]


@pytest.mark.slow
def test_result_describes_the_file(rendered: Rendered) -> None:
    result = rendered.result
    assert result.path == str(rendered.path)
    assert result.size == rendered.path.stat().st_size
    decoded, rate = _decoded(rendered.path)
    assert result.duration == pytest.approx(len(decoded) / rate, abs=1e-6)
    assert SEGMENTS * SECONDS <= result.duration <= SEGMENTS * (SECONDS + JOIN)
    chapters = result.chapters
    assert [c.title for c in chapters] == [f"Part {i + 1}" for i in range(len(chapters))]
    for i, chapter in enumerate(chapters):
        segments_before = i * CHAPTER_EVERY
        assert segments_before * SECONDS <= chapter.start <= segments_before * (SECONDS + JOIN)
        assert chapter.end == (chapters[i + 1].start if i + 1 < len(chapters) else result.duration)
    assert len(result.timings) == 2 * SEGMENTS
    fourth_b = result.timings[7]  # segment 3's second sentence
    assert fourth_b.text == "Sentence 3b."
    # LAME's delay (25 ms) shifts the sentence inside its chunk; earlier joins add up
    start = 3 * SECONDS + SECONDS / 2 + 1105 / 44100
    assert start <= fourth_b.start <= start + 3 * JOIN
    assert fourth_b.end - fourth_b.start == pytest.approx(SECONDS / 2 - 0.1, abs=1e-6)
    starts = [timing.start for timing in result.timings]
    assert starts == sorted(starts)


@pytest.mark.slow
def test_progress_reports_each_segment_then_the_file(rendered: Rendered) -> None:
    assert {task for task, _, _ in rendered.reports} == {"Mastering"}
    first = [done for _, done, total in rendered.reports if total is None]
    second = [(done, total) for _, done, total in rendered.reports if total is not None]
    assert len(first) == SEGMENTS and first == sorted(first)  # one report per segment
    assert second == [(rendered.result.duration, rendered.result.duration)]  # the file is done
    assert first[-1] == rendered.result.duration


def _espeak(text: str, voice: str) -> tuple[np.ndarray, int]:
    if shutil.which("espeak-ng") is None:
        if os.environ.get("POSTCAST_REQUIRE_ALL") == "1":
            pytest.fail("espeak-ng is not installed (POSTCAST_REQUIRE_ALL=1 forbids skipping)")
        pytest.skip("espeak-ng is not installed (apt-get install espeak-ng)")
    wav = subprocess.run(
        ["espeak-ng", "-v", voice, "--stdout", text], check=True, capture_output=True
    ).stdout
    audio, rate = sf.read(io.BytesIO(wav), dtype="float32")
    return audio, rate


@pytest.mark.slow
def test_real_speech_at_96_kbps(tmp_path: Path) -> None:
    lines = [
        ("en-us", 1.0, "Welcome to the show. Today we read a post about careful reasoning."),
        ("en-gb", 0.15, "A quieter second voice asks: what would change your mind?"),
        ("en-us", 1.0, "Thanks for listening! Spectacular, sizzling sausages sell slowly."),
    ]
    spoken = []
    for index, (voice, level, text) in enumerate(lines):
        audio, rate = _espeak(text, voice)
        chapter = "Opening" if index == 0 else ("Closing" if index == 2 else None)
        segment = Segment(text=text, kind=SegmentKind.PARAGRAPH, chapter=chapter)
        spoken.append(SpokenSegment(segment, audio * level, rate))
    result = render_audio(iter(spoken), tmp_path / "speech.mp3", TAGS, AudioConfig(bitrate_kbps=96))
    assert MP3(result.path).info.bitrate == 96_000
    audio, rate = _decoded(Path(result.path))
    assert pyloudnorm.Meter(rate).integrated_loudness(audio) == pytest.approx(-16.0, abs=1.0)
    assert _true_peak_db(audio) <= -1.0
    assert [c.title for c in result.chapters] == ["Opening", "Closing"]
    before = (len(spoken[0].audio) + len(spoken[1].audio)) / spoken[0].sample_rate
    assert before - 0.03 <= result.chapters[1].start <= before + 2 * JOIN
    assert [t.text for t in result.timings] == [text for _, _, text in lines]  # one per segment


def _failing(after: int) -> Iterator[SpokenSegment]:
    yield from spoken_stream(after, 22050, 2.0)
    raise RuntimeError("speech engine crashed")


def test_a_failing_stream_leaves_nothing_behind(tmp_path: Path) -> None:
    out = tmp_path / "episode.mp3"
    with pytest.raises(RuntimeError, match="crashed"):
        render_audio(_failing(3), out, TAGS, AudioConfig())
    assert os.listdir(tmp_path) == []


def test_a_failure_while_encoding_keeps_the_previous_file(tmp_path: Path) -> None:
    out = tmp_path / "episode.mp3"
    out.write_bytes(b"the episode published before")

    def progress(task: str, done: float, total: float | None) -> None:
        if done > 1.0:
            raise KeyboardInterrupt  # interrupted half way through mastering

    with pytest.raises(KeyboardInterrupt):
        render_audio(spoken_stream(2, 22050, 2.0), out, TAGS, AudioConfig(), progress)
    assert out.read_bytes() == b"the episode published before"
    assert os.listdir(tmp_path) == ["episode.mp3"]


def test_bad_input_is_an_input_error_naming_it(tmp_path: Path) -> None:
    out = tmp_path / "episode.mp3"
    with pytest.raises(InputError, match="spoken segments"):
        render_audio(iter([]), out, TAGS, AudioConfig())
    broken = speechlike(1.0, 22050)
    broken[100] = np.nan
    segment = SpokenSegment(Segment("x", SegmentKind.PARAGRAPH), broken, 22050)
    with pytest.raises(InputError, match=r"spoken segment 0.*NaN"):
        render_audio(iter([segment]), out, TAGS, AudioConfig())
    stereo = SpokenSegment(Segment("x", SegmentKind.PARAGRAPH), np.zeros((100, 2)), 22050)
    with pytest.raises(InputError, match="mono"):
        render_audio(iter([stereo]), out, TAGS, AudioConfig())
    assert os.listdir(tmp_path) == []


def test_settings_are_checked_before_the_stream_is_read(tmp_path: Path) -> None:
    consumed = []

    def stream() -> Iterator[SpokenSegment]:
        consumed.append(True)
        yield from spoken_stream(1, 22050, 1.0)

    with pytest.raises(InputError, match="bitrate"):
        render_audio(stream(), tmp_path / "a.mp3", TAGS, AudioConfig(bitrate_kbps=128))
    with pytest.raises(InputError, match=r"tags\.date"):
        bad_date = EpisodeTags("t", "a", "b", "yesterday")
        render_audio(stream(), tmp_path / "a.mp3", bad_date, AudioConfig())
    assert not consumed
    assert os.listdir(tmp_path) == []
