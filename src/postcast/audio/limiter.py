"""A streaming look-ahead true-peak limiter.

Hand-written: pedalboard's `Limiter` (JUCE's) is not installed, has no look-ahead
and watches sample peaks only, so it lets intersample peaks through, which is
what MP3 decoders then clip. This one detects peaks on a 4x oversampled signal,
and smooths its gain so that it never needs to clip.

Gain reduction is computed in dB, per sample, in four vectorised steps, each a
causal filter with a little carried state, so any chunking gives the same output:

1. needed:  how far the oversampled peak around a sample is above the ceiling;
2. release: a peak hold that falls back at `release_db_per_s` (exponential in gain);
3. hold:    the maximum over the next `lookahead` samples, so reduction starts early;
4. attack:  a moving average over the same window: a smooth ramp that, being an
   average of values each at least `needed` at the peak, still meets the ceiling.

The signal is delayed to line up with its gain (latency `FILTER_DELAY + lookahead - 1`).
"""

from __future__ import annotations

import numpy as np

from postcast.audio.loudness import FILTER_DELAY, Oversampler


def trailing_max(values: np.ndarray, window: int) -> np.ndarray:
    """`max(values[i : i + window])` for every full window, in O(n) (van Herk and
    Gil-Werman: running maxima forwards and backwards within blocks of `window`).

    Hand-written: scipy.ndimage's `maximum_filter1d` does the same, but importing it
    costs a third of a second, much of a re-render that masters one segment.
    """
    count = len(values) - window + 1
    if count <= 0:
        return np.zeros(0)
    blocks = -(-len(values) // window)
    padded = np.full(blocks * window, -np.inf)
    padded[: len(values)] = values
    grid = padded.reshape(blocks, window)
    from_block_start = np.maximum.accumulate(grid, axis=1).reshape(-1)
    to_block_end = np.maximum.accumulate(grid[:, ::-1], axis=1)[:, ::-1].reshape(-1)
    # a window starting at i ends at i + window - 1: it spans the rest of i's block and
    # the start of the next block, up to that end
    return np.maximum(to_block_end[:count], from_block_start[window - 1 : window - 1 + count])


class TruePeakLimiter:
    """Keeps the 4x-oversampled peak of a mono signal at or below `ceiling_dbtp`."""

    def __init__(
        self,
        sample_rate: int,
        ceiling_dbtp: float,
        lookahead_s: float = 0.005,
        release_db_per_s: float = 120.0,
    ) -> None:
        self.ceiling_dbtp = ceiling_dbtp
        self._ceiling = 10.0 ** (ceiling_dbtp / 20.0)
        self.window = max(2, round(lookahead_s * sample_rate))
        self._release_per_sample = release_db_per_s / sample_rate
        self._oversampler = Oversampler()
        self._last_peak = np.zeros(1)  # peaks span two detector steps: keep one back
        self._last_release = 0.0
        self._hold_history = np.zeros(self.window - 1)
        self._attack_history = np.zeros(self.window - 1)
        self.latency = FILTER_DELAY + self.window - 1
        self._delay_line = np.zeros(self.latency)
        self.max_reduction_db = 0.0

    def process(self, chunk: np.ndarray) -> np.ndarray:
        """Limit the next samples; returns as many samples, `latency` samples late."""
        data = np.asarray(chunk, dtype=np.float64)
        if not len(data):
            return data
        reduction = self._attack(self._hold(self._release(self._needed(data))))
        self.max_reduction_db = max(self.max_reduction_db, float(reduction.max()))
        delayed = np.concatenate([self._delay_line, data])
        self._delay_line = delayed[len(data) :]
        output = delayed[: len(data)]
        reduced = np.flatnonzero(reduction)
        output[reduced] *= 10.0 ** (-reduction[reduced] / 20.0)
        return output

    def flush(self) -> np.ndarray:
        """The last `latency` samples still held back."""
        return self.process(np.zeros(self.latency))

    def _needed(self, data: np.ndarray) -> np.ndarray:
        peaks = np.concatenate([self._last_peak, self._oversampler.peaks(data, self._ceiling)])
        self._last_peak = peaks[-1:]
        # Covers the band-limited signal from one sample before to one after.
        around = np.maximum(peaks[:-1], peaks[1:])
        # Most samples are under the ceiling: take logarithms of the others only.
        over = np.flatnonzero(around > self._ceiling)
        needed = np.zeros(len(around))
        needed[over] = np.maximum(20.0 * np.log10(around[over]) - self.ceiling_dbtp, 0.0)
        return needed

    def _release(self, needed: np.ndarray) -> np.ndarray:
        # max over k <= n of needed[k] - (n - k) * rate, as a running maximum.
        slope = np.arange(len(needed) + 1) * self._release_per_sample
        ramp = np.concatenate([[self._last_release], needed]) + slope
        released: np.ndarray = (np.maximum.accumulate(ramp) - slope)[1:]
        self._last_release = float(released[-1])
        return released

    def _hold(self, released: np.ndarray) -> np.ndarray:
        extended = np.concatenate([self._hold_history, released])
        self._hold_history = extended[len(extended) - (self.window - 1) :]
        return trailing_max(extended, self.window)

    def _attack(self, held: np.ndarray) -> np.ndarray:
        extended = np.concatenate([self._attack_history, held])
        self._attack_history = extended[len(extended) - (self.window - 1) :]
        sums = np.cumsum(np.concatenate([[0.0], extended]))
        averaged: np.ndarray = (sums[self.window :] - sums[: -self.window]) / self.window
        return averaged
