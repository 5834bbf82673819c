"""Speech engines by name: the built-in ones register the same way a plug-in would."""

from __future__ import annotations

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


def engine_class(name: str) -> type[SpeechEngine]:
    try:
        return ENGINES[name]
    except KeyError:
        known = ", ".join(sorted(ENGINES))
        raise ConfigError(
            "[speech] engine", f"unknown engine {name!r}; known engines: {known}"
        ) from None


def create_engine(
    cfg: SpeechConfig, lexicon: PronunciationLexicon | None = None, threads: int = 0
) -> SpeechEngine:
    """The engine `[speech] engine` names; nothing heavy is loaded until it first speaks."""
    return engine_class(cfg.engine)(cfg, lexicon, threads)
