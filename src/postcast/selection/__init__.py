"""selection stage: which posts become episodes, under which GUID and title, in which feeds.

Pure functions over `Post`, `Episode` and configuration; no I/O.
"""

from postcast.selection.feeds import (
    DEFAULT_TOP_LIMIT,
    default_feeds,
    episodes_for_feed,
    feed_config_hash,
    item_guid,
)
from postcast.selection.identity import (
    credit,
    dedupe,
    episode_code,
    episode_identity,
    episode_title,
    feed_item_guid,
    find_duplicates,
)
from postcast.selection.rules import MIN_TEXT_CHARACTERS, is_eligible, ranking_karma, visible_text

__all__ = [
    "DEFAULT_TOP_LIMIT",
    "MIN_TEXT_CHARACTERS",
    "credit",
    "dedupe",
    "default_feeds",
    "episode_code",
    "episode_identity",
    "episode_title",
    "episodes_for_feed",
    "feed_config_hash",
    "feed_item_guid",
    "find_duplicates",
    "is_eligible",
    "item_guid",
    "ranking_karma",
    "visible_text",
]
