"""Split a segment's text into sentences the voice can say in one breath.

The splitter lives with the narration (which also uses it to keep segments short);
the speech stage splits each segment with the very same rules.
"""

from __future__ import annotations

from postcast.narration.sentences import MAX_SENTENCE_CHARS, split_sentences

__all__ = ["MAX_SENTENCE_CHARS", "split_sentences"]
