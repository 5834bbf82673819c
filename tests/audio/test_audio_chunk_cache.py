"""The mastered-chunk cache, and render_audio reusing it: a re-render masters nothing."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from postcast.audio import EpisodeTags, render_audio
from postcast.audio import pieces as pieces_module
from postcast.audio.chunk_cache import ChunkCache
from postcast.audio.chunks import MasteredChunk, master_segment
from postcast.config import AudioConfig, SpeechConfig
from tests.audio.testsignals import speechlike, spoken_stream

CFG = AudioConfig()
TAGS = EpisodeTags(title="T", artist="A", album="Show", date="2025-01-02", cover=b"")


def _chunk() -> MasteredChunk:
    return master_segment(speechlike(2.0, 44100, 0.1), ((0.2, 1.0), (1.2, 1.8)), CFG)


def test_round_trip(tmp_path: Path) -> None:
    cache = ChunkCache(tmp_path, 10 << 20, CFG)
    chunk = _chunk()
    assert cache.get("segment") is None
    cache.put("segment", chunk)
    back = cache.get("segment")
    assert back is not None
    assert (back.mp3, back.samples, back.sentence_spans) == (
        chunk.mp3,
        chunk.samples,
        chunk.sentence_spans,
    )
    assert back.true_peak_dbtp == chunk.true_peak_dbtp
    np.testing.assert_array_equal(back.loudness_steps, chunk.loudness_steps)


def test_other_audio_settings_are_other_entries(tmp_path: Path) -> None:
    ChunkCache(tmp_path, 10 << 20, CFG).put("segment", _chunk())
    assert ChunkCache(tmp_path, 10 << 20, CFG).get("segment") is not None
    for changed in (replace(CFG, bitrate_kbps=96), replace(CFG, loudness_lufs=-19.0)):
        assert ChunkCache(tmp_path, 10 << 20, changed).get("segment") is None


def test_claim_holds_the_chunk_until_taken(tmp_path: Path) -> None:
    cache = ChunkCache(tmp_path, 10 << 20, CFG)
    assert not cache.claim("segment")
    cache.put("segment", _chunk())
    assert cache.claim("segment")
    for entry in (tmp_path / "mastered").rglob("*.npz"):
        entry.unlink()  # evicted by another render after the claim
    assert cache.take("segment") is not None
    assert cache.take("segment") is None


@pytest.mark.parametrize("damage", ["truncate", "garbage"])
def test_a_damaged_entry_is_a_miss_and_removed(tmp_path: Path, damage: str) -> None:
    cache = ChunkCache(tmp_path, 10 << 20, CFG)
    cache.put("segment", _chunk())
    (entry,) = (tmp_path / "mastered").rglob("*.npz")
    data = entry.read_bytes()
    entry.write_bytes(data[: len(data) // 2] if damage == "truncate" else b"x" * len(data))
    assert cache.get("segment") is None
    assert not entry.exists()


def test_bound_and_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    default = ChunkCache.from_config(SpeechConfig(), CFG)
    assert default.directory == tmp_path / "xdg/postcast/mastered"
    assert default.max_bytes == CFG.cache_max_mb << 20
    off = ChunkCache(tmp_path, 0, CFG)
    off.put("segment", _chunk())
    assert off.get("segment") is None and not (tmp_path / "mastered").exists()


def _keyed(count: int) -> list:  # type: ignore[type-arg]
    return [replace(s, key=f"segment-{i}") for i, s in enumerate(spoken_stream(count, 22050, 3.0))]


def test_a_re_render_reuses_every_chunk_and_gives_the_same_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = ChunkCache(tmp_path / "cache", 10 << 20, CFG)
    first = render_audio(iter(_keyed(4)), tmp_path / "a.mp3", TAGS, CFG, cache=cache)
    mastered: list[int] = []
    real = pieces_module.master_segment

    def counting(*args: object, **kwargs: object) -> MasteredChunk:
        mastered.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pieces_module, "master_segment", counting)
    segments = _keyed(4)
    segments[2] = replace(segments[2], key="edited", audio=segments[2].audio * 0.5)
    second = render_audio(iter(segments), tmp_path / "b.mp3", TAGS, CFG, cache=cache)
    assert len(mastered) == 1  # the edited segment only (one piece: no pause inside)
    assert second.timings == first.timings and second.chapters == first.chapters
    third = render_audio(iter(_keyed(4)), tmp_path / "c.mp3", TAGS, CFG, cache=cache)
    assert len(mastered) == 1
    assert (tmp_path / "c.mp3").read_bytes() == (tmp_path / "a.mp3").read_bytes()
    assert third == replace(first, path=str(tmp_path / "c.mp3"))


def test_a_reused_segment_without_a_chunk_is_an_error(tmp_path: Path) -> None:
    (segment,) = _keyed(1)
    cache = ChunkCache(tmp_path / "cache", 10 << 20, CFG)
    with pytest.raises(RuntimeError, match="spoken segment 0 was reused"):
        render_audio(
            iter([replace(segment, reused=True)]), tmp_path / "x.mp3", TAGS, CFG, cache=cache
        )
    assert not (tmp_path / "x.mp3").exists()


def test_chunks_that_add_up_off_target_are_corrected_once(tmp_path: Path) -> None:
    import pyloudnorm
    import soundfile as sf
    from scipy import signal

    cache = ChunkCache(tmp_path / "cache", 10 << 20, CFG)
    quiet = replace(CFG, loudness_lufs=-21.0)  # as if mastered to another target
    segments = []
    for segment in _keyed(3):
        audio = signal.resample_poly(segment.audio, 2, 1).astype(np.float32)
        cache.put(segment.key, master_segment(audio, (), quiet))
        segments.append(replace(segment, audio=np.zeros(0, np.float32), reused=True))
    for segment in segments:
        assert cache.claim(segment.key)
    result = render_audio(iter(segments), tmp_path / "e.mp3", TAGS, CFG, cache=cache)
    decoded, rate = sf.read(tmp_path / "e.mp3", dtype="float64")
    loudness = pyloudnorm.Meter(rate).integrated_loudness(decoded)
    assert loudness == pytest.approx(CFG.loudness_lufs, abs=0.6)
    assert result.loudness_lufs == pytest.approx(loudness, abs=0.2)
    peak = 20 * np.log10(np.abs(signal.resample_poly(decoded, 4, 1)).max())
    assert peak <= CFG.true_peak_dbtp
    assert result.duration == pytest.approx(len(decoded) / rate, abs=0.03)
