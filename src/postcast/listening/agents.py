"""Which user agents are listeners: podcast apps and browsers, not bots.

CrawlerDetect's list (search engines, link previewers, HTTP libraries, monitors) does the
work. It does not know podcast directories' own fetchers, which name themselves "feed
parser" or "feed update" and sometimes fetch an episode to check it: those are added here.
"""

from __future__ import annotations

import re
from functools import lru_cache

from crawlerdetect import CrawlerDetect

_PODCAST_FETCHERS = re.compile(
    r"feed ?(?:parser|update|fetcher|reader|validator)|podcast ?index|\bpostcast\b", re.I
)
_detector = CrawlerDetect()


@lru_cache(maxsize=4096)  # a library hears the same few hundred agents all day long
def is_bot(user_agent: str) -> bool:
    """Whether requests from `user_agent` are not a listener's (an empty agent is not)."""
    agent = user_agent.strip()
    if not agent:
        return True
    return bool(_PODCAST_FETCHERS.search(agent)) or bool(_detector.is_crawler(agent))
