"""What an embedded player or page is, from its address: "Embedded video from YouTube."

Medium wraps players in Embedly's iframe, the player's own address in its query.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from postcast.narration.spoken import link_name, sentence, site_name


def words_for_url(url: str) -> str:
    """The narrator's words for an embed known only by its address."""
    if not url:
        return "Embedded content."
    if site_name(url) == "cdn dot embedly dot com":  # Medium's wrapper round a player
        query = parse_qs(urlsplit(url).query)
        inner = (query.get("src") or query.get("url") or [""])[0]
        if inner:
            return words_for_url(inner)
    site = site_name(url)
    if site in ("X", "Twitter"):
        return tweet_words(url)
    return _SITE_EMBEDS.get(site) or f"Embedded content from {site}."


def tweet_words(url: str) -> str:
    said = link_name(url) if site_name(url) in ("X", "Twitter") else "a post on X"
    return sentence(f"Embedded {said.removeprefix('a ')}")


_SITE_EMBEDS = {
    "YouTube": "Embedded video from YouTube.",
    "Vimeo": "Embedded video from Vimeo.",
    "Metaculus": "Embedded forecast from Metaculus.",
    "Manifold": "Embedded prediction market from Manifold.",
    "Our World in Data": "Embedded chart from Our World in Data.",
    "Spotify": "Embedded audio from Spotify.",
    "Datawrapper": "Embedded chart from Datawrapper.",
}
