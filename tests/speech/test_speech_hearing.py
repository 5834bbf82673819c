"""The intro gate's Whisper hears in a process of its own, which ends once it has heard."""

from __future__ import annotations

import logging
import os
import signal
from pathlib import Path

import numpy as np
import pytest

from postcast.config import AudioConfig, SpeechConfig
from postcast.models import Script, Segment, SegmentKind
from postcast.speech import quality, speak
from postcast.speech.hearing import HearingProcess
from postcast.speech.piper_engine import PiperEngine
from postcast.speech.quality import QualityGate

pytestmark = pytest.mark.slow

SENTENCE = "Bees dance to tell each other where the flowers are."


@pytest.fixture(scope="module")
def take() -> tuple[np.ndarray, int]:
    engine = PiperEngine(SpeechConfig(cache_max_mb=0, noise_scale=0.0, noise_w_scale=0.0))
    return engine.synthesize(SENTENCE), engine.sample_rate


def _hearing_pids(hearing: HearingProcess) -> list[int]:
    pool = hearing._pool
    assert pool is not None and pool._processes is not None
    return list(pool._processes)


def test_a_gate_apart_hears_in_another_process_what_it_hears_here(
    take: tuple[np.ndarray, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    audio, rate = take
    apart = QualityGate(0.1, beam_size=5, own_process=True)
    assert apart.hearing is not None

    def not_here(threads: int, beam_size: int) -> None:
        raise AssertionError("Whisper was loaded in this process")

    try:
        with monkeypatch.context() as patched:
            patched.setattr(quality, "loaded_whisper", not_here)
            heard = apart.transcribe(audio, rate, "Bees")
        (pid,) = _hearing_pids(apart.hearing)
        assert pid != os.getpid()
    finally:
        apart.close()
    assert not apart.hearing.running
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # ended and reaped
    assert heard == QualityGate(0.1, beam_size=5).transcribe(audio, rate, "Bees")
    assert "flowers" in heard.lower()


def test_a_killed_hearing_process_is_heard_for_here(
    take: tuple[np.ndarray, int], caplog: pytest.LogCaptureFixture
) -> None:
    audio, rate = take
    gate = QualityGate(0.1, own_process=True)
    assert gate.hearing is not None
    gate.start()
    (pid,) = _hearing_pids(gate.hearing)
    os.kill(pid, signal.SIGKILL)
    with caplog.at_level(logging.WARNING, logger="postcast.speech.hearing"):
        heard = gate.transcribe(audio, rate, "Bees")
    assert "flowers" in heard.lower() and "heard here" in caplog.text
    assert not gate.hearing.running


def test_the_intro_gate_hears_apart_and_lets_its_process_go(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    heard_in: list[list[int]] = []
    closed: list[bool] = []
    transcribe, close = HearingProcess.transcribe, HearingProcess.close

    def noted_transcribe(
        hearing: HearingProcess, audio: np.ndarray, rate: int, hotwords: str | None
    ) -> str:
        text = transcribe(hearing, audio, rate, hotwords)
        heard_in.append(_hearing_pids(hearing))
        return text

    def noted_close(hearing: HearingProcess) -> None:
        closed.append(hearing.running)
        close(hearing)

    def whisper_here(gate: QualityGate) -> None:
        raise AssertionError("Whisper loaded in the render's process")

    monkeypatch.setattr(HearingProcess, "transcribe", noted_transcribe)
    monkeypatch.setattr(HearingProcess, "close", noted_close)
    monkeypatch.setattr(QualityGate, "_whisper", whisper_here)  # the spawned child has its own
    script = Script(
        "t",
        (
            Segment("Welcome to the show.", SegmentKind.INTRO),
            Segment(SENTENCE, SegmentKind.PARAGRAPH),
            Segment("Thanks for listening.", SegmentKind.OUTRO),
        ),
    )
    config = SpeechConfig(cache_dir=str(tmp_path), workers=1)  # Piper, noise on: gated
    items = list(speak(script, config, AudioConfig()))
    assert [item.segment for item in items] == list(script.segments)
    assert heard_in and all(pids and os.getpid() not in pids for pids in heard_in)
    assert closed[0] is True, "the process ends once the intro and outro are heard"


def test_where_no_process_may_start_whisper_is_loaded_once_for_every_render(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A job queue's worker is a daemonic pool process: the intro gate hears there, and
    # loads tiny.en for its first episode only, as the voice is kept between tasks.
    import faster_whisper

    loads: list[int] = []

    class CountedWhisper(faster_whisper.WhisperModel):
        def __init__(self, *args: object, **kwargs: object) -> None:
            loads.append(1)
            super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(HearingProcess, "possible", staticmethod(lambda: False))
    monkeypatch.setattr(faster_whisper, "WhisperModel", CountedWhisper)
    monkeypatch.setattr(quality, "_loaded", {})
    heard: list[str] = []
    transcribe_here = QualityGate.transcribe_here

    def noted(gate: QualityGate, audio: np.ndarray, rate: int, hotwords: str | None) -> str:
        heard.append(transcribe_here(gate, audio, rate, hotwords))
        return heard[-1]

    monkeypatch.setattr(QualityGate, "transcribe_here", noted)
    script = Script(
        "t",
        (
            Segment("Welcome to the show.", SegmentKind.INTRO),
            Segment(SENTENCE, SegmentKind.PARAGRAPH),
        ),
    )
    for episode in range(2):  # a cache of its own each: both intros are spoken and heard
        config = SpeechConfig(cache_dir=str(tmp_path / str(episode)), workers=1)
        items = list(speak(script, config, AudioConfig()))
        assert [item.segment for item in items] == list(script.segments)
        assert heard and "show" in heard[-1].lower(), f"episode {episode}'s intro heard here"
        heard.clear()
    assert loads == [1]
