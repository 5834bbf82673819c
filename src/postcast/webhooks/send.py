"""One signed POST of an event to one URL, and what its answer means.

Headers (documented in the README for receivers):
`X-Postcast-Event` (the event's name), `X-Postcast-Delivery` (the event's id, the same on
every retry, to drop repeats), `X-Postcast-Timestamp` (Unix seconds of this attempt) and
`X-Postcast-Signature: sha256=<hex>`, the HMAC-SHA256 under the webhook's secret of the
timestamp, a full stop and the raw body: a receiver recomputes it, compares in constant
time and refuses timestamps more than a few minutes old, so a captured request cannot be
replayed later.

Only 307 and 308 redirects are followed (they keep the POST and its body), each hop's
address checked like the first; every hop must be public unless the webhook allows
private addresses.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

import httpx

from postcast import __version__
from postcast.retry import RETRY_STATUSES, retry_after_seconds
from postcast.sources.addresses import PublicOnlyTransport, RefusedAddress

SIGNATURE_HEADER = "X-Postcast-Signature"
TIMESTAMP_HEADER = "X-Postcast-Timestamp"
EVENT_HEADER = "X-Postcast-Event"
DELIVERY_HEADER = "X-Postcast-Delivery"
MAX_REDIRECTS = 5
TIMEOUT_SECONDS = 10.0


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """`sha256=<hex>`: HMAC-SHA256 of `<timestamp>.<body>` under `secret`."""
    message = f"{timestamp}.".encode() + body
    return "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Outcome:
    error: str | None = None  # None: delivered (a 2xx answer)
    retry: bool = False  # worth another attempt later
    wait: float | None = None  # seconds the receiver asked for (Retry-After)


def new_client(public_only: bool) -> httpx.Client:
    return httpx.Client(
        headers={"User-Agent": f"postcast/{__version__} webhooks"},
        timeout=TIMEOUT_SECONDS,
        follow_redirects=False,  # followed here: only 307/308, which keep the POST
        transport=PublicOnlyTransport() if public_only else None,
    )


def post_event(client: httpx.Client, url: str, body: bytes, headers: dict[str, str]) -> Outcome:
    """POST `body` to `url`, following up to five 307/308 redirects."""
    for _ in range(MAX_REDIRECTS + 1):
        request = client.build_request("POST", url, content=body, headers=headers)
        try:
            response = client.send(request, stream=True)  # the answer's body is not read
        except (RefusedAddress, httpx.UnsupportedProtocol, httpx.InvalidURL) as error:
            return Outcome(f"{url}: {error}")
        except httpx.HTTPError as error:
            return Outcome(f"{url}: {type(error).__name__}: {error}".strip(": "), retry=True)
        response.close()
        location = response.headers.get("location")
        if response.status_code in (307, 308) and location:
            url = str(response.url.join(location))
            continue
        return judged(url, response)
    return Outcome(f"{url}: more than {MAX_REDIRECTS} redirects")


def judged(url: str, response: httpx.Response) -> Outcome:
    status = response.status_code
    if 200 <= status < 300:
        return Outcome()
    error = f"{url} answered {status} {response.reason_phrase}".rstrip()
    if status in RETRY_STATUSES:
        return Outcome(error, retry=True, wait=retry_after_seconds(response.headers))
    if 300 <= status < 400:
        error += " (only 307 and 308 redirects are followed: configure the final URL)"
    return Outcome(error)  # the receiver refuses it: another try would be refused too
