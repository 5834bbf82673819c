"""Speech engines by name: the built-in ones register the same way a plug-in would."""

from __future__ import annotations

from importlib.metadata import entry_points

from postcast.config import SpeechConfig
from postcast.errors import ConfigError
from postcast.speech.base import PronunciationLexicon, SpeechEngine
from postcast.speech.espeak_engine import EspeakEngine
from postcast.speech.openai_engine import OpenAIEngine
from postcast.speech.piper_engine import PiperEngine

ENGINES: dict[str, type[SpeechEngine]] = {
    PiperEngine.name: PiperEngine,
    EspeakEngine.name: EspeakEngine,
    OpenAIEngine.name: OpenAIEngine,
}


ENTRY_POINT_GROUP = "postcast.engines"


def engine_class(name: str) -> type[SpeechEngine]:
    """A built-in engine, else one a package registers in the `postcast.engines` group."""
    if name in ENGINES:
        return ENGINES[name]
    plugins = entry_points(group=ENTRY_POINT_GROUP)
    for entry in plugins:
        if entry.name == name:
            engine: type[SpeechEngine] = entry.load()
            return engine
    known = ", ".join(sorted({*ENGINES, *(entry.name for entry in plugins)}))
    raise ConfigError("[speech] engine", f"unknown engine {name!r}; known engines: {known}")


def create_engine(
    cfg: SpeechConfig, lexicon: PronunciationLexicon | None = None, threads: int = 0
) -> SpeechEngine:
    """The engine `[speech] engine` names; nothing heavy is loaded until it first speaks."""
    return engine_class(cfg.engine)(cfg, lexicon, threads)
