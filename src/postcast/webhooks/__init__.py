"""Webhooks: `episode.published`, `episode.failed` and `episode.excluded` POSTed as JSON to
the URLs in `[web] webhooks`, signed with HMAC-SHA256, retried with backoff.

The pipeline records events with the three calls below (one line where each happens); they
only write rows (`postcast.storage.events`), so a pass never waits on a receiver.
`postcast.webhooks.delivery.deliver_pending` sends them: after each pass, from the
`postcast run` loop between passes, and from `postcast web` every few seconds.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the storage layer is slow to import; passes.py imports this module
    from postcast.storage import Library

RENDERED = "rendered"  # EpisodeStatus.RENDERED: audio not yet in the feeds


def published(library: Library, guids: Iterable[str]) -> int:
    """Before `mark_published`: an event for each of `guids` whose audio is new to the feeds."""
    return library.record_episode_event("episode.published", guids, only_status=RENDERED)


def failed(library: Library, guid: str) -> int:
    """After `mark_failed`: the render of `guid` failed."""
    return library.record_episode_event("episode.failed", [guid])


def excluded(library: Library, guid: str) -> int:
    """After an exclusion: `guid` is kept out of the feeds (recorded once per exclusion)."""
    return library.record_episode_event("episode.excluded", [guid])
