"""Engine registry: every built-in engine by name, a clear error for any other."""

from __future__ import annotations

import numpy as np
import pytest

from postcast.config import SpeechConfig
from postcast.errors import ConfigError
from postcast.speech import ENGINES, SpeechEngine, create_engine, registry
from postcast.speech.espeak_engine import EspeakEngine
from postcast.speech.hibari_engine import HibariEngine
from postcast.speech.openai_engine import OpenAIEngine
from postcast.speech.piper_engine import PiperEngine
from postcast.speech.registry import engine_class


def test_built_in_engines_are_registered_by_name() -> None:
    classes = {name: engine_class(name) for name in ENGINES}
    assert {
        "piper": PiperEngine,
        "espeak": EspeakEngine,
        "openai": OpenAIEngine,
        "hibari": HibariEngine,
    } == classes
    for name, cls in classes.items():
        assert issubclass(cls, SpeechEngine)
        assert cls.name == name


@pytest.mark.parametrize("name", ["piper", "espeak", "openai", "hibari"])
def test_create_engine_builds_the_named_engine_lazily(name: str) -> None:
    engine = create_engine(SpeechConfig(engine=name, server_url="http://127.0.0.1:9"))
    assert isinstance(engine, engine_class(name))
    assert engine.config.engine == name
    if isinstance(engine, PiperEngine | HibariEngine):
        assert engine._voices == {}, "no voice model is loaded before the first sentence"


def test_unknown_engine_names_the_known_ones() -> None:
    with pytest.raises(ConfigError) as caught:
        create_engine(SpeechConfig(engine="festival"))
    message = str(caught.value)
    assert "festival" in message
    for name in ("espeak", "openai", "piper"):
        assert name in message
    assert caught.value.source == "[speech] engine"


class ToneEngine(SpeechEngine):
    """A third-party engine in one file: a tone per character, found by entry point."""

    name = "tone"

    @property
    def sample_rate(self) -> int:
        return 8000

    def synthesize(self, text: str, voice: str | None = None) -> np.ndarray:
        return np.full(len(text) * 80, 0.1, dtype=np.float32)

    def identity(self, voice: str | None = None) -> str:
        return "tone"


def test_a_plugin_engine_is_found_through_its_entry_point(monkeypatch: pytest.MonkeyPatch) -> None:
    from importlib.metadata import EntryPoint, EntryPoints

    plugin = EntryPoint("tone", f"{__name__}:ToneEngine", registry.ENTRY_POINT_GROUP)
    monkeypatch.setattr(registry, "entry_points", lambda group: EntryPoints([plugin]))
    engine = registry.create_engine(SpeechConfig(engine="tone"))
    assert isinstance(engine, ToneEngine)
    assert engine.synthesize("abc").shape == (240,)
    with pytest.raises(ConfigError, match="tone"):
        registry.create_engine(SpeechConfig(engine="nothing"))
