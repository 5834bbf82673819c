"""Polite HTTP: pacing per host, Retry-After, backoff limits, errors that name the source."""

from __future__ import annotations

import random
import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from postcast.errors import SourceError
from postcast.retry import retry_after_seconds
from postcast.sources.polite import USER_AGENT, Pacer, PoliteClient
from tests.fakes.forummagnum_server import FakeForum, ManualClock


def test_retry_after_forms() -> None:
    now = datetime(2025, 6, 1, 12, tzinfo=UTC)

    def after(value: str) -> dict[str, str]:
        return {"retry-after": value}

    assert retry_after_seconds(after("120")) == 120.0
    assert retry_after_seconds(after(format_datetime(now + timedelta(seconds=90), True)), now) == 90
    assert retry_after_seconds(after(format_datetime(now - timedelta(seconds=90), True)), now) == 0
    assert retry_after_seconds(after("soon")) is None
    assert retry_after_seconds({}) is None
    assert retry_after_seconds({"retry-after-ms": "1500", "retry-after": "9"}) == 1.5


def test_pacer_spaces_one_host_and_leaves_others_alone() -> None:
    clock = ManualClock()
    pacer = Pacer(clock=clock, sleep=clock.sleep)
    starts = []
    for host in ("a.org", "a.org", "b.org", "a.org"):
        pacer.wait_turn(host, 3.0)
        starts.append((host, clock()))
    assert starts == [("a.org", 1000.0), ("a.org", 1003.0), ("b.org", 1003.0), ("a.org", 1006.0)]


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client() as client:
        yield client


def client_for(http: httpx.Client, clock: ManualClock, **options: object) -> PoliteClient:
    return PoliteClient(
        source="test",
        http=http,
        interval=0,
        pacer=Pacer(clock=clock, sleep=clock.sleep),
        rng=random.Random(1),
        **options,  # type: ignore[arg-type]
    )


def test_a_far_retry_after_ends_the_run_instead_of_blocking_it(http) -> None:
    clock = ManualClock()
    with FakeForum() as forum:
        forum.fail_next(1, status=429, retry_after="86400")
        client = client_for(http, clock)
        with pytest.raises(SourceError, match=r"HTTP 429.*asked to retry in 86400 s"):
            client.request("GET", f"{forum.url}/feed.xml")
    assert clock.sleeps == [] and len(forum.requests) == 1


def test_client_errors_are_not_retried_and_backoff_is_capped(http) -> None:
    clock = ManualClock()
    with FakeForum() as forum:
        client = client_for(http, clock, max_retries=6, backoff_cap=10.0)
        with pytest.raises(SourceError, match=r"'test'.*HTTP 404"):
            client.request("GET", f"{forum.url}/nothing-here")
        assert len(forum.requests) == 1
        forum.fail_next(6, status=502)
        response = client.request("GET", f"{forum.url}/feed.xml")
    assert response.status_code == 200
    assert len(clock.sleeps) == 6 and max(clock.sleeps) <= 10.0
    assert forum.requests[-1].headers["User-Agent"] == USER_AGENT


def test_a_refused_connection_fails_at_once_and_is_named(http) -> None:
    """Nothing listens there: retrying cannot help (issue 11: it was retried for ~50 s)."""
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    clock = ManualClock()
    client = PoliteClient(
        source="gone",
        http=httpx.Client(),
        interval=0,
        max_retries=2,
        pacer=Pacer(clock=clock, sleep=clock.sleep),
    )
    with pytest.raises(SourceError, match=r"'gone'.*cannot reach 127.0.0.1"):
        client.request("GET", f"http://127.0.0.1:{port}/")
    assert clock.sleeps == []
