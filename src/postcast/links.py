"""The one check every link passes before it is published or spoken as a site.

Post URLs come from forums, feeds, pages and files written by anyone: only absolute
`http`/`https` links with a host are ever published (feed `<link>`, episode pages, show
notes, ID3 tags). Anything else (`javascript:`, `data:`, `file:///home/...` paths that
would expose the operator's folders) becomes no link at all.
"""

from __future__ import annotations

from urllib.parse import urlsplit

WEB_SCHEMES = frozenset({"http", "https"})


def web_link(url: str | None) -> str:
    """`url` (stripped) if it is an absolute http(s) link with a host, else ""."""
    candidate = (url or "").strip()
    if any(ord(char) < 0x21 for char in candidate):  # spaces, controls: a browser would
        return ""  # strip them and maybe read another scheme
    try:
        parts = urlsplit(candidate)
    except ValueError:  # an invalid IPv6 host, for one
        return ""
    if parts.scheme.lower() not in WEB_SCHEMES or not parts.hostname:
        return ""
    return candidate


def safe_href(href: str) -> bool:
    """A link inside a post body worth keeping: relative (`#fn1`, `/about`), web or mail.
    `javascript:`, `data:`, `file:` and other schemes are dropped (their text stays)."""
    candidate = href.strip()
    if any(ord(char) < 0x21 for char in candidate):
        return False
    try:
        scheme = urlsplit(candidate).scheme.lower()
    except ValueError:
        return False
    return scheme in ("", "mailto") or bool(web_link(candidate))
