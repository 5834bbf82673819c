"""Narration stage: a post's HTML to an ordered `Script` of spoken segments."""

from postcast.errors import MathSpeechUnavailable
from postcast.narration.script import narrate

__all__ = ["MathSpeechUnavailable", "narrate"]
