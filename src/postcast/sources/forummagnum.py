"""ForumMagnum (LessWrong, the Alignment Forum, the EA Forum) through its GraphQL API.

Listing uses the legacy `posts(input: {terms})` form, which every forum accepts. The
API refuses offsets above 2000, so a backfill never pages by offset alone: it reads
oldest first and, after each page, narrows the date window to start at the last
`postedAt` it read (a keyset walk). The window start is the resume cursor, so a crash
loses nothing and refetches at most one page. Every run also re-reads the last few
days, where karma still rises past the threshold and authors still edit.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from postcast.config import SourceConfig
from postcast.errors import ConfigError, ShapeError, SourceError
from postcast.links import web_link
from postcast.models import Post
from postcast.progress import Progress
from postcast.sources.base import Source, State
from postcast.sources.polite import PoliteClient

PAGE_SIZE = 50  # always sent: without it the API returns up to 5000 posts
MAX_OFFSET = 2000  # the API answers "Exceeded maximum value for skip" above this

POST_FIELDS = """
      _id title slug pageUrl url postedAt modifiedAt
      baseScore voteCount af afBaseScore commentCount
      question isEvent draft shortform curatedDate frontpageDate
      readTimeMinutes
      user { _id displayName username slug }
      coauthors { _id displayName username slug }
      tags { _id name slug }
      contents { html markdown wordCount }
      fmCrosspost { isCrosspost hostedHere foreignPostId }
