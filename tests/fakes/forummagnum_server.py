"""A local ForumMagnum: `/graphql`, `/feed.xml` and article pages over real HTTP.

Answers in the exact shape of LessWrong / the EA Forum: only the fields a query selects
(parsed with graphql-core), the legacy `posts(input: {terms})` listing with its terms
and its 2000 offset cap, `post(input: {selector: {_id}})`, GraphQL errors inside HTTP 200.
Scriptable faults (429 + Retry-After, 5xx, slow answers, malformed JSON) and a record
of every request let tests check how politely and robustly a client behaves.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import graphql
from graphql import FieldNode, FragmentDefinitionNode, OperationDefinitionNode
from graphql.utilities import value_from_ast_untyped

from tests.fakes.forummagnum_posts import (
    RSS_THRESHOLDS,
    api_date,
    article_page,
    forum_feed,
    generate_posts,
    make_post,
    parse_date,
    words,
)

__all__ = ["FakeForum", "ManualClock", "api_date", "article_page", "generate_posts", "make_post"]

MAX_SKIP = 2000
DEFAULT_LIMIT = 5000  # what the API returns when a client forgets `limit`


# Object types and their fields; None marks a scalar. "[T]" is a list of T.
SCHEMA: dict[str, dict[str, str | None]] = {
    "Query": {"posts": "MultiPostOutput", "post": "SinglePostOutput"},
    "MultiPostOutput": {"results": "[Post]", "totalCount": None},
    "SinglePostOutput": {"result": "Post"},
    "Post": {
        **dict.fromkeys(
            words(
                "_id title slug pageUrl url postedAt modifiedAt baseScore voteCount af "
                "afBaseScore commentCount question isEvent draft shortform curatedDate "
                "frontpageDate readTimeMinutes htmlBody wordCount debate"
            )
        ),
        "user": "User",
        "coauthors": "[User]",
        "tags": "[Tag]",
        "contents": "Revision",
        "fmCrosspost": "CrosspostOutput",
    },
    "User": dict.fromkeys(["_id", "displayName", "username", "slug"]),
    "Tag": dict.fromkeys(["_id", "name", "slug"]),
    "Revision": dict.fromkeys(["html", "markdown", "wordCount", "plaintextMainText"]),
    "CrosspostOutput": dict.fromkeys(["isCrosspost", "hostedHere", "foreignPostId"]),
}


class QueryError(Exception):
    """Becomes `{"errors": [{"message": ...}]}` in an HTTP 200 answer, like the real API."""


# ---------------------------------------------------------------- GraphQL execution


def _fields(selection_set: Any, fragments: dict[str, Any]) -> Iterator[FieldNode]:
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            yield selection
        elif hasattr(selection, "type_condition") and selection.selection_set:  # inline
            yield from _fields(selection.selection_set, fragments)
        else:  # fragment spread
            fragment = fragments.get(selection.name.value)
            if fragment is None:
                raise QueryError(f'Unknown fragment "{selection.name.value}".')
            yield from _fields(fragment.selection_set, fragments)


def _check(type_name: str, selection_set: Any, fragments: dict[str, Any]) -> None:
    """Validate a selection against SCHEMA before running it, as a GraphQL server does."""
    type_name = type_name.strip("[]")
    for node in _fields(selection_set, fragments):
        name = node.name.value
        if name == "__typename":
            continue
        if name not in SCHEMA[type_name]:
            raise QueryError(f'Cannot query field "{name}" on type "{type_name}".')
        sub = SCHEMA[type_name][name]
        if sub is None and node.selection_set:
            raise QueryError(f'Field "{name}" must not have a selection since it has no subfields.')
        if sub is not None and not node.selection_set:
            raise QueryError(f'Field "{name}" of type "{sub}" must have a selection of subfields.')
        if sub is not None and type_name != "Query":
            _check(sub, node.selection_set, fragments)


def project(value: Any, type_name: str, selection_set: Any, fragments: dict[str, Any]) -> Any:
    """Only the selected fields of `value`, under their aliases."""
    if value is None:
        return None
    if type_name.startswith("["):
        return [project(item, type_name[1:-1], selection_set, fragments) for item in value]
    out: dict[str, Any] = {}
    for node in _fields(selection_set, fragments):
        key = node.alias.value if node.alias else node.name.value
        if node.name.value == "__typename":
            out[key] = type_name
            continue
        sub = SCHEMA[type_name][node.name.value]
        item = value.get(node.name.value)
        out[key] = item if sub is None else project(item, sub, node.selection_set, fragments)
    return out


# ---------------------------------------------------------------- the server


@dataclass
class Recorded:
    method: str
    path: str
    params: dict[str, list[str]]
    headers: dict[str, str]
    body: Any
    time: float  # time.monotonic() when it arrived

    @property
    def variables(self) -> dict[str, Any]:
        return (self.body or {}).get("variables") or {} if isinstance(self.body, dict) else {}

    @property
    def terms(self) -> dict[str, Any]:
        return self.variables.get("terms") or {}


@dataclass
class ManualClock:
    """A monotonic clock whose `sleep` only moves the time: tests never really wait."""

    now: float = 1000.0
    sleeps: list[float] = field(default_factory=list)

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@dataclass
class Fault:
    status: int = 200
    retry_after: str | None = None
    delay: float = 0.0
    malformed: bool = False
    graphql_error: str | None = None  # answered as {"errors": [...]} in an HTTP 200


@dataclass
class FakeForum:
    posts: list[dict[str, Any]] = field(default_factory=list)
    title: str = "LessWrong"
    requests: list[Recorded] = field(default_factory=list)
    pages: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    faults: list[Fault] = field(default_factory=list)
    _server: ThreadingHTTPServer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # ---- lifecycle
    def __enter__(self) -> FakeForum:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.shutdown()
        self._server.server_close()

    @property
    def url(self) -> str:
        assert self._server is not None, "use FakeForum as a context manager"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    # ---- scripting
    def fail_next(self, count: int, status: int = 500, retry_after: str | None = None) -> None:
        self.faults += [Fault(status=status, retry_after=retry_after) for _ in range(count)]

    def delay_next(self, count: int, seconds: float) -> None:
        self.faults += [Fault(delay=seconds) for _ in range(count)]

    def malformed_next(self, count: int) -> None:
        self.faults += [Fault(malformed=True) for _ in range(count)]

    def error_next(self, count: int, message: str) -> None:
        self.faults += [Fault(graphql_error=message) for _ in range(count)]

    def add_page(self, path: str, body: str | bytes, content_type: str = "text/html") -> None:
        data = body.encode() if isinstance(body, str) else body
        self.pages[path] = (content_type, data)

    @property
    def graphql_requests(self) -> list[Recorded]:
        return [request for request in self.requests if request.path == "/graphql"]

    # ---- GraphQL
    def execute(self, body: Any) -> dict[str, Any]:
        if not isinstance(body, dict) or not isinstance(body.get("query"), str):
            return {"errors": [{"message": "Must provide query string."}]}
        try:
            document = graphql.parse(body["query"])
        except graphql.GraphQLError as error:
            return {"errors": [{"message": error.message}]}
        operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        variables = body.get("variables") or {}
        data: dict[str, Any] = {}
        try:
            if len(operations) != 1:
                raise QueryError("Must provide exactly one operation.")
            _check("Query", operations[0].selection_set, fragments)
            for node in _fields(operations[0].selection_set, fragments):
                key = node.alias.value if node.alias else node.name.value
                data[key] = None
                args = {
                    a.name.value: value_from_ast_untyped(a.value, variables) for a in node.arguments
                }
                value, type_name = self._resolve(node.name.value, args.get("input") or {})
                _check(type_name, node.selection_set, fragments)
                data[key] = project(value, type_name, node.selection_set, fragments)
        except QueryError as error:
            return {"errors": [{"message": str(error)}], "data": data or None}
        return {"data": data}

    def _resolve(self, name: str, given: dict[str, Any]) -> tuple[Any, str]:
        if name == "posts":
            return {"results": self.list_posts(given.get("terms") or {})}, "MultiPostOutput"
        wanted = (given.get("selector") or {}).get("_id")
        found = next((post for post in self.posts if post["_id"] == wanted), None)
        return {"result": found}, "SinglePostOutput"

    def list_posts(self, terms: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(terms.get("offset") or 0)
        if offset > MAX_SKIP:
            raise QueryError("Exceeded maximum value for skip")
        limit = terms.get("limit")
        limit = DEFAULT_LIMIT if limit is None else min(int(limit), DEFAULT_LIMIT)
        # Stored dates are all in `api_date` form, so comparing strings compares times.
        after = api_date(parse_date(terms["after"])) if terms.get("after") else None
        before = api_date(parse_date(terms["before"])) if terms.get("before") else None
        threshold = terms.get("karmaThreshold") or 0

        def listed(post: dict[str, Any]) -> bool:
            posted = post["postedAt"]
            return not (
                post.get("draft")
                or (after and posted < after)
                or (before and posted >= before)
                or post["baseScore"] < threshold
                or ("af" in terms and bool(post["af"]) != bool(terms["af"]))
                or (terms.get("excludeEvents") and post["isEvent"])
            )

        chosen = [post for post in self.posts if listed(post)]
        view = terms.get("view")
        if view == "top":
            chosen.sort(key=lambda post: (-post["baseScore"], post["_id"]))
        else:  # "new" and unknown views (silently ignored: the default), or "old"
            chosen.sort(key=lambda post: (post["postedAt"], post["_id"]), reverse=view != "old")
        return chosen[offset : offset + limit]

    # ---- RSS, in the forum's shape
    def feed_xml(self, params: dict[str, list[str]]) -> str:
        asked = int((params.get("karmaThreshold") or ["2"])[0])
        threshold = max([t for t in RSS_THRESHOLDS if t <= asked] or [RSS_THRESHOLDS[0]])
        posts = [
            p
            for p in self.posts
            if p["baseScore"] >= threshold and not p.get("draft") and not p["isEvent"]
        ]
        posts.sort(key=lambda post: post["postedAt"], reverse=True)
        return forum_feed(self.title, self.url, posts[:10])


def _handler_for(forum: FakeForum) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
            pass

        def do_GET(self) -> None:
            self._handle(None)

        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            try:
                body = json.loads(raw)
            except ValueError:
                body = raw.decode("utf-8", "replace")
            self._handle(body)

        def _handle(self, body: Any) -> None:
            url = urlsplit(self.path)
            with forum._lock:
                forum.requests.append(
                    Recorded(
                        self.command,
                        url.path,
                        parse_qs(url.query),
                        dict(self.headers.items()),
                        body,
                        time.monotonic(),
                    )
                )
                fault = forum.faults.pop(0) if forum.faults else Fault()
            if fault.delay:
                time.sleep(fault.delay)
            if fault.status != 200:
                headers = {"Retry-After": fault.retry_after} if fault.retry_after else {}
                self._send(fault.status, "text/plain", b"Too busy", headers)
            elif fault.graphql_error:
                answer = {"errors": [{"message": fault.graphql_error}], "data": None}
                self._send(200, "application/json", json.dumps(answer).encode())
            elif fault.malformed:
                self._send(200, "application/json", b'{"data": {"posts": {"results": [')
            elif url.path == "/graphql" and self.command == "POST":
                answer = json.dumps(forum.execute(body)).encode()
                self._send(200, "application/json; charset=utf-8", answer)
            elif url.path == "/feed.xml":
                feed = forum.feed_xml(parse_qs(url.query)).encode()
                self._send(200, "application/rss+xml; charset=utf-8", feed)
            elif url.path in forum.pages:
                content_type, data = forum.pages[url.path]
                self._send(200, content_type, data)
            else:
                self._send(404, "text/plain", b"Not found")

        def _send(
            self, status: int, content_type: str, data: bytes, headers: dict[str, str] | None = None
        ) -> None:
            try:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout test): nothing to answer

    return Handler
