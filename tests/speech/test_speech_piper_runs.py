"""Bounds on one Piper run's memory: long sentences halved, the arena shrunk after long runs.

Checked by what reaches ONNX Runtime (each run's phoneme ids and run options), not by
memory figures, which depend on the machine; those are benchmarks/bad_input_memory.py's.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import onnxruntime
import pytest

from postcast.config import SpeechConfig
from postcast.speech.piper_engine import PiperEngine
from postcast.speech.piper_runs import (
    ARENA_SHRINKAGE,
    CLAUSE_PAUSE_S,
    MAX_RUN_PHONEMES,
    SHRINK_AFTER_IDS,
    WORD_PAUSE_S,
    ArenaReturningSession,
    halve,
)

TABLE_ROW = "Row one: " + ", ".join(["zero"] * 40) + "."  # 19 s in one run: 700 MB


def test_halves_are_cut_at_the_clause_break_nearest_the_middle() -> None:
    clauses = " ".join(["the voice reads this clause,"] * 14)
    halves = halve(clauses)
    assert halves.head.endswith("clause,") and halves.tail.endswith("clause,")
    assert f"{halves.head} {halves.tail}" == clauses
    assert len(halves.head) == len(halves.tail) and halves.pause_s == CLAUSE_PAUSE_S
    uneven = halve("one two three, four five six seven eight nine ten")
    assert (uneven.head, uneven.pause_s) == ("one two three,", CLAUSE_PAUSE_S)


def test_a_clause_break_near_an_end_gives_way_to_the_middle_space() -> None:
    halves = halve("Row one: " + " ".join(["zero"] * 40))  # its only comma is at the start
    assert halves.head == "Row one: " + " ".join(["zero"] * 19)
    assert halves.tail == " ".join(["zero"] * 21) and halves.pause_s == WORD_PAUSE_S


def test_one_long_word_is_cut_at_its_middle() -> None:
    halves = halve("x" * 1001)
    assert (halves.head, halves.tail) == ("x" * 500, "x" * 501)


class RecordingSession:
    """The real session, noting each run's phoneme ids and run options."""

    def __init__(self, session: Any) -> None:
        self.session = session
        self.runs: list[tuple[list[int], onnxruntime.RunOptions | None]] = []

    def run(
        self,
        names: list[str] | None,
        feed: dict[str, Any],
        options: onnxruntime.RunOptions | None = None,
    ) -> Any:
        self.runs.append((feed["input"][0].tolist(), options))
        return self.session.run(names, feed, options)


@pytest.fixture(scope="module")
def engine() -> PiperEngine:
    # noise off: a sentence comes out the same every time
    return PiperEngine(SpeechConfig(cache_max_mb=0, noise_scale=0.0, noise_w_scale=0.0))


def _recorded(engine: PiperEngine) -> RecordingSession:
    """The voice's session, its inner ONNX session recorded."""
    voice = engine._voice(engine.default_model)
    assert isinstance(voice.session, ArenaReturningSession)
    if not isinstance(voice.session.session, RecordingSession):
        voice.session.session = RecordingSession(voice.session.session)
    recorder: RecordingSession = voice.session.session
    recorder.runs.clear()
    return recorder


def _ids(engine: PiperEngine, text: str) -> list[list[int]]:
    voice = engine._voice(engine.default_model)
    return [voice.phonemes_to_ids(phonemes) for phonemes in voice.phonemize(text) if phonemes]


@pytest.mark.slow
def test_a_long_sentence_is_spoken_in_halves_cut_at_a_clause(engine: PiperEngine) -> None:
    text = (
        "The first half of this long sentence says a good deal about the weather up in the "
        "hills and the wind and the rain that came in from the grey sea all through the autumn; "
        "the second half says as much again about the long slow walk home along the cliffs at "
        "dusk and the lights of the town below us."
    )
    voice = engine._voice(engine.default_model)
    (phonemes,) = voice.phonemize(text)
    assert len(phonemes) > MAX_RUN_PHONEMES, "one run would be too long"
    recorder = _recorded(engine)
    audio = engine.synthesize(text)
    head, tail = text.split(" the second")
    tail = f"the second{tail}"
    assert [ids for ids, _ in recorder.runs] == _ids(engine, head) + _ids(engine, tail)
    rate = voice.config.sample_rate
    spoken_apart = sum(len(engine.synthesize(half)) for half in (head, tail)) / rate
    assert len(audio) / rate == pytest.approx(spoken_apart, abs=0.6)  # trimmed, a pause between


@pytest.mark.slow
def test_a_table_row_is_cut_until_every_run_is_short(engine: PiperEngine) -> None:
    recorder = _recorded(engine)
    audio = engine.synthesize(TABLE_ROW)
    assert len(recorder.runs) >= 2
    assert all(len(ids) <= 2 * MAX_RUN_PHONEMES + 1 for ids, _ in recorder.runs)
    assert len(audio) / engine.sample_rate > 15, "all forty zeros still said"


@pytest.mark.slow
def test_a_sentence_within_the_bound_is_one_run_as_piper_speaks_it(engine: PiperEngine) -> None:
    text = "Bees dance to tell each other where the flowers are. Then they rest."
    recorder = _recorded(engine)
    audio = engine.synthesize(text)
    assert [ids for ids, _ in recorder.runs] == _ids(engine, text)  # Piper's two sentences
    voice = engine._voice(engine.default_model)
    config = engine._synthesis_config(voice, engine._choose(None))
    piper = np.concatenate([chunk.audio_float_array for chunk in voice.synthesize(text, config)])
    np.testing.assert_array_equal(audio, piper)


@pytest.mark.slow
def test_the_arena_is_shrunk_after_long_runs_only(engine: PiperEngine) -> None:
    recorder = _recorded(engine)
    engine.synthesize("A short one.")
    engine.synthesize(TABLE_ROW)
    (short_ids, short_options), *long_runs = recorder.runs
    assert len(short_ids) <= SHRINK_AFTER_IDS and short_options is None
    assert any(len(ids) > SHRINK_AFTER_IDS for ids, _ in long_runs)
    for ids, options in long_runs:
        if len(ids) > SHRINK_AFTER_IDS:
            assert options is not None
            assert options.get_run_config_entry(ARENA_SHRINKAGE[0]) == ARENA_SHRINKAGE[1]
        else:
            assert options is None
