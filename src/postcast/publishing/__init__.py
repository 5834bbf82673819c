"""Publishing stage: stored episodes -> RSS feeds, cover art, transcripts and web pages.

Every file goes through a store (`postcast.objectstore`: the site folder, written through
`postcast.atomic`, or a bucket), so a reader (the web server, a podcast app) never sees a
half-written file.
"""

from postcast.publishing.art import cached_cover_art, cover_art
from postcast.publishing.extras import write_episode_extras
from postcast.publishing.feed import podcast_guid
from postcast.publishing.site import feed_path, publish_site, publish_to_store

__all__ = [
    "cached_cover_art",
    "cover_art",
    "feed_path",
    "podcast_guid",
    "publish_site",
    "publish_to_store",
    "write_episode_extras",
]
