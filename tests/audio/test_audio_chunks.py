"""master_segment: one segment, one MP3 stream, on target, lined up with its input."""

from __future__ import annotations

import io

import numpy as np
import pyloudnorm
import pytest
import soundfile as sf
from scipy import signal

from postcast.audio import chunks
from postcast.audio.chunks import (
    LAME_DELAY_SAMPLES,
    MP3_FRAME_SAMPLES,
    fit_to_frames,
    master_segment,
)
from postcast.audio.master import Mastering
from postcast.config import AudioConfig
from tests.audio.testsignals import speechlike

RATE = 44100
CFG = AudioConfig()


def _decode(mp3: bytes) -> np.ndarray:
    audio, rate = sf.read(io.BytesIO(mp3), dtype="float64")
    assert rate == RATE
    return np.asarray(audio)


def _true_peak_db(audio: np.ndarray) -> float:
    return float(20 * np.log10(np.abs(signal.resample_poly(audio, 4, 1)).max()))


@pytest.mark.parametrize("level", [0.01, 0.1, 0.5])
def test_any_level_comes_out_on_target(level: float) -> None:
    audio = speechlike(6.0, RATE, level, hot_peaks=3, seed=4)
    chunk = master_segment(audio, (), CFG)
    decoded = _decode(chunk.mp3)
    assert len(decoded) == chunk.samples
    loudness = pyloudnorm.Meter(RATE).integrated_loudness(decoded)
    assert loudness == pytest.approx(CFG.loudness_lufs, abs=0.5)
    assert _true_peak_db(decoded) <= CFG.true_peak_dbtp
    assert chunk.true_peak_dbtp == pytest.approx(_true_peak_db(decoded), abs=0.1)


