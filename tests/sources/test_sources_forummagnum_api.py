"""`post_from_api` on the API's shapes, and the fake forum's fidelity to the real API."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from postcast.errors import ShapeError
from postcast.sources.forummagnum import LIST_QUERY, post_from_api
from tests.fakes.forummagnum_server import FakeForum, api_date, generate_posts

NOW = datetime(2025, 6, 8, tzinfo=UTC)
BASE: dict[str, Any] = {
    "_id": "abc123",
    "title": " Steelmanning, again ",
    "pageUrl": "https://www.lesswrong.com/posts/abc123/steelmanning-again",
    "url": None,
    "postedAt": "2025-06-01T12:00:00.000Z",
    "modifiedAt": None,
    "baseScore": 42,
    "af": True,
    "afBaseScore": 17,
    "question": True,
    "isEvent": False,
    "draft": None,
    "shortform": False,
    "user": {"_id": "u1", "displayName": "Ann Lee", "username": "annlee", "slug": "ann-lee"},
    "coauthors": [
        {"_id": "u2", "displayName": "Bo Park", "username": "bo", "slug": "bo"},
        {"_id": "u1", "displayName": "Ann Lee", "username": "annlee", "slug": "ann-lee"},
    ],
    "tags": [{"_id": "t1", "name": "Rationality", "slug": "rationality"}],
    "contents": {"html": "<p>Body $x$</p>", "markdown": "Body $x$", "wordCount": 2},
    "fmCrosspost": {"isCrosspost": True, "hostedHere": False, "foreignPostId": "eaXYZ"},
}


def test_full_api_object() -> None:
    post = post_from_api(BASE, "AF", "The AI Alignment Forum", "af")
    assert (post.post_id, post.title, post.source) == ("abc123", "Steelmanning, again", "af")
    assert post.authors == ("Ann Lee", "Bo Park")  # coauthors after the author, no repeats
    assert post.posted_at == datetime(2025, 6, 1, 12, tzinfo=UTC)
    assert post.url == BASE["pageUrl"] and post.html == "<p>Body $x$</p>"
    assert post.markdown == "Body $x$" and post.tags == ("Rationality",)
    assert (post.karma, post.af, post.af_karma, post.is_question) == (42, True, 17, True)
    assert (post.crosspost_id, post.crosspost_hosted_here) == ("eaXYZ", False)
    assert post.modified_at is None
    assert post.revision == f"{post.posted_at.isoformat()}#{post.content_digest}"
    assert (post.forum_code, post.forum_name) == ("AF", "The AI Alignment Forum")


def test_deleted_user_null_coauthors_and_sparse_fields() -> None:
    raw = copy.deepcopy(BASE) | {"user": None, "coauthors": None, "afBaseScore": None}
    raw |= {"fmCrosspost": {"isCrosspost": False}, "tags": None, "contents": None}
    raw |= {"htmlBody": "<p>old alias</p>", "modifiedAt": "2025-06-02T08:00:00.000Z"}
    post = post_from_api(raw, "LW", "LessWrong", "lw")
    assert post.authors == () and post.af_karma is None and post.tags == ()
    assert post.crosspost_id is None and post.crosspost_hosted_here is None
    assert post.html == "<p>old alias</p>" and post.markdown is None
    assert post.modified_at == datetime(2025, 6, 2, 8, tzinfo=UTC)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"_id": None}, "lacks _id"),
        ({"title": ""}, "lacks title"),
        ({"postedAt": "yesterday"}, "is not an ISO date"),
    ],
)
def test_bad_api_objects(change: dict[str, Any], message: str) -> None:
    with pytest.raises(ShapeError, match=message):
        post_from_api(copy.deepcopy(BASE) | change, "LW", "LessWrong", "lw")


def ask(forum: FakeForum, query: str, **variables: Any) -> dict[str, Any]:
    answer = httpx.post(f"{forum.url}/graphql", json={"query": query, "variables": variables})
    assert answer.status_code == 200  # errors too come back as HTTP 200
    return answer.json()


def test_fake_answers_only_the_fields_asked_with_aliases() -> None:
    posts = generate_posts(30, NOW - timedelta(days=3), NOW, seed=31)
    with FakeForum(posts=posts) as forum:
        query = "query($t: JSON){ posts(input:{terms:$t}) { results { _id name: title "
        query += "user { slug } } } }"
        answer = ask(forum, query, t={"view": "old", "limit": 5})
        full = ask(forum, LIST_QUERY, terms={"view": "new", "limit": 3})
    results = answer["data"]["posts"]["results"]
    listed = sorted((p for p in posts if not p["draft"]), key=lambda p: (p["postedAt"], p["_id"]))
    assert [r["_id"] for r in results] == [p["_id"] for p in listed[:5]]
    for result, post in zip(results, listed, strict=False):
        assert set(result) == {"_id", "name", "user"} and result["name"] == post["title"]
        assert result["user"] == (None if post["user"] is None else {"slug": post["user"]["slug"]})
    newest = full["data"]["posts"]["results"]
    assert [r["_id"] for r in newest] == [
        p["_id"] for p in sorted(listed, key=lambda p: (p["postedAt"], p["_id"]), reverse=True)[:3]
    ]
    assert set(newest[0]["contents"]) == {"html", "markdown", "wordCount"}


def test_fake_terms_and_limits() -> None:
    posts = generate_posts(120, NOW - timedelta(days=3), NOW, seed=32)
    query = "query($t: JSON){ posts(input:{terms:$t}) { results { _id baseScore af } } }"
    with FakeForum(posts=posts) as forum:
        everything = ask(forum, query, t={})["data"]["posts"]["results"]
        top = ask(forum, query, t={"view": "top", "limit": 10})["data"]["posts"]["results"]
        af = ask(forum, query, t={"af": True, "limit": 500})["data"]["posts"]["results"]
        not_af = ask(forum, query, t={"af": False, "limit": 500})["data"]["posts"]["results"]
        rich = ask(forum, query, t={"karmaThreshold": 40, "limit": 500})["data"]["posts"]
        window = ask(
            forum, query, t={"after": api_date(NOW - timedelta(days=1)), "before": api_date(NOW)}
        )["data"]["posts"]["results"]
        too_deep = ask(forum, query, t={"offset": 2001, "limit": 10})
    assert len(everything) == sum(1 for p in posts if not p["draft"]) > 50  # no limit: all
    assert [r["baseScore"] for r in top] == sorted(
        (r["baseScore"] for r in everything), reverse=True
    )[:10]
    assert af and all(r["af"] for r in af) and all(not r["af"] for r in not_af)
    assert len(af) + len(not_af) == len(everything)
    assert all(r["baseScore"] >= 40 for r in rich["results"])
    in_window = {
        p["_id"]
        for p in posts
        if not p["draft"] and p["postedAt"] >= api_date(NOW - timedelta(days=1))
    }
    assert {r["_id"] for r in window} == in_window
    assert too_deep["errors"][0]["message"] == "Exceeded maximum value for skip"


def test_fake_rejects_bad_queries_in_http_200() -> None:
    with FakeForum(posts=generate_posts(3, NOW - timedelta(days=1), NOW)) as forum:
        unknown = ask(forum, "{ posts(input:{terms:{}}) { results { _id karma } } }")
        syntax = ask(forum, "{ posts(input: { results }")
        bare = ask(forum, "{ posts(input:{terms:{}}) { results { user } } }")
        one = ask(
            forum,
            "query($id: String){ post(input:{selector:{_id:$id}}) { result { _id } } }",
            id=forum.posts[1]["_id"],
        )
    assert unknown["errors"][0]["message"] == 'Cannot query field "karma" on type "Post".'
    assert syntax["errors"][0]["message"].startswith("Syntax Error")
    assert "must have a selection of subfields" in bare["errors"][0]["message"]
    assert one == {"data": {"post": {"result": {"_id": forum.posts[1]["_id"]}}}}
