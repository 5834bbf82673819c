"""Silence: made to measure for pauses, trimmed off the ends of each take."""

from __future__ import annotations

import numpy as np

FRAME_SECONDS = 0.01
THRESHOLD_DBFS = -50.0  # below this a 10 ms frame counts as silence
MARGIN_SECONDS = 0.03  # kept on each side so soft onsets and endings aren't clipped


def silence(seconds: float, sample_rate: int) -> np.ndarray:
    return np.zeros(max(0, round(seconds * sample_rate)), dtype=np.float32)


def trim_silence(audio: np.ndarray, sample_rate: int) -> np.ndarray:
    """`audio` without the silence an engine leaves around a sentence.

    Engines pad takes differently (Piper ~0.2 s, espeak-ng more); trimming makes the
    configured pauses the only pauses, whichever engine spoke.
    """
    frame = max(1, round(FRAME_SECONDS * sample_rate))
    frames = audio.size // frame
    if frames == 0:
        return audio.astype(np.float32, copy=False)
    framed = audio[: frames * frame].reshape(frames, frame).astype(np.float64)
    power = np.mean(np.square(framed), axis=1)
    loud = np.flatnonzero(power > 10 ** (THRESHOLD_DBFS / 10))
    if loud.size == 0:
        return np.zeros(0, dtype=np.float32)
    margin = round(MARGIN_SECONDS * sample_rate)
    start = max(0, loud[0] * frame - margin)
    end = min(audio.size, (loud[-1] + 1) * frame + margin)
    return audio[start:end].astype(np.float32, copy=False)
