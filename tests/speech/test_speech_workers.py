"""How speak() spreads sentences: engine's preference, `[speech] workers`, script length."""

from __future__ import annotations

import pytest

from postcast.config import SpeechConfig
from postcast.speech.base import Concurrency
from postcast.speech.espeak_engine import EspeakEngine
from postcast.speech.hibari_engine import HibariEngine
from postcast.speech.openai_engine import OpenAIEngine
from postcast.speech.piper_engine import PiperEngine
from postcast.speech.workers import POOL_MIN_SENTENCES, available_cores, plan_for


@pytest.fixture
def piper() -> PiperEngine:
    engine = PiperEngine(SpeechConfig())
    if engine.concurrency() is not Concurrency.PROCESSES:
        pytest.skip("ONNX Runtime has a GPU here: Piper runs as one batched session")
    return engine


def test_piper_on_cpu_uses_a_process_pool_for_long_scripts(piper: PiperEngine) -> None:
    plan = plan_for(piper, SpeechConfig(), POOL_MIN_SENTENCES)
    if available_cores() < 2:
        assert plan.mode is Concurrency.SINGLE
    else:
        assert plan.mode is Concurrency.PROCESSES and plan.workers == available_cores()
    assert not plan.batches_segments or plan.mode is Concurrency.SINGLE


def test_short_scripts_skip_the_pool_start_up(piper: PiperEngine) -> None:
    plan = plan_for(piper, SpeechConfig(), POOL_MIN_SENTENCES - 1)
    assert plan.mode is Concurrency.SINGLE and plan.workers == 1


def test_configured_workers_win(piper: PiperEngine) -> None:
    assert plan_for(piper, SpeechConfig(workers=1), 1000).mode is Concurrency.SINGLE
    forced = plan_for(piper, SpeechConfig(workers=3), 2)
    assert forced.mode is Concurrency.PROCESSES and forced.workers == 3


def test_subprocess_and_network_engines_use_threads() -> None:
    for engine in (EspeakEngine(SpeechConfig()), OpenAIEngine(SpeechConfig())):
        plan = plan_for(engine, SpeechConfig(), 5)
        assert plan.mode is Concurrency.THREADS and plan.workers >= 2
        assert plan_for(engine, SpeechConfig(workers=7)).workers == 7


def test_a_shared_model_speaks_in_as_many_threads_as_it_may_use_cores() -> None:
    # hibari: one model, its runs outside the GIL; a worker given one CPU thread
    # (`postcast worker --threads 1`) must keep it to one, not a pool of four
    unbounded = plan_for(HibariEngine(SpeechConfig()), SpeechConfig(), 100)
    assert unbounded.mode is Concurrency.SHARED and unbounded.workers == available_cores()
    assert plan_for(HibariEngine(SpeechConfig(), threads=1), SpeechConfig(), 100).workers == 1
    assert plan_for(HibariEngine(SpeechConfig(), threads=3), SpeechConfig(workers=5)).workers == 5