@pytest.mark.parametrize("length", [30_000, 44_100, 100_000, 264_600])
def test_a_chunk_ending_in_silence_keeps_its_length(length: int) -> None:
    audio = np.zeros(length, dtype=np.float32)
    audio[: length // 2] = speechlike(length / 2 / RATE, RATE, 0.1)
    chunk = master_segment(audio, (), CFG)
    assert chunk.samples % MP3_FRAME_SAMPLES == 0
    assert abs(chunk.samples - length) <= MP3_FRAME_SAMPLES // 2


def test_a_chunk_ending_in_sound_is_not_cut() -> None:
    audio = np.sin(np.arange(50_000) / 10.0).astype(np.float32) * 0.1
    assert len(fit_to_frames(audio)) == len(audio)
    chunk = master_segment(audio, (), CFG)
    assert len(audio) + LAME_DELAY_SAMPLES <= chunk.samples
    assert chunk.samples <= len(audio) + LAME_DELAY_SAMPLES + MP3_FRAME_SAMPLES


def test_sound_and_sentence_spans_line_up_in_the_decoded_chunk() -> None:
    audio = np.zeros(RATE * 2, dtype=np.float32)
    onset = RATE // 2
    audio[onset : onset + RATE // 2] = 0.2 * np.sin(np.arange(RATE // 2) * 0.05)
    chunk = master_segment(audio, ((0.5, 1.0),), CFG)
    decoded = _decode(chunk.mp3)
    heard = int(np.flatnonzero(np.abs(decoded) > 0.05 * np.abs(decoded).max())[0])
    # within one MP3 granule (576 samples, 13 ms): MP3 smears an onset that far
    assert abs(heard - (onset + LAME_DELAY_SAMPLES)) <= 576
    ((start, end),) = chunk.sentence_spans
    assert start == pytest.approx((onset + LAME_DELAY_SAMPLES) / RATE)
    assert end - start == pytest.approx(0.5)


def test_chunks_played_one_after_another_decode_as_one_stream() -> None:
    first = master_segment(speechlike(2.0, RATE, 0.1, seed=1), (), CFG)
    second = master_segment(speechlike(3.0, RATE, 0.02, seed=2), (), CFG)
    joined = _decode(first.mp3 + second.mp3)
    assert len(joined) == first.samples + second.samples
    np.testing.assert_allclose(joined[: first.samples - 2000], _decode(first.mp3)[:-2000])


def test_silence_and_nothing() -> None:
    quiet = master_segment(np.zeros(RATE, dtype=np.float32), (), CFG)
    assert not np.any(_decode(quiet.mp3)) and quiet.true_peak_dbtp == -np.inf
    empty = master_segment(np.zeros(0, dtype=np.float32), (), CFG)
    assert (empty.mp3, empty.samples, empty.sentence_spans) == (b"", 0, ())


def test_a_word_too_short_to_gate_is_levelled_too() -> None:
    word = np.zeros(RATE // 2, dtype=np.float32)
    burst = np.random.default_rng(3).standard_normal(12000) * np.hanning(12000)
    word[2000:14000] = 0.01 * burst  # 270 ms, about -40 dBFS: too short for gating blocks
    chunk = master_segment(word, (), CFG)
    decoded = _decode(chunk.mp3)
    spoken = decoded[np.abs(decoded) > 1e-3]
    assert 20 * np.log10(np.sqrt(np.mean(spoken**2))) > -30  # lifted from about -40 dBFS
    assert _true_peak_db(decoded) <= CFG.true_peak_dbtp


def test_a_22k_voice_is_mastered_at_its_rate_and_encoded_at_the_output_rate() -> None:
    voice = np.zeros(22050 * 3, dtype=np.float32)
    voice[: 22050 * 2] = speechlike(2.0, 22050, 0.05, hot_peaks=2, seed=5)
    chunk = master_segment(voice, ((0.1, 1.9),), CFG, sample_rate=22050)
    decoded = _decode(chunk.mp3)
    assert abs(len(decoded) - 3 * RATE) <= MP3_FRAME_SAMPLES // 2
    assert pyloudnorm.Meter(RATE).integrated_loudness(decoded) == pytest.approx(-16.0, abs=0.5)
    assert _true_peak_db(decoded) <= CFG.true_peak_dbtp
    assert chunk.sentence_spans == (
        (0.1 + LAME_DELAY_SAMPLES / RATE, 1.9 + LAME_DELAY_SAMPLES / RATE),
    )


def test_a_heading_is_levelled_loosely_and_tells_the_next_segment_nothing() -> None:
    heading = np.zeros(int(2.2 * RATE), dtype=np.float32)
    heading[RATE // 2 : RATE + RATE // 4] = speechlike(0.75, RATE, 0.05, hot_peaks=1, seed=8)
    chunk = master_segment(heading, (), CFG)
    assert np.isnan(chunk.limiter_loss_db), "too short to say what the limiter will take"
    assert _true_peak_db(_decode(chunk.mp3)) <= CFG.true_peak_dbtp, "the ceiling still holds"
    paragraph = master_segment(speechlike(8.0, RATE, 0.05, hot_peaks=3, seed=9), (), CFG)
    assert 0.0 < paragraph.limiter_loss_db < 10.0


def test_gain_the_limiter_would_take_is_not_added(monkeypatch: pytest.MonkeyPatch) -> None:
    encodes: list[tuple[float, bytes]] = []
    encode = chunks._encode

    def counted(audio: np.ndarray, rate: int, settings: Mastering, cfg: AudioConfig) -> bytes:
        encodes.append((settings.gain_db, encode(audio, rate, settings, cfg)))
        return encodes[-1][1]

    monkeypatch.setattr(chunks, "_encode", counted)
    clicks = np.zeros(int(2.2 * RATE), dtype=np.float32)
    clicks[RATE // 2 : RATE + RATE // 4 : RATE // 50] = 0.5  # all peak: no gain makes it loud
    chunk = master_segment(clicks, (), CFG)
    (first_gain, first), (second_gain, _) = encodes
    assert second_gain > first_gain and chunk.mp3 == first, "the less squashed encode is kept"
    assert _true_peak_db(_decode(chunk.mp3)) <= CFG.true_peak_dbtp
