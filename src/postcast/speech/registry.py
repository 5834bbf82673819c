"""Speech engines by name. The built-in ones are listed here as "module:Class" strings
and imported only when named (an engine's imports, such as the HTTP client of the server
engine, cost a render that does not use it nothing); third-party engines are found
through the `postcast.engines` entry-point group. `postcast.plugins` holds the names
alone, for checking a configuration without importing any engine."""

from __future__ import annotations

from importlib.metadata import EntryPoint, entry_points

from postcast.config import SpeechConfig
from postcast.errors import ConfigError
from postcast.plugins import ENGINE_GROUP
from postcast.speech.base import PronunciationLexicon, SpeechEngine

ENTRY_POINT_GROUP = ENGINE_GROUP

ENGINES: dict[str, str] = {
    "piper": "postcast.speech.piper_engine:PiperEngine",
    "espeak": "postcast.speech.espeak_engine:EspeakEngine",
    "openai": "postcast.speech.openai_engine:OpenAIEngine",
    "hibari": "postcast.speech.hibari_engine:HibariEngine",
}


def engine_class(name: str) -> type[SpeechEngine]:
    """A built-in engine, else one a package registers in the `postcast.engines` group."""
    if name in ENGINES:
        built_in: type[SpeechEngine] = EntryPoint(name, ENGINES[name], ENTRY_POINT_GROUP).load()
        return built_in
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
