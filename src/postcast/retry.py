"""Retrying HTTP calls, one way for every client (sources, the OpenAI-compatible voice):
tenacity runs the loop; this module says what is worth another try and how long to wait.

A response worth retrying (timeouts, 408, 429, 5xx) waits as long as the server asked
(`retry-after-ms` or `Retry-After`, the one parser), else a capped exponential backoff
with jitter, so clients that failed together do not come back together.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import tenacity

from postcast.errors import RetryableResponse

RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})


def retry_after_seconds(headers: Mapping[str, str], now: datetime | None = None) -> float | None:
    """Seconds the server asked us to wait: `retry-after-ms`, else `Retry-After` as a
    number of seconds or an HTTP-date; None when absent or unreadable."""
    milliseconds = headers.get("retry-after-ms")
    if milliseconds:
        try:
            return max(0.0, float(milliseconds) / 1000.0)
        except ValueError:
            pass
    value = (headers.get("retry-after") or "").strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def asked_wait(error: BaseException | None) -> float | None:
    """The wait a retryable response asked for, if it did."""
    if isinstance(error, RetryableResponse):
        return retry_after_seconds(error.response.headers)
    return None


def http_retrying(
    *,
    max_retries: int,
    retry_on: Callable[[BaseException], bool],
    sleep: Callable[[float], None],
    backoff_base: float,
    backoff_cap: float,
    max_asked_wait: float,
    rng: random.Random | None = None,
) -> tenacity.Retrying:
    """Up to `max_retries` more tries of what raises an error `retry_on` accepts; the
    last error is raised as it is. A server's own wait is honoured up to `max_asked_wait`."""
    jitter = rng or random.Random()

    def wait(state: tenacity.RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome is not None else None
        asked = asked_wait(error)
        if asked is not None:
            return min(asked, max_asked_wait)
        step = min(backoff_cap, backoff_base * 2 ** (state.attempt_number - 1))
        return float(step * jitter.uniform(0.5, 1.0))  # in the upper half of the step

    return tenacity.Retrying(
        stop=tenacity.stop_after_attempt(max_retries + 1),
        wait=wait,
        retry=tenacity.retry_if_exception(retry_on),
        sleep=sleep,
        reraise=True,
    )
