"""The streaming BS.1770 meter agrees with pyloudnorm; true peak sees intersample peaks."""

from __future__ import annotations

import math

import numpy as np
import pyloudnorm
import pytest
import soundfile as sf
from scipy import signal

from postcast.audio import LoudnessMeter, measure_loudness, true_peak_dbtp
from postcast.audio.loudness import (
    KWeightingFilter,
    Oversampler,
    k_weighting,
    measure_true_peak,
    oversampling_filter,
)
from tests.audio.testsignals import speechlike


def _bursts(rate: int, seconds: float, seed: int) -> np.ndarray:
    """Noise whose level jumps by tens of dB every 100 ms, with silent stretches."""
    rng = np.random.default_rng(seed)
    steps = int(seconds * 10)
    levels = rng.uniform(0, 1, steps) ** 4 * (rng.uniform(0, 1, steps) > 0.2)
    envelope = np.repeat(levels, rate // 10)
    return rng.normal(size=len(envelope)) * 0.3 * envelope


def _mixed_levels(rate: int) -> np.ndarray:
    """Speech-like passages 20 dB apart, then a tone, then silence."""
    quiet = speechlike(6, rate, level=0.02, seed=1)
    loud = speechlike(6, rate, level=0.2, seed=2)
    tone = 0.25 * np.sin(2 * np.pi * 997 * np.arange(3 * rate) / rate)
    return np.concatenate([quiet, loud, tone, np.zeros(2 * rate)]).astype(np.float64)


SIGNALS = {"bursts": lambda rate: _bursts(rate, 12, 3), "mixed": _mixed_levels}


@pytest.mark.parametrize("rate", [22050, 44100, 48000])
@pytest.mark.parametrize("name", sorted(SIGNALS))
def test_streaming_meter_agrees_with_pyloudnorm(name: str, rate: int) -> None:
    audio = SIGNALS[name](rate)
    expected = pyloudnorm.Meter(rate, filter_class="DeMan").integrated_loudness(audio)
    standard = pyloudnorm.Meter(rate).integrated_loudness(audio)
    meter = LoudnessMeter(rate)
    for start in range(0, len(audio), 12_345):  # chunks that do not line up with blocks
        meter.add(audio[start : start + 12_345])
    assert meter.integrated() == pytest.approx(expected, abs=0.1)
    assert meter.integrated() == pytest.approx(standard, abs=0.1)


def test_chunking_does_not_change_the_result() -> None:
    audio = _mixed_levels(44100)
    whole = measure_loudness(audio, 44100)
    meter = LoudnessMeter(44100)
    for start in range(0, len(audio), 777):
        meter.add(audio[start : start + 777])
    assert meter.integrated() == pytest.approx(whole, abs=1e-9)


def test_a_full_scale_997_hz_sine_reads_about_minus_3_lufs() -> None:
    # BS.1770's own calibration point: a 0 dBFS 997 Hz sine in one channel is -3.01 LKFS.
    rate = 48000
    tone = np.sin(2 * np.pi * 997 * np.arange(5 * rate) / rate)
    assert measure_loudness(tone, rate) == pytest.approx(-3.01, abs=0.05)


def test_gating_ignores_silence_and_quiet_passages() -> None:
    rate = 44100
    loud = 0.1 * np.sin(2 * np.pi * 997 * np.arange(5 * rate) / rate)
    padded = np.concatenate([np.zeros(10 * rate), loud, 1e-5 * loud, np.zeros(10 * rate)])
    gated = measure_loudness(padded, rate)
    # Ungated, 25 s of silence would pull it 7.8 dB down; gated, only the blocks
    # straddling the edges of the tone count a little of it.
    assert gated == pytest.approx(measure_loudness(loud, rate), abs=0.5)
    assert gated == pytest.approx(pyloudnorm.Meter(rate).integrated_loudness(padded), abs=0.1)


def test_silence_and_too_short_audio_have_no_loudness() -> None:
    assert measure_loudness(np.zeros(44100 * 3), 44100) == -math.inf
    assert measure_loudness(np.ones(4000) * 0.5, 44100) == -math.inf  # under one 400 ms block


def test_true_peak_finds_peaks_between_samples() -> None:
    # A quarter-rate sine sampled 45 degrees off its crests: every sample is at
    # 0.707, the waveform between them reaches 1.0 (+3 dB over the sample peak).
    rate = 44100
    n = np.arange(rate)
    audio = np.sin(2 * np.pi * n / 4 + np.pi / 4) * signal.windows.tukey(rate, 0.1)
    sample_peak = 20 * np.log10(np.abs(audio).max())
    assert sample_peak == pytest.approx(-3.01, abs=0.01)
    assert true_peak_dbtp(audio, rate) == pytest.approx(0.0, abs=0.1)


def test_true_peak_matches_resample_poly_on_noise() -> None:
    rng = np.random.default_rng(5)
    audio = rng.normal(size=44100) * 0.2
    reference = 20 * np.log10(np.abs(signal.resample_poly(audio, 4, 1)).max())
    chunks = (audio[i : i + 1000] for i in range(0, len(audio), 1000))
    assert measure_true_peak(chunks) == pytest.approx(reference, abs=1e-6)


def test_oversampler_phases_line_up_with_the_input() -> None:
    rng = np.random.default_rng(6)
    audio = rng.normal(size=3000)
    upsampled = np.abs(signal.resample_poly(audio, 4, 1)).reshape(-1, 4).max(axis=1)
    peaks = Oversampler().peaks(audio)
    # peaks[n] covers the signal 10 samples back (the filter's delay).
    np.testing.assert_allclose(peaks[10:2900], upsampled[:2890], atol=1e-12)


def test_helpers_read_files(tmp_path) -> None:
    rate = 44100
    audio = _mixed_levels(rate) * 0.5
    path = tmp_path / "mixed.wav"
    sf.write(path, audio, rate, subtype="FLOAT")
    assert measure_loudness(path) == pytest.approx(measure_loudness(audio, rate), abs=1e-3)
    assert true_peak_dbtp(path) == pytest.approx(true_peak_dbtp(audio, rate), abs=1e-3)


@pytest.mark.parametrize("rate", [16000, 22050, 44100, 48000])
def test_k_weighting_by_fft_is_the_recursive_filter(rate: int) -> None:
    audio = np.random.default_rng(rate).standard_normal(rate * 3) * 0.1
    audio[rate : rate + 50] += 0.9  # a click: the impulse response's long tail shows
    sos = np.array([np.concatenate([b, a]) for b, a in k_weighting(rate)])
    expected = signal.sosfilt(sos, audio)
    whole = KWeightingFilter(rate)(audio)
    streamed = KWeightingFilter(rate)
    pieces = [streamed(piece) for piece in np.array_split(audio, [1, 7, 5000, rate, 2 * rate])]
    assert np.abs(whole - expected).max() < 1e-10
    assert np.abs(np.concatenate(pieces) - expected).max() < 1e-10


def test_the_oversampling_filter_is_scipys_resampling_filter() -> None:
    expected = signal.firwin(81, 0.25, window=("kaiser", 5.0)) * 4
    assert np.allclose(oversampling_filter(), expected, rtol=0, atol=1e-15)
