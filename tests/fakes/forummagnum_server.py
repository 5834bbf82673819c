"""A local ForumMagnum: `/graphql`, `/feed.xml` and article pages over real HTTP.

Answers in the exact shape of LessWrong / the EA Forum: only the fields a query selects
(parsed with graphql-core), the legacy `posts(input: {terms})` listing with its terms
and its 2000 offset cap, `post(input: {selector: {_id}})`, GraphQL errors inside HTTP 200.
Scriptable faults (429 + Retry-After, 5xx, slow answers, malformed JSON) and a record
of every request let tests check how politely and robustly a client behaves.
"""

from __future__ import annotations

import json
import random
import string
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import graphql
from graphql import FieldNode, FragmentDefinitionNode, OperationDefinitionNode
from graphql.utilities import value_from_ast_untyped

MAX_SKIP = 2000
DEFAULT_LIMIT = 5000  # what the API returns when a client forgets `limit`
RSS_THRESHOLDS = (2, 30, 45, 75, 125, 200)


def _words(text: str) -> list[str]:
    return text.split()


# Object types and their fields; None marks a scalar. "[T]" is a list of T.
SCHEMA: dict[str, dict[str, str | None]] = {
    "Query": {"posts": "MultiPostOutput", "post": "SinglePostOutput"},
    "MultiPostOutput": {"results": "[Post]", "totalCount": None},
    "SinglePostOutput": {"result": "Post"},
    "Post": {
        **dict.fromkeys(
            _words(
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


def parse_date(value: str) -> datetime:
    return datetime.fromisoformat(value).astimezone(UTC)


def api_date(when: datetime) -> str:
    return when.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


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


# ---------------------------------------------------------------- synthetic posts

FIRST = _words("Ada Ben Chloe Dmitri Esme Farah Gus Hana Ivo Jun Kemi Lior Mara Nils Oona")
LAST = _words("Abara Brandt Castillo Dahl Eze Foss Greco Holm Ibsen Jovanovic Kaur Lund")
WORDS = _words(
    "calibration forecasting alignment interpretability charity evidence bayes priors "
    "incentives coordination moloch agency planning research tractability welfare "
    "compute scaling oversight epistemics rationality trade-offs uncertainty models"
)
TAGS = ["AI", "Rationality", "World Modeling", "Community", "Forecasting", "Global Health"]


def _ident(rng: random.Random, size: int = 17) -> str:
    return "".join(rng.choices(string.ascii_letters + string.digits, k=size))


def _user(rng: random.Random) -> dict[str, Any]:
    name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    slug = name.lower().replace(" ", "-")
    return {"_id": _ident(rng), "displayName": name, "username": slug, "slug": slug}


def make_post(
    rng: random.Random, posted: datetime, site_url: str, users: list[dict[str, Any]]
) -> dict[str, Any]:
    """One post object with every field the API has, in the API's shape."""
    post_id = _ident(rng)
    words = rng.sample(WORDS, 4)
    title = f"{words[0].capitalize()} and {words[1]}: notes on {words[2]} {words[3]}"
    slug = "-".join(title.lower().replace(":", "").split())
    paragraphs = [
        " ".join(rng.choices(WORDS, k=rng.randint(12, 40))).capitalize() + "."
        for _ in range(rng.randint(2, 6))
    ]
    html = "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)
    is_af = rng.random() < 0.15
    crosspost = rng.random() < 0.05
    return {
        "_id": post_id,
        "title": title,
        "slug": slug,
        "pageUrl": f"{site_url}/posts/{post_id}/{slug}",
        "url": f"https://example.org/{slug}" if rng.random() < 0.1 else None,
        "postedAt": api_date(posted),
        "modifiedAt": api_date(posted + timedelta(hours=rng.randint(1, 48)))
        if rng.random() < 0.3
        else None,
        "baseScore": int(rng.lognormvariate(3.0, 1.0)),
        "voteCount": rng.randint(0, 200),
        "af": is_af,
        "afBaseScore": rng.randint(0, 120) if is_af else None,
        "commentCount": rng.randint(0, 90),
        "question": rng.random() < 0.05,
        "isEvent": rng.random() < 0.03,
        "draft": True if rng.random() < 0.01 else None,
        "shortform": False,
        "curatedDate": api_date(posted) if rng.random() < 0.02 else None,
        "frontpageDate": api_date(posted) if rng.random() < 0.7 else None,
        "readTimeMinutes": max(1, len(html) // 1200),
        "debate": False,
        "user": None if rng.random() < 0.03 else rng.choice(users),
        "coauthors": None if rng.random() < 0.1 else rng.sample(users, rng.choice((0, 0, 0, 1, 2))),
        "tags": [
            {"_id": f"tag{TAGS.index(t)}", "name": t, "slug": t.lower().replace(" ", "-")}
            for t in rng.sample(TAGS, rng.randint(0, 3))
        ],
        "contents": {
            "html": html,
            "markdown": "\n\n".join(paragraphs),
            "wordCount": sum(len(p.split()) for p in paragraphs),
            "plaintextMainText": "\n\n".join(paragraphs)[:2000],
        },
        "fmCrosspost": {
            "isCrosspost": True,
            "hostedHere": rng.random() < 0.5,
            "foreignPostId": _ident(rng),
        }
        if crosspost
        else {"isCrosspost": False},
    }


def generate_posts(
    count: int,
    start: datetime,
    end: datetime,
    seed: int = 1,
    site_url: str = "https://www.lesswrong.com",
) -> list[dict[str, Any]]:
    """`count` realistic posts spread over [start, end), oldest first; a few share a timestamp."""
    rng = random.Random(seed)
    users = [_user(rng) for _ in range(40)]
    span = (end - start).total_seconds()
    stamps = sorted(start + timedelta(seconds=round(rng.random() * span, 3)) for _ in range(count))
    for i in range(1, count):
        if rng.random() < 0.02:  # same-millisecond posts happen (imports, scheduled posts)
            stamps[i] = stamps[i - 1]
    return [make_post(rng, stamp, site_url, users) for stamp in stamps]


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


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def forum_feed(title: str, site_url: str, posts: list[dict[str, Any]]) -> str:
    """RSS 2.0 as ForumMagnum writes it: full body, a "Discuss" link, guid = `_id`."""
    items = []
    for post in posts:
        posted = parse_date(post["postedAt"])
        body = (
            f"Published on {posted:%B %-d, %Y %-I:%M %p} GMT<br/><br/>"
            f"{post['contents']['html']}<br/><br/>"
            f'<a href="{post["pageUrl"]}#comments">Discuss</a>'
        )
        author = (post.get("user") or {}).get("displayName")
        creator = f"<dc:creator>{_cdata(author)}</dc:creator>" if author else ""
        items.append(
            f"<item><title>{_cdata(post['title'])}</title><description>{_cdata(body)}"
            f"</description><link>{post['pageUrl']}</link>"
            f'<guid isPermaLink="false">{post["_id"]}</guid>{creator}'
            f"<pubDate>{format_datetime(posted, usegmt=True)}</pubDate></item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:content="http://purl.org/rss/1.0/modules/content/"'
        ' xmlns:atom="http://www.w3.org/2005/Atom" version="2.0"><channel>'
        f"<title>{_cdata(title)}</title><description>{_cdata(title + ' posts')}</description>"
        f"<link>{site_url}</link><generator>RSS for Node</generator>"
        f'<atom:link href="{site_url}/feed.xml" rel="self" type="application/rss+xml"/>'
        + "".join(items)
        + "</channel></rss>"
    )


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


def article_page(title: str, author: str, date: str, paragraphs: list[str]) -> str:
    """A realistic blog article page: navigation, sidebar, comments and footer around it."""
    body = "\n".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{title} | Example Essays</title>
<meta name="author" content="{author}">
<meta property="og:title" content="{title}">
<meta property="og:type" content="article">
<meta property="article:published_time" content="{date}">
<link rel="stylesheet" href="/style.css"></head>
<body>
<header class="site-header"><a href="/">Example Essays</a>
<nav><ul><li><a href="/about">About</a></li><li><a href="/archive">Archive</a></li>
<li><a href="/subscribe">Subscribe</a></li></ul></nav></header>
<main><article class="post">
<h1 class="post-title">{title}</h1>
<p class="byline">By <span class="author">{author}</span>
 on <time datetime="{date}">{date}</time></p>
<div class="post-content">
{body}
</div></article>
<section class="comments"><h2>3 comments</h2><p>Great post, thanks!</p></section>
</main>
<aside class="sidebar"><h3>Popular</h3><ul><li><a href="/a">Another essay</a></li></ul></aside>
<footer><p>© 2025 Example Essays. All rights reserved.</p><a href="/privacy">Privacy</a></footer>
</body></html>"""
