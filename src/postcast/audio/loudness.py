"""Streaming loudness (ITU-R BS.1770-4 / EBU R128) and true-peak meters.

Hand-written because pyloudnorm (the reference we test against) needs the whole
signal in memory; a two-hour episode at 44.1 kHz is 1.3 GB of float32. Here the
K-weighting filter keeps its state (the last inputs) between chunks and
only one mean square per 100 ms step is kept, so memory stays tiny and a chunked
measurement equals a whole-signal one.
"""

from __future__ import annotations

import functools
import math
from array import array
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np
import soundfile as sf

ABSOLUTE_GATE_LUFS = -70.0
RELATIVE_GATE_LU = -10.0
BLOCK_STEPS = 4  # a 400 ms gating block is four 100 ms steps: 75 % overlap
OVERSAMPLING = 4
READ_CHUNK = 1 << 16

AudioSource = np.ndarray | str | Path


def k_weighting(sample_rate: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """The two BS.1770 biquads (pre-filter shelf, RLB high-pass) at any rate.

    Analogue prototypes from Brecht De Man's derivation (as in libebur128 and
    pyloudnorm's "DeMan" class): at 48 kHz they give the standard's coefficients.
    """
    gain_db, q_shelf, f_shelf = 3.999843853973347, 0.7071752369554196, 1681.974450955533
    k = math.tan(math.pi * f_shelf / sample_rate)
    vh = 10.0 ** (gain_db / 20.0)
    vb = vh**0.4996667741545416
    a0 = 1.0 + k / q_shelf + k * k
    shelf_b = np.array(
        [vh + vb * k / q_shelf + k * k, 2.0 * (k * k - vh), vh - vb * k / q_shelf + k * k]
    )
    shelf_a = np.array([a0, 2.0 * (k * k - 1.0), 1.0 - k / q_shelf + k * k])
    q_pass, f_pass = 0.5003270373238773, 38.13547087602444
    k = math.tan(math.pi * f_pass / sample_rate)
    pass_b = np.array([1.0, -2.0, 1.0])
    pass_a = np.array([1.0, 2.0 * (k * k - 1.0) / (1.0 + k / q_pass + k * k)])
    pass_a = np.append(pass_a, (1.0 - k / q_pass + k * k) / (1.0 + k / q_pass + k * k))
    return [(shelf_b / a0, shelf_a / a0), (pass_b, pass_a)]


class KWeightingFilter:
    """The two K-weighting biquads as one streaming filter, applied by FFT (overlap-save).

    Hand-written rather than scipy's `sosfilt`, which runs the biquads in a C loop three
    times faster: scipy.signal takes a second to import and a third of one to unload,
    a quarter of a re-render after a small edit, while numpy's FFT costs neither. The
    cascade's impulse response, sampled from its exact frequency response, is below
    1e-16 after a quarter of a second (the slowest pole is the 38 Hz high-pass), so
    convolving with that much of it is the recursive filter to rounding (tests compare).
    """

    def __init__(self, sample_rate: int) -> None:
        self.sample_rate = sample_rate
        self.taps = len(_k_weighting_impulse(sample_rate))
        self._history = np.zeros(self.taps - 1)  # the last inputs, as the filter's state

    def __call__(self, chunk: np.ndarray) -> np.ndarray:
        keep = self.taps - 1
        data = np.concatenate([self._history, chunk])
        self._history = data[len(data) - keep :]
        size = min(1 << math.ceil(math.log2(keep + len(chunk) + 1)), 8 * self.taps)
        spectrum = _k_weighting_spectrum(self.sample_rate, size)
        hop = size - keep  # outputs per transform that see no wrapped-around input
        weighted = np.empty(len(chunk))
        for start in range(0, len(chunk), hop):
            block = data[start : start + size]
            filtered = np.fft.irfft(np.fft.rfft(block, size) * spectrum, size)
            count = min(hop, len(chunk) - start)
            weighted[start : start + count] = filtered[keep : keep + count]
        return weighted


# Designed once per rate (and transform size): a meter is made for every segment measured.
@functools.cache
def _k_weighting_impulse(sample_rate: int) -> np.ndarray:
    taps = 1 << math.ceil(math.log2(sample_rate / 4))
    design = 16 * taps  # long enough that the response's tail does not wrap
    delay = np.exp(-2j * np.pi * np.fft.rfftfreq(design))  # z^-1 on the unit circle
    response = np.ones(len(delay), dtype=complex)
    for b, a in k_weighting(sample_rate):
        response *= np.polyval(b[::-1], delay) / np.polyval(a[::-1], delay)
    impulse: np.ndarray = np.fft.irfft(response, design)[:taps]
    impulse.flags.writeable = False
    return impulse


@functools.cache
def _k_weighting_spectrum(sample_rate: int, size: int) -> np.ndarray:
    spectrum: np.ndarray = np.fft.rfft(_k_weighting_impulse(sample_rate), size)
    spectrum.flags.writeable = False
    return spectrum


def _power_to_lufs(power: float) -> float:
    return -0.691 + 10.0 * math.log10(power) if power > 0 else -math.inf


class LoudnessMeter:
    """Integrated loudness of a mono signal fed in chunks of any size."""

    def __init__(self, sample_rate: int) -> None:
        self.sample_rate = sample_rate
        self.step = sample_rate // 10  # 100 ms
        self._filter = KWeightingFilter(sample_rate)
        self._partial_sum = 0.0
        self._partial_len = 0
        # One double per 100 ms (576 kB for two hours): small enough to keep, and
        # it keeps the gating exact, unlike libebur128's histogram approximation.
        self._step_sums = array("d")
        self.samples = 0

    def add(self, chunk: np.ndarray) -> None:
        self.add_weighted(self.weight(chunk))

    def weight(self, chunk: np.ndarray) -> np.ndarray:
        """The chunk K-weighted, continuing from the previous chunk's filter state."""
        return self._filter(np.asarray(chunk, dtype=np.float64))

    def add_weighted(self, weighted: np.ndarray) -> None:
        """Count an already K-weighted chunk (from `weight`, possibly scaled)."""
        self.samples += len(weighted)
        squares = weighted * weighted
        start = 0
        if self._partial_len:
            take = min(self.step - self._partial_len, len(squares))
            self._partial_sum += float(squares[:take].sum())
            self._partial_len += take
            start = take
            if self._partial_len == self.step:
                self._step_sums.append(self._partial_sum)
                self._partial_sum, self._partial_len = 0.0, 0
        whole = (len(squares) - start) // self.step
        if whole:
            steps = squares[start : start + whole * self.step].reshape(whole, self.step)
            self._step_sums.extend(steps.sum(axis=1).tolist())
            start += whole * self.step
        if start < len(squares):
            self._partial_sum += float(squares[start:].sum())
            self._partial_len += len(squares) - start

    def steps(self) -> np.ndarray:
        """Sum of K-weighted squares of every complete 100 ms step so far: two meters'
        steps, concatenated, measure the two signals played one after the other."""
        return np.asarray(self._step_sums, dtype=np.float64)

    def integrated(self) -> float:
        """Gated integrated loudness in LUFS; -inf for silence or under 400 ms."""
        return integrated_from_steps(self.steps(), self.step)


def integrated_from_steps(step_sums: np.ndarray, step: int) -> float:
    """BS.1770 gated loudness from per-100 ms sums of K-weighted squares (`step` samples
    each): 400 ms blocks hopping by 100 ms, absolute then relative gate."""
    if len(step_sums) < BLOCK_STEPS:
        return -math.inf
    windows = np.lib.stride_tricks.sliding_window_view(step_sums, BLOCK_STEPS)
    powers = windows.sum(axis=1) / (BLOCK_STEPS * step)
    with np.errstate(divide="ignore"):
        block_lufs = -0.691 + 10.0 * np.log10(powers)
    above_absolute = powers[block_lufs > ABSOLUTE_GATE_LUFS]
    if not len(above_absolute):
        return -math.inf
    relative_gate = _power_to_lufs(float(above_absolute.mean())) + RELATIVE_GATE_LU
    gated = powers[(block_lufs > ABSOLUTE_GATE_LUFS) & (block_lufs > relative_gate)]
    return _power_to_lufs(float(gated.mean())) if len(gated) else -math.inf


def oversampling_filter() -> np.ndarray:
    """The 4x interpolation FIR `resample_poly` uses (Kaiser-windowed sinc, 81 taps).

    Its delay is a whole 10 input samples, and phase 0 passes the original
    samples through, so sample peaks are always among the detected peaks.
    """
    # scipy's firwin(81, 1/4, window=("kaiser", 5.0)), written out: a Kaiser-windowed
    # sinc scaled to unit gain at DC (numpy has both; scipy.signal takes a second to import)
    half_len = 10 * OVERSAMPLING
    offsets = np.arange(2 * half_len + 1) - half_len
    taps = np.sinc(offsets / OVERSAMPLING) * np.kaiser(2 * half_len + 1, 5.0)
    scaled: np.ndarray = taps * (OVERSAMPLING / taps.sum())
    return scaled


FILTER_DELAY = 10  # input samples: (81 - 1) / 2 oversampled samples / 4


BLOCK = 64  # samples: the unit in which quiet stretches are skipped


class Oversampler:
    """Stateful 4x polyphase interpolator: per input sample, the peak of its 4 phases.

    `peaks(chunk)[i]` is the largest magnitude of the band-limited signal between
    input samples `n - 10` and `n - 9.25`, where `n` is the running index of `chunk[i]`.
    """

    def __init__(self) -> None:
        taps = np.append(oversampling_filter(), np.zeros(3))  # 84 taps: 21 per phase
        phases = [taps[phase::OVERSAMPLING] for phase in range(OVERSAMPLING)]
        # Phase 0 of a windowed sinc cut off at 1/4 is a pure delay (its other taps
        # are zero): a scaled copy of the input, no filtering needed.
        self.passthrough_gain = float(phases[0][FILTER_DELAY])
        self._phases = phases[1:]
        # No interpolated value exceeds its window's largest magnitude times this.
        self._bound_gain = max(float(np.abs(phase).sum()) for phase in self._phases)
        self._history = np.zeros(len(phases[0]) - 1)

    def peaks(self, chunk: np.ndarray, floor: float = 0.0) -> np.ndarray:
        """The peaks, exact where they may exceed `floor`; elsewhere some value <= `floor`.

        Speech spends most of its time well below the loudest peaks, so with a
        floor (the limiter's ceiling, the peak found so far) only the blocks of
        `BLOCK` samples whose neighbourhood is loud enough are interpolated.
        """
        data = np.concatenate([self._history, np.asarray(chunk, dtype=np.float64)])
        keep = len(self._history)
        self._history = data[len(data) - keep :]
        delayed = data[keep - FILTER_DELAY : len(data) - FILTER_DELAY]
        peak: np.ndarray = np.abs(delayed) * self.passthrough_gain
        if floor <= 0.0:
            for phase in self._phases:
                np.maximum(peak, np.abs(np.convolve(data, phase, "valid")), out=peak)
            return peak
        rows = -(-len(peak) // BLOCK)
        padded = np.zeros((rows + 1) * BLOCK)
        padded[: len(data)] = data
        # Block j's outputs read data[j * BLOCK : j * BLOCK + BLOCK + keep], inside
        # blocks j and j + 1: no interpolated value there exceeds their largest
        # magnitude times the filter's absolute sum.
        block_max = np.abs(padded).reshape(rows + 1, BLOCK).max(axis=1)
        reach = np.maximum(block_max[:-1], block_max[1:]) * self._bound_gain
        loud = np.flatnonzero(reach > floor)
        if not len(loud):
            return peak
        width = BLOCK + keep
        rows_data = np.lib.stride_tricks.sliding_window_view(padded, width)[::BLOCK][loud]
        flat = rows_data.reshape(-1)
        interpolated = np.zeros((len(loud), BLOCK))
        for phase in self._phases:
            filtered = np.abs(np.convolve(flat, phase, "valid"))
            # Each row's first BLOCK outputs use that row's samples only.
            per_row = np.lib.stride_tricks.sliding_window_view(filtered, BLOCK)[::width]
            np.maximum(interpolated, per_row, out=interpolated)
        by_row = np.zeros(rows * BLOCK)
        by_row[: len(peak)] = peak
        grid = by_row.reshape(rows, BLOCK)
        grid[loud] = np.maximum(grid[loud], interpolated)
        return by_row[: len(peak)]


class TruePeakMeter:
    """Maximum true peak (dBTP) of a signal fed in chunks."""

    def __init__(self) -> None:
        self._oversampler = Oversampler()
        self.peak = 0.0

    def add(self, chunk: np.ndarray) -> None:
        if len(chunk):
            # A sample's own value is a peak too: only louder neighbourhoods matter.
            sample_peak = float(np.abs(chunk).max()) * self._oversampler.passthrough_gain
            peaks = self._oversampler.peaks(chunk, max(self.peak, sample_peak))
            self.peak = max(self.peak, float(peaks.max()))

    def finish(self) -> float:
        # Flush the filter so the last samples' interpolated peaks are seen too.
        self.add(np.zeros(2 * FILTER_DELAY + 1))
        return to_db(self.peak)


def to_db(amplitude: float) -> float:
    return 20.0 * math.log10(amplitude) if amplitude > 0 else -math.inf


def _chunks(source: AudioSource, sample_rate: int | None) -> tuple[int, Iterator[np.ndarray]]:
    """Mono float chunks of an array or an audio file (files are mixed down)."""
    if isinstance(source, np.ndarray):
        if sample_rate is None:
            raise ValueError("sample_rate is required for an array")
        data = source if source.ndim == 1 else source.mean(axis=1)
        return sample_rate, iter([data])
    info = sf.info(str(source))

    def read() -> Iterator[np.ndarray]:
        for block in sf.blocks(str(source), blocksize=READ_CHUNK, dtype="float64", always_2d=True):
            yield block.mean(axis=1)

    return info.samplerate, read()


def measure_loudness(source: AudioSource, sample_rate: int | None = None) -> float:
    """Integrated loudness (LUFS) of an array (give `sample_rate`) or an audio file."""
    rate, chunks = _chunks(source, sample_rate)
    meter = LoudnessMeter(rate)
    for chunk in chunks:
        meter.add(chunk)
    return meter.integrated()


def true_peak_dbtp(source: AudioSource, sample_rate: int | None = None) -> float:
    """True peak (dBTP, 4x oversampled) of an array (give `sample_rate`) or an audio file."""
    _, chunks = _chunks(source, sample_rate if sample_rate is not None else 0)
    return measure_true_peak(chunks)


def measure_true_peak(chunks: Iterable[np.ndarray]) -> float:
    meter = TruePeakMeter()
    for chunk in chunks:
        meter.add(chunk)
    return meter.finish()
