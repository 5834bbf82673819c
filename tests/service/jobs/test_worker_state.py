"""What a worker process keeps between tasks: the voice loaded as the process starts,
and handed to a task only once that load is over (Piper's phonemizer, espeak-ng, must
never run in two threads at once)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from postcast.config import Config, SpeechConfig
from postcast.service.jobs.state import WorkerState


@pytest.mark.slow
def test_a_task_takes_the_engine_only_once_the_warm_up_is_over(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    speech = SpeechConfig(cache_dir=str(tmp_path / "cache"), noise_scale=0.0, noise_w_scale=0.0)
    state = WorkerState(Config(speech=speech), threads=1)
    caplog.set_level(logging.INFO, logger="postcast.service.jobs.state")
    warming = state.warm_up_in_background()
    engine = state.engine()  # as a task asking at once would
    assert "voice ready in" in caplog.text  # the warm-up had spoken before this returned
    warming.join()
    assert state.engine() is engine  # one engine, loaded once and kept
    assert len(engine.synthesize("Hello.")) > 0
