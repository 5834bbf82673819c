"""What keeps the web app safe: the admin token, security headers and rate limits.

(Request bodies are limited by FastAPI's own `max_body_size`, declared or streamed.)

The admin token is configured as its SHA-256 (`[web] admin_token_sha256`), so the
configuration never holds the secret; a request's token is hashed and compared in constant
time. Without a configured hash there is no admin at all: its routes answer 404, as for a
page that does not exist (nothing tells a prober that an admin could be switched on).
"""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import urlsplit

from fastapi import HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY_BYTES = 64 * 1024  # the admin API takes small JSON bodies; nothing else takes any
PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; "
    "media-src 'self' https: blob:; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
# The embed is meant to sit in other sites' pages.
EMBED_CSP = PAGE_CSP.replace("frame-ancestors 'none'", "frame-ancestors *")

bearer = HTTPBearer(auto_error=False, description="The admin token ([web] admin_token_sha256).")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class AdminGuard:
    """404 without an admin, 401 without the right bearer token."""

    def __init__(self, token_sha256: str) -> None:
        self._expected = token_sha256.lower().encode()

    @property
    def enabled(self) -> bool:
        return bool(self._expected)

    def check(self, credentials: HTTPAuthorizationCredentials | None) -> None:
        if not self.enabled:
            raise HTTPException(status_code=404, detail="Not Found")
        given = token_hash(credentials.credentials).encode() if credentials else b""
        if not hmac.compare_digest(given, self._expected):
            raise HTTPException(
                status_code=401,
                detail="a valid admin bearer token is required",
                headers={"WWW-Authenticate": "Bearer"},
            )


class RateLimit:
    """A moving-window limit per client address (429 past it)."""

    def __init__(self, rate: str) -> None:
        self._items: list[RateLimitItem] = parse_many(rate)
        self._limiter = MovingWindowRateLimiter(MemoryStorage())

    def __call__(self, request: Request) -> None:
        client = request.client.host if request.client else "unknown"
        for item in self._items:
            if not self._limiter.hit(item, "public", client):
                raise HTTPException(
                    status_code=429,
                    detail=f"too many requests: the limit is {item}",
                    headers={"Retry-After": str(item.get_expiry())},
                )


def safe_href(url: object) -> str | None:
    """`url` if it may be a live link (http or https), else None: a `javascript:`, `data:`
    or other scheme from a post never becomes clickable."""
    if not isinstance(url, str):
        return None
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return None
    return url.strip() if scheme in ("http", "https") else None


class SecurityHeaders:
    """ASGI middleware: CSP on HTML pages, no MIME sniffing, no referrer to other sites."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        embed = scope["path"] == "/embed"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("x-content-type-options", "nosniff")
                headers.setdefault("referrer-policy", "strict-origin-when-cross-origin")
                if headers.get("content-type", "").startswith("text/html"):
                    headers["content-security-policy"] = EMBED_CSP if embed else PAGE_CSP
                    if not embed:
                        headers.setdefault("x-frame-options", "DENY")
            await send(message)

        await self.app(scope, receive, send_with_headers)
