"""Polite HTTP for every source: a descriptive User-Agent, a minimum interval between
requests to one host, and capped, jittered retries on timeouts, 429 and 5xx.

The forums ask for at least 3 s between requests (robots.txt `Crawl-Delay: 3`) and have
blocked heavy crawlers before, so every request a source makes goes through here.
"""

from __future__ import annotations

import random
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx

from postcast import __version__
from postcast.errors import RetryableResponse, SourceError
from postcast.retry import RETRY_STATUSES, http_retrying, retry_after_seconds
from postcast.sources.addresses import PublicOnlyTransport, RefusedAddress, UnresolvableHost

PROJECT_URL = "https://github.com/postcast/postcast"
USER_AGENT = f"postcast/{__version__} (+{PROJECT_URL})"
# A server asking us to come back later than this is treated as a failure of this run
# (the next run retries) rather than blocking the whole pass for hours.
MAX_RETRY_AFTER = 900.0
# The most a response body may hold once decompressed: far above a real page, feed or API
# page, far below what would exhaust a worker. Read in chunks and stopped here, so a
# hostile link (a gzip bomb: 10 MB that inflate to 10 GB) costs no more than this.
MAX_RESPONSE_BYTES = 64 * 1024 * 1024
# Headers about the encoded body, which the response rebuilt from the decoded one drops
_BODY_ENCODING = frozenset({"content-encoding", "content-length", "transfer-encoding"})


@dataclass
class Pacer:
    """Spaces requests to each host by at least an interval; all waiting goes through it.

    One instance is shared by every source of a process (`SHARED_PACER`), so two sources
    reading the same forum still keep the forum's interval. Tests pass a fake clock/sleep.
    """

    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    _next_slot: dict[str, float] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def wait_turn(self, host: str, interval: float) -> None:
        """Block until `host` may be asked again, and book the slot after this one."""
        # Book the slot under the lock, sleep outside it: other hosts never wait on us.
        with self._lock:
            now = self.clock()
            slot = max(now, self._next_slot.get(host, now))
            self._next_slot[host] = slot + interval
        if slot > now:
            self.sleep(slot - now)
        with self._lock:  # a turn taken late (a busy machine) pushes the next one back
            taken = self.clock()
            self._next_slot[host] = max(self._next_slot[host], taken + interval)

    def pause(self, seconds: float) -> None:
        if seconds > 0:
            self.sleep(seconds)


SHARED_PACER = Pacer()


def new_http_client(timeout: float = 30.0, *, public_only: bool = False) -> httpx.Client:
    """An httpx client with postcast's User-Agent, following redirects; with
    `public_only`, every hop must resolve to public addresses only."""
    transport = PublicOnlyTransport() if public_only else None
    return httpx.Client(
        headers={"User-Agent": USER_AGENT},
        timeout=timeout,
        follow_redirects=True,
        transport=transport,
    )


def is_permanent(error: httpx.TransportError) -> bool:
    """Errors a retry cannot fix: an unsupported scheme, a refused address, a host with
    no DNS entry, a connection refused (nothing listens there)."""
    if isinstance(error, httpx.UnsupportedProtocol | RefusedAddress | UnresolvableHost):
        return True
    cause: BaseException | None = error
    while cause is not None:  # httpx wraps the socket's error; look down the chain
        if isinstance(cause, ConnectionRefusedError | socket.gaierror):
            return True
        cause = cause.__cause__ or cause.__context__
    return False


@dataclass
class PoliteClient:
    """Sends one source's requests: paced per host, retried with backoff, errors named."""

    source: str  # the source's name, used in every error message
    http: httpx.Client
    interval: float = 3.0
    timeout: float = 30.0
    max_retries: int = 5
    pacer: Pacer = field(default_factory=lambda: SHARED_PACER)
    backoff_base: float = 2.0
    backoff_cap: float = 120.0
    rng: random.Random = field(default_factory=random.Random)
    max_bytes: int = MAX_RESPONSE_BYTES

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """A 2xx response, or `SourceError` once retries are spent or on an error that
        retrying cannot fix (a 4xx other than 408/429, a refused address...)."""
        host = urlsplit(url).netloc
        headers = {"User-Agent": USER_AGENT, **kwargs.pop("headers", {})}
        retrying = http_retrying(
            max_retries=self.max_retries,
            retry_on=_transient,
            sleep=self.pacer.pause,
            backoff_base=self.backoff_base,
            backoff_cap=self.backoff_cap,
            max_asked_wait=MAX_RETRY_AFTER,
            rng=self.rng,
        )
        try:
            for attempt in retrying:
                with attempt:
                    self.pacer.wait_turn(host, self.interval)
                    return self._send(method, url, headers, kwargs)
        except RetryableResponse as error:
            problem = f"HTTP {error.response.status_code} from {url}"
        except httpx.TimeoutException as error:
            problem = f"timed out after {self.timeout:g} s ({type(error).__name__})"
        except httpx.TransportError as error:
            problem = f"cannot reach {host}: {error}"
        raise SourceError(self.source, f"{problem}, gave up after {self.max_retries + 1} tries")

    def _send(
        self, method: str, url: str, headers: dict[str, str], kwargs: dict[str, Any]
    ) -> httpx.Response:
        """One try: the response, `RetryableResponse`, or a `SourceError` not retried."""
        host = urlsplit(url).netloc
        try:
            request = self.http.build_request(
                method, url, headers=headers, timeout=self.timeout, **kwargs
            )
            response = self.http.send(request, stream=True)
            try:
                if response.is_success:
                    return self._whole(response, url)
            finally:
                response.close()
        except httpx.InvalidURL as error:
            raise SourceError(self.source, f"invalid URL {url}: {error}") from error
        except httpx.TransportError as error:
            if is_permanent(error):
                raise SourceError(self.source, f"cannot reach {host}: {error}") from error
            raise
        problem = f"HTTP {response.status_code} from {url}"
        if response.status_code not in RETRY_STATUSES:
            raise SourceError(self.source, problem)
        asked = retry_after_seconds(response.headers)
        if asked is not None and asked > MAX_RETRY_AFTER:
            raise SourceError(self.source, f"{problem}: asked to retry in {asked:.0f} s")
        raise RetryableResponse(response)

    def _whole(self, response: httpx.Response, url: str) -> httpx.Response:
        """The streamed response read whole, decompressed, or `SourceError` past
        `max_bytes` (declared or read: a server may send more than it declares)."""
        too_big = f"{url} sends more than {self.max_bytes // (1024 * 1024)} MB (the limit)"
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise SourceError(self.source, too_big)
        body = bytearray()
        for chunk in response.iter_bytes():
            body += chunk
            if len(body) > self.max_bytes:
                raise SourceError(self.source, too_big)
        headers = [(k, v) for k, v in response.headers.multi_items() if k not in _BODY_ENCODING]
        return httpx.Response(
            response.status_code, headers=headers, content=bytes(body), request=response.request
        )

    def post_json(self, url: str, payload: dict[str, Any]) -> Any:
        response = self.request("POST", url, json=payload)
        return self.decode_json(response)

    def decode_json(self, response: httpx.Response) -> Any:
        try:
            return response.json()
        except ValueError as error:
            snippet = response.text[:80].replace("\n", " ")
            raise SourceError(
                self.source, f"malformed JSON from {response.url}: {error} (starts {snippet!r})"
            ) from error


def _transient(error: BaseException) -> bool:
    """Worth another try: a retryable answer, a timeout, a dropped connection."""
    return isinstance(error, RetryableResponse | httpx.TransportError)
