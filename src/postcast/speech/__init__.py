"""speech stage: script -> audio per segment, through engine plug-ins and a sentence cache."""

from postcast.speech.base import SpeechEngine, SpokenSegment
from postcast.speech.registry import ENGINES, create_engine
from postcast.speech.stage import VoiceAssigner, speak

__all__ = ["ENGINES", "SpeechEngine", "SpokenSegment", "VoiceAssigner", "create_engine", "speak"]