"""
LIST_QUERY = (
    "query ListPosts($terms: JSON) {\n  posts(input: {terms: $terms}) {\n    results {"
    + POST_FIELDS
    + "    }\n  }\n}"
)


def parse_api_date(value: Any, field: str) -> datetime:
    if not isinstance(value, str):
        raise ShapeError(f"{field} should be an ISO date string, got {value!r}")
    try:
        when = datetime.fromisoformat(value)
    except ValueError as error:
        raise ShapeError(f"{field} {value!r} is not an ISO date") from error
    return (when if when.tzinfo else when.replace(tzinfo=UTC)).astimezone(UTC)


def format_api_date(when: datetime) -> str:
    return when.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _person(user: Any) -> str | None:
    if not isinstance(user, dict):
        return None
    return user.get("displayName") or user.get("username") or user.get("slug") or None


def _authors(result: dict[str, Any]) -> tuple[str, ...]:
    people = [_person(result.get("user"))]
    people += [_person(coauthor) for coauthor in result.get("coauthors") or []]
    return tuple(dict.fromkeys(name for name in people if name))  # ordered, no repeats


def _int_or_none(value: Any) -> int | None:
    return round(value) if isinstance(value, int | float) else None


def post_from_api(result: dict[str, Any], code: str, forum_name: str, source: str) -> Post:
    """Convert one API `results[]` object (or `post.result`) into a `Post`.

    Raises `ShapeError` when a required field (`_id`, `title`, `postedAt`) is missing.
    """
    if not isinstance(result, dict):
        raise ShapeError(f"expected a post object, got {type(result).__name__}")
    missing = [key for key in ("_id", "title", "postedAt") if not result.get(key)]
    if missing:
        raise ShapeError(f"post object lacks {', '.join(missing)}")
    contents = result.get("contents") or {}
    crosspost = result.get("fmCrosspost") or {}
    is_crosspost = bool(crosspost.get("isCrosspost"))
    modified = result.get("modifiedAt")
    return Post(
        source=source,
        post_id=str(result["_id"]),
        title=str(result["title"]).strip(),
        authors=_authors(result),
        posted_at=parse_api_date(result["postedAt"], "postedAt"),
        url=web_link(str(result.get("pageUrl") or result.get("url") or "")),
        html=contents.get("html") or result.get("htmlBody") or "",
        forum_code=code,
        forum_name=forum_name,
        karma=_int_or_none(result.get("baseScore")),
        modified_at=parse_api_date(modified, "modifiedAt") if modified else None,
        tags=tuple(tag["name"] for tag in result.get("tags") or [] if tag and tag.get("name")),
        is_event=bool(result.get("isEvent")),
        is_question=bool(result.get("question")),
        is_shortform=bool(result.get("shortform")),
        is_draft=bool(result.get("draft")),
        af=bool(result.get("af")),
        af_karma=_int_or_none(result.get("afBaseScore")),
        crosspost_id=crosspost.get("foreignPostId") if is_crosspost else None,
        crosspost_hosted_here=crosspost.get("hostedHere") if is_crosspost else None,
        markdown=contents.get("markdown"),
    )


class ForumMagnumSource(Source):
    """Posts of one ForumMagnum forum, from `backfill_days` ago on, then as they come."""

    kind = "forummagnum"

    def __init__(self, config: SourceConfig, *args: Any, **kwargs: Any) -> None:
        super().__init__(config, *args, **kwargs)
        if not config.url:
            raise ConfigError(f"source {config.name!r}", "url is required (the forum's address)")
        if config.view not in ("new", "old"):
            # Both list the same posts; anything else sorts by score or filters by other
            # dates, which the date walk cannot page through reliably.
            raise ConfigError(
                f"source {config.name!r}",
                f"view {config.view!r} is not supported: use 'new' or 'old' "
                "(postcast pages through the forum by date)",
            )
        self.endpoint = config.url.rstrip("/") + "/graphql"
        self.recheck_days = config.recheck_days

    def now(self) -> datetime:
        return datetime.now(UTC)

    def fetch(self, state: State, progress: Progress) -> Iterator[tuple[Post, State]]:
        now = self.now()
        current = self._checked_state(state)
        if "cursor" not in current:
            start = now - timedelta(days=self.config.backfill_days)
            current.update(cursor=format_api_date(start), tie_ids=[])
        elif "recheck" not in current:
            recheck_from = now - timedelta(days=self.recheck_days)
            if recheck_from < parse_api_date(current["cursor"], "cursor"):
                current["recheck"] = {
                    "cursor": format_api_date(recheck_from),
                    "tie_ids": [],
                    "until": current["cursor"],
                }
        count = 0
        with self.polite_client() as client:
            if "recheck" in current:
                window = current["recheck"]
                for post in self._walk(client, window, parse_api_date(window["until"], "until")):
                    count += 1
                    progress(f"{self.name}: posts", count, None)
                    yield post, copy.deepcopy(current)
                del current["recheck"]
            for post in self._walk(client, current, now):
                count += 1
                progress(f"{self.name}: posts", count, None)
                yield post, copy.deepcopy(current)
        current.update(cursor=format_api_date(now), tie_ids=[])
        state.clear()
        state.update(current)

    def _checked_state(self, state: State) -> State:
        current = copy.deepcopy(state)
        for window in (current, current.get("recheck") or {}):
            window.setdefault("tie_ids", [])
            for key in ("cursor", "until"):
                if key in window:
                    try:
                        parse_api_date(window[key], key)
                    except ShapeError as error:
                        raise SourceError(self.name, f"saved state is damaged: {error}") from error
        return current

    def fetch_post(self, post_id: str) -> Post | None:
        """One post by id (None if the forum has no such post)."""
        query = "query OnePost($id: String) {\n  post(input: {selector: {_id: $id}}) {\n"
        query += "    result {" + POST_FIELDS + "    }\n  }\n}"
        with self.polite_client() as client:
            data = self._graphql(client, query, {"id": post_id})
        result = (data.get("post") or {}).get("result")
        return self._post(result) if result else None

    def terms(self, after: datetime, before: datetime, offset: int) -> dict[str, Any]:
        terms: dict[str, Any] = {
            "view": "old",
            "after": format_api_date(after),
            "before": format_api_date(before),
            "excludeEvents": True,
            "limit": PAGE_SIZE,
            "offset": offset,
        }
        if self.config.karma_threshold > 0:
            terms["karmaThreshold"] = self.config.karma_threshold
        if self.config.af:
            terms["af"] = True  # never send af: false, which means "non-AF posts only"
        return terms

    def _walk(
        self, client: PoliteClient, window: dict[str, Any], before: datetime
    ) -> Iterator[Post]:
        """Posts with `window["cursor"]` <= postedAt < `before`, oldest first.

        Updates `window` (cursor, tie_ids) in place before yielding each post, so the
        caller's state always names the next post to read.
        """
        offset = 0
        while True:
            after = parse_api_date(window["cursor"], "cursor")
            if offset > MAX_OFFSET:
                raise SourceError(
                    self.name, f"more than {MAX_OFFSET} posts share postedAt {window['cursor']}"
                )
            results = self._list(client, after, before, offset)
            page_start = window["cursor"]
            for result in results:
                place = _placement(result)
                if place is not None and place[0] in window["tie_ids"]:
                    continue  # read already: `after` is inclusive
                post = self._readable(result)
                if place is None:
                    continue  # skipped: without an id and a date it has no place to pass
                post_id, stamp = place
                if stamp != window["cursor"]:
                    window["cursor"], window["tie_ids"] = stamp, []
                window["tie_ids"].append(post_id)
                if post is not None:
                    yield post
            if len(results) < PAGE_SIZE:
                return
            # Normally the window start moved, so offset 0 reads on; a full page of posts
            # that all share the window's start time is stepped over by offset instead.
            offset = 0 if window["cursor"] != page_start else offset + PAGE_SIZE

    def _list(
        self, client: PoliteClient, after: datetime, before: datetime, offset: int
    ) -> list[dict[str, Any]]:
        data = self._graphql(client, LIST_QUERY, {"terms": self.terms(after, before, offset)})
        results = (data.get("posts") or {}).get("results")
        if not isinstance(results, list):
            raise SourceError(self.name, "answer has no posts.results list")
        return results

    def _graphql(self, client: PoliteClient, query: str, variables: dict[str, Any]) -> Any:
        answer = client.post_json(self.endpoint, {"query": query, "variables": variables})
        if not isinstance(answer, dict):
            raise SourceError(self.name, f"expected a JSON object, got {type(answer).__name__}")
        if answer.get("errors"):
            messages = "; ".join(
                str(error.get("message", error)) if isinstance(error, dict) else str(error)
                for error in answer["errors"]
            )
            raise SourceError(self.name, f"GraphQL error: {messages}")
        data = answer.get("data")
        if not isinstance(data, dict):
            raise SourceError(self.name, "answer has no data")
        return data

    def _converted(self, result: Any) -> Post:
        return post_from_api(result, self.config.code, self.config.forum_name, self.name)

    def _post(self, result: Any) -> Post:
        try:
            return self._converted(result)
        except ShapeError as error:
            raise SourceError(self.name, f"unexpected post in answer: {error}") from error

    def _readable(self, result: Any) -> Post | None:
        """The listed post, or None when it cannot be read (skipped and reported)."""
        try:
            return self._converted(result)
        except ShapeError as error:
            post_id = result.get("_id") if isinstance(result, dict) else None
            self.skip(f"post {post_id}" if post_id else "a post without an _id", str(error))
            return None


def _placement(result: Any) -> tuple[str, str] | None:
    """A listed post's id and its postedAt as the cursor writes it, where both can be
    read: even a post that cannot be narrated moves the cursor past itself."""
    if not isinstance(result, dict) or not result.get("_id"):
        return None
    try:
        return str(result["_id"]), format_api_date(parse_api_date(result.get("postedAt"), ""))
    except ShapeError:
        return None
