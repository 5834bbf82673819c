"""Feed channels: which published episodes each feed lists, and in what order.

Kinds (`FeedConfig.kind`):
- "all": every matching episode, newest first.
- "top": the `limit` most upvoted matching episodes, most upvoted first.
- "daily" / "weekly": for each closed calendar day (UTC) / ISO week (Monday to Sunday,
  UTC), the single highest-karma matching episode whose `pub_date` (when the post
  qualified) falls in it. The feed lists these winners newest period first, so it grows
  by at most one item per period; the running period is left out until it ends, so an
  item is never replaced by a later, better post of the same period. Ties go to the
  episode that qualified first.
An AF-only feed ranks by AF karma (`afBaseScore`), every other feed by karma (`baseScore`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time, timedelta

from postcast.config import Config, FeedConfig
from postcast.errors import ConfigError
from postcast.models import Episode
from postcast.selection.identity import AF_CODE, AF_FORUM_NAME, episode_code, feed_item_guid

DEFAULT_TOP_LIMIT = 400
FEED_KINDS = ("all", "top", "daily", "weekly")
PERIODIC_KINDS = ("daily", "weekly")

# The topic channels the reference system planned and never shipped, as forum tag names
# (LessWrong and EA Forum spell some differently; any one of them matches).
DEFAULT_TAG_CHANNELS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("ai-safety", "AI Safety", ("AI", "AI safety", "AI alignment", "AI risk")),
    ("longtermism", "Longtermism", ("Longtermism", "Existential risk")),
    ("rationality", "Rationality", ("Rationality",)),
    ("global-health", "Global Health", ("Global health & development", "Global health")),
    ("animal-welfare", "Animal Welfare", ("Animal welfare", "Farmed animal welfare")),
    ("policy", "Policy", ("Policy", "AI governance")),
    ("career-choice", "Career Choice", ("Career choice",)),
)

_TAG_NOISE = re.compile(r"[\W_]+")


def _forums(config: Config) -> list[tuple[str, str]]:
    """(code, forum name) of each forum the sources read, in config order.

    A LessWrong source also yields AF episodes (its posts listed on the Alignment Forum).
    """
    forums: dict[str, str] = {}
    for source in config.sources:
        code = source.code.upper()
        if code:
            forums.setdefault(code, source.forum_name or code)
        if code == "LW":
            forums.setdefault(AF_CODE, AF_FORUM_NAME)
    return list(forums.items())


def _forum_feeds(show: str, code: str, forum: str) -> list[FeedConfig]:
    stem = code.lower()
    return [
        FeedConfig(name=stem, title=f"{show}: {forum}", forum_codes=[code]),
        FeedConfig(
            name=f"{stem}-daily", title=f"{show}: {forum} Daily", forum_codes=[code], kind="daily"
        ),
        FeedConfig(
            name=f"{stem}-weekly",
            title=f"{show}: {forum} Weekly",
            forum_codes=[code],
            kind="weekly",
        ),
        FeedConfig(
            name=f"{stem}-top",
            title=f"{show}: {forum} Top {DEFAULT_TOP_LIMIT}",
            forum_codes=[code],
            kind="top",
            limit=DEFAULT_TOP_LIMIT,
        ),
    ]


def default_feeds(config: Config) -> list[FeedConfig]:
    """The feeds a library runs when its configuration declares none.

    "main" (everything), then per forum code: `lw`, `lw-daily`, `lw-weekly`, `lw-top`
    (and so on), then the topic channels when any forum is read.
    """
    if config.feeds:
        return list(config.feeds)
    show = config.library.title
    feeds = [FeedConfig(name="main", title=show, description=config.library.description)]
    forums = _forums(config)
    for code, forum in forums:
        feeds.extend(_forum_feeds(show, code, forum))
    if forums:
        feeds.extend(
            FeedConfig(name=name, title=f"{show}: {title}", tags=list(tags))
            for name, title, tags in DEFAULT_TAG_CHANNELS
        )
    return feeds


def _tag_key(tag: str) -> str:
    return _TAG_NOISE.sub(" ", tag.replace("&", " and ")).strip().casefold()


def _matches(feed: FeedConfig, episode: Episode) -> bool:
    post = episode.post
    if feed.sources and post.source not in feed.sources:
        return False
    if feed.forum_codes and episode_code(post) not in {c.upper() for c in feed.forum_codes}:
        return False
    if feed.tags:
        wanted = {_tag_key(tag) for tag in feed.tags}
        return any(_tag_key(tag) in wanted for tag in post.tags)
    return True


def _karma_of(feed: FeedConfig) -> Callable[[Episode], int]:
    af_only = {code.upper() for code in feed.forum_codes} == {AF_CODE}

    def karma(episode: Episode) -> int:
        value = episode.post.af_karma if af_only else episode.post.karma
        return value if value is not None else -(10**9)  # unknown karma ranks last

    return karma


def _period(kind: str, moment: datetime) -> tuple[date, datetime]:
    """(first day, end) of the UTC day or ISO week holding `moment`."""
    day = moment.astimezone(UTC).date()
    if kind == "weekly":
        day -= timedelta(days=day.weekday())
    length = timedelta(days=7 if kind == "weekly" else 1)
    return day, datetime.combine(day, time(), UTC) + length


def _period_winners(
    kind: str, episodes: list[Episode], karma: Callable[[Episode], int], now: datetime
) -> list[Episode]:
    best: dict[date, Episode] = {}
    for episode in sorted(episodes, key=lambda e: (-karma(e), e.pub_date, e.guid)):
        start, end = _period(kind, episode.pub_date)
        if end <= now:
            best.setdefault(start, episode)  # sorted best first: the first one wins
    return [best[start] for start in sorted(best, reverse=True)]


def episodes_for_feed(
    feed: FeedConfig, episodes: Sequence[Episode], now: datetime
) -> list[Episode]:
    """The episodes `feed` lists at `now`, in feed order (see the module doc for each kind)."""
    if feed.kind not in FEED_KINDS:
        raise ConfigError(
            f"[[feeds]] {feed.name}", f"unknown kind {feed.kind!r}; use one of {FEED_KINDS}"
        )
    chosen = [e for e in episodes if _matches(feed, e) and e.pub_date <= now]
    karma = _karma_of(feed)
    if feed.kind in PERIODIC_KINDS:
        ordered = _period_winners(feed.kind, chosen, karma, now)
    elif feed.kind == "top":
        by_date = sorted(chosen, key=lambda e: (e.pub_date, e.guid), reverse=True)
        ordered = sorted(by_date, key=karma, reverse=True)
    else:
        ordered = sorted(chosen, key=lambda e: (e.pub_date, e.guid), reverse=True)
    return ordered[: feed.limit] if feed.limit > 0 else ordered


def item_guid(feed: FeedConfig, guid: str) -> str:
    """The GUID an episode's item carries in `feed`: daily/weekly items name their feed."""
    return feed_item_guid(guid, feed.name) if feed.kind in PERIODIC_KINDS else guid


def feed_config_hash(feed: FeedConfig) -> str:
    """A fingerprint of a feed's settings: publishing can tell when a feed was reconfigured."""
    settings = json.dumps(dataclasses.asdict(feed), sort_keys=True, default=str)
    return hashlib.sha256(settings.encode("utf-8")).hexdigest()
