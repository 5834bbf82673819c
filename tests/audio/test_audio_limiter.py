"""The look-ahead limiter holds true peaks at its ceiling without clipping."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.ndimage import maximum_filter1d

from postcast.audio import true_peak_dbtp
from postcast.audio.limiter import TruePeakLimiter, trailing_max
from tests.audio.testsignals import speechlike

RATE = 44100


def _limit(audio: np.ndarray, chunk: int, ceiling: float = -2.0) -> np.ndarray:
    limiter = TruePeakLimiter(RATE, ceiling)
    parts = [limiter.process(audio[i : i + chunk]) for i in range(0, len(audio), chunk)]
    parts.append(limiter.flush())
    return np.concatenate(parts)[limiter.latency :]


def _hot_signal() -> np.ndarray:
    """Speech-like audio 8 dB too hot, with clicks and a near-Nyquist burst."""
    audio = speechlike(10, RATE, level=0.25, hot_peaks=6, seed=4).astype(np.float64)
    t = np.arange(RATE // 5) / RATE
    audio[RATE : RATE + len(t)] += 0.8 * np.sin(2 * np.pi * 11025.5 * t + 0.7)
    return audio


def _longest_flat_run(audio: np.ndarray) -> int:
    """Longest run of consecutive samples within 1e-6 of the largest magnitude."""
    pinned = np.abs(np.abs(audio) - np.abs(audio).max()) < 1e-6
    edges = np.flatnonzero(np.diff(np.concatenate([[0], pinned.astype(int), [0]])))
    return int((edges[1::2] - edges[::2]).max())


def test_true_peak_stays_at_the_ceiling() -> None:
    audio = _hot_signal()
    assert true_peak_dbtp(audio, RATE) > 3.0
    limited = _limit(audio, RATE)
    assert len(limited) == len(audio)
    assert true_peak_dbtp(limited, RATE) <= -2.0 + 0.05


def test_it_limits_rather_than_clips() -> None:
    audio = _hot_signal()
    limited = _limit(audio, RATE)
    clipped = np.clip(audio, -0.7, 0.7)
    assert _longest_flat_run(clipped) > 3  # the measure does catch clipping
    assert _longest_flat_run(limited) <= 2
    # Gain changes smoothly: no jump of more than ~1 dB between neighbouring samples.
    gain = np.abs(limited) / np.maximum(np.abs(audio), 1e-9)
    loud = np.abs(audio) > 0.05
    steps = np.abs(np.diff(20 * np.log10(gain[loud])))[np.diff(np.flatnonzero(loud)) == 1]
    assert steps.max() < 1.0


def test_chunk_size_does_not_matter() -> None:
    audio = _hot_signal()[RATE - 4000 : RATE + 12000]  # around the hottest burst
    reference = _limit(audio, RATE)
    assert true_peak_dbtp(reference, RATE) < true_peak_dbtp(audio, RATE) - 3
    for chunk in (7, 1000, 65536):
        np.testing.assert_allclose(_limit(audio, chunk), reference, atol=1e-9)


def test_quiet_audio_passes_unchanged_and_in_time() -> None:
    audio = speechlike(3, RATE, level=0.01, seed=2).astype(np.float64)
    limited = _limit(audio, 4096)
    np.testing.assert_allclose(limited, audio, atol=1e-12)


def test_gain_reduction_starts_before_the_peak() -> None:
    audio = np.full(RATE, 0.1)
    audio[RATE // 2] = 1.0  # one hot sample
    limited = _limit(audio, 4096, ceiling=-6.0)
    look_ahead = TruePeakLimiter(RATE, -6.0).window
    before = limited[RATE // 2 - look_ahead // 2]
    assert before < 0.1 - 1e-4  # already turning down half a window ahead
    assert limited[RATE // 2 - 3 * look_ahead] == pytest.approx(0.1, abs=1e-9)
    assert abs(limited[RATE // 2]) <= 10 ** (-6 / 20) + 1e-3


@pytest.mark.parametrize("window", [2, 3, 110, 221])
@pytest.mark.parametrize("extra", [0, 1, 500, 999])
def test_trailing_max_is_a_running_maximum(window: int, extra: int) -> None:
    values = np.random.default_rng(window + extra).random(window + extra)
    expected = maximum_filter1d(values, window, origin=(window - 1) // 2)[window - 1 :]
    assert np.array_equal(trailing_max(values, window), expected)
    assert trailing_max(values[: window - 1], window).size == 0
