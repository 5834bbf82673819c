"""One post, one episode: stable GUIDs, episode titles, and merging of duplicates."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Sequence
from datetime import timedelta

from postcast.config import FORUM_NAMES
from postcast.models import Post
from postcast.selection.rules import normalise_name

AF_CODE = "AF"
AF_FORUM_NAME = FORUM_NAMES[AF_CODE]
# LessWrong and the Alignment Forum share one database: one `_id` per post on both.
SHARED_DATABASE_CODES = frozenset({"LW", "AF"})
ANONYMOUS = "Anonymous"
# Cross-posts matched by title alone must be posted this close together.
TITLE_MATCH_WINDOW = timedelta(days=30)

_TITLE_NOISE = re.compile(r"[\W_]+")


def episode_code(post: Post) -> str:
    """The forum code an episode of `post` carries: an LW post listed on the AF is `AF`."""
    code = post.forum_code.upper()
    if post.af and code in SHARED_DATABASE_CODES:
        return AF_CODE
    return code


def episode_identity(post: Post) -> tuple[str, str]:
    """(GUID, forum code) of the one episode `post` becomes.

    Forum posts: `<_id>_<CODE>` as the reference system did. Posts from plain feeds,
    files or URLs have no code; their GUID names the source instead, so two sources
    that reuse an id never share an episode.
    """
    code = episode_code(post)
    suffix = code or post.source
    guid = f"{post.post_id}_{suffix}" if suffix else post.post_id
    return guid, code


def feed_item_guid(guid: str, feed_name: str) -> str:
    """GUID of an episode's item in a daily/weekly feed, naming the feed.

    A feed name that starts with the episode's forum code does not repeat it:
    `<_id>_LW` in feed `lw-daily` -> `<_id>_LW-daily`; in feed `digest` -> `<_id>_LW-digest`.
    """
    _, _, code = guid.rpartition("_")
    prefix = f"{code.lower()}-"
    if code and feed_name.lower().startswith(prefix):
        return f"{guid}-{feed_name[len(prefix) :]}"
    return f"{guid}-{feed_name}"


def credit(authors: Sequence[str]) -> str:
    """Every author named: "A", "A and B", "A, B and C"; nobody -> "Anonymous"."""
    names = [name.strip() for name in authors if name.strip()]
    if not names:
        return ANONYMOUS
    if len(names) == 1:
        return names[0]
    return f"{', '.join(names[:-1])} and {names[-1]}"


def episode_title(post: Post, code: str) -> str:
    """`CODE - title by authors` (no code: `title by authors`)."""
    title = f"{post.title.strip()} by {credit(post.authors)}"
    return f"{code} - {title}" if code else title


def _same_post_key(post: Post) -> tuple[str, str]:
    family = "LW/AF" if post.forum_code.upper() in SHARED_DATABASE_CODES else post.forum_code
    return (family or f"source:{post.source}", post.post_id)


def _merge_listings(copies: list[Post]) -> Post:
    """The same forum post seen more than once (LW and AF listings): one post, AF if any AF."""
    listed_on_af = any(episode_code(copy) == AF_CODE for copy in copies)
    chosen = next((c for c in copies if c.forum_code.upper() == AF_CODE), copies[0])
    if not listed_on_af:
        return chosen
    af_karma = next((c.af_karma for c in copies if c.af_karma is not None), None)
    return dataclasses.replace(
        chosen, forum_code=AF_CODE, forum_name=AF_FORUM_NAME, af=True, af_karma=af_karma
    )


def _title_key(post: Post) -> tuple[str, str] | None:
    if not post.authors:
        return None  # anonymous posts with equal titles are not evidence of a cross-post
    return (_TITLE_NOISE.sub(" ", post.title).strip().casefold(), normalise_name(post.authors[0]))


class _Groups:
    """Union-find over list positions: which posts are copies of one another."""

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, item: int) -> int:
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def join(self, first: int, second: int) -> None:
        self.parent[self.find(second)] = self.find(first)


def _crosspost_groups(posts: Sequence[Post]) -> _Groups:
    groups = _Groups(len(posts))
    by_id = {post.post_id: index for index, post in enumerate(posts)}
    for index, post in enumerate(posts):
        if post.crosspost_id and post.crosspost_id in by_id:
            groups.join(by_id[post.crosspost_id], index)
    by_title: dict[tuple[str, str], list[int]] = {}
    for index, post in enumerate(posts):
        key = _title_key(post)
        if key is not None:
            by_title.setdefault(key, []).append(index)
    for members in by_title.values():
        for position, first in enumerate(members):
            for second in members[position + 1 :]:
                if _plausible_crosspost(posts[first], posts[second]):
                    groups.join(first, second)
    return groups


def _plausible_crosspost(first: Post, second: Post) -> bool:
    """Equal titles and first authors make a cross-post only across forums and close in
    time: a monthly "Open Thread" by one account on two forums is not one post."""
    if episode_code(first) == episode_code(second):
        return False
    return abs(first.posted_at - second.posted_at) <= TITLE_MATCH_WINDOW


def _host_rank(post: Post) -> tuple[int, int, object, str, str]:
    """Sort key: the copy the forum says it hosts, else the one that is no cross-post, else the
    earliest posted."""
    return (
        0 if post.crosspost_hosted_here else 1,
        1 if post.crosspost_id else 0,
        post.posted_at,
        episode_code(post),
        post.post_id,
    )


def find_duplicates(posts: Iterable[Post]) -> list[tuple[Post, Post]]:
    """(duplicate, kept) pairs whose episodes differ: the duplicate must not be published."""
    _, pairs = _resolve(posts)
    return [
        (duplicate, kept)
        for duplicate, kept in pairs
        if episode_identity(duplicate)[0] != episode_identity(kept)[0]
    ]


def dedupe(posts: Iterable[Post]) -> list[Post]:
    """One post per episode, in first-seen order.

    LW and AF listings of one `_id` merge into one post coded AF. LW/EA cross-posts (linked
    by `fmCrosspost`, else by equal normalised title and first author) keep the copy on
    the forum that hosts it.
    """
    winners, _ = _resolve(posts)
    return winners


def _resolve(posts: Iterable[Post]) -> tuple[list[Post], list[tuple[Post, Post]]]:
    listings: dict[tuple[str, str], list[Post]] = {}
    for post in posts:
        listings.setdefault(_same_post_key(post), []).append(post)
    pairs: list[tuple[Post, Post]] = []
    merged: list[Post] = []
    for copies in listings.values():
        kept = _merge_listings(copies)
        merged.append(kept)
        pairs.extend((copy, kept) for copy in copies if copy is not kept)
    groups = _crosspost_groups(merged)
    members: dict[int, list[int]] = {}
    for index in range(len(merged)):
        members.setdefault(groups.find(index), []).append(index)
    kept_at: dict[int, Post] = {}
    for indexes in members.values():
        host = min((merged[i] for i in indexes), key=_host_rank)
        kept_at[min(indexes)] = host
        pairs.extend((merged[i], host) for i in indexes if merged[i] is not host)
    return [kept_at[index] for index in sorted(kept_at)], pairs
