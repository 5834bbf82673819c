"""Operators' pronunciations, as a pass applies them.

The lexicon a pass speaks with is the bundled one, overridden by `[narration] lexicon`,
overridden by the entries operators keep in the library database (the web app's admin).
A word added, changed or removed there re-renders exactly the episodes whose narration
script says it (whole words, with the lexicon's case rules), found in the script each
render keeps; the sentence cache, keyed on the text as the voice is given it, then
re-speaks only the sentences holding it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from postcast.config import Config
from postcast.errors import PostcastError
from postcast.models import Post
from postcast.narration import narrate
from postcast.narration.lexicon import Lexicon

if TYPE_CHECKING:  # the storage layer (SQLAlchemy, Alembic) costs 0.7 s to import
    from postcast.storage import Library


def library_lexicon(config: Config, library: Library) -> Lexicon:
    """Bundled < configuration < database: the words a pass's renders are spoken with."""
    return Lexicon.load(config.narration.lexicon, library.operator_lexicon())


def rerender_for_lexicon_changes(config: Config, library: Library) -> list[str]:
    """Mark for re-render every episode with audio whose script says a changed word, and
    forget those changes (one transaction); the GUIDs marked."""
    changes = library.lexicon_changes()
    if not changes:
        return []
    words = {change.word for change in changes}
    finder = Lexicon.of_words(words)
    saying = [guid for guid, text in library.episodes_speaking(words) if finder.mentions(text)]
    saying += [  # renders made before renders kept their script: narrate the post again
        guid for guid, post in library.unscripted_episode_posts() if says(finder, post, config)
    ]
    library.request_rerenders(saying, [change.id for change in changes])
    return saying


def says(finder: Lexicon, post: Post, config: Config) -> bool:
    """Whether the narration of `post` (intro and outro included) holds a word of `finder`."""
    try:
        script = narrate(post, config.library, config.narration)
    except PostcastError:  # it cannot be narrated now: a re-render would only fail
        return False
    return any(finder.mentions(segment.text) for segment in script.segments)
