"""Synthetic ForumMagnum content for the fake forum: posts in the API's exact shape,
the forum's RSS feed, and a realistic article page for the URL source."""

from __future__ import annotations

import random
import string
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

RSS_THRESHOLDS = (2, 30, 45, 75, 125, 200)


def words(text: str) -> list[str]:
    return text.split()


def parse_date(value: str) -> datetime:
    return datetime.fromisoformat(value).astimezone(UTC)


def api_date(when: datetime) -> str:
    return when.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


# ---------------------------------------------------------------- synthetic posts

FIRST = words("Ada Ben Chloe Dmitri Esme Farah Gus Hana Ivo Jun Kemi Lior Mara Nils Oona")
LAST = words("Abara Brandt Castillo Dahl Eze Foss Greco Holm Ibsen Jovanovic Kaur Lund")
WORDS = words(
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
