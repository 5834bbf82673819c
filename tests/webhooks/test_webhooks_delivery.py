"""Webhooks reach a real local receiver: signed JSON, retries with backoff after 5xx, a
recorded give-up, and refusal of loopback, private, link-local and metadata addresses
(spelled out, behind DNS names and behind redirects)."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from postcast import webhooks
from postcast.config import Config, LibraryConfig, WebConfig, WebhookConfig
from postcast.sources import addresses
from postcast.storage import Library
from postcast.webhooks.delivery import backoff, deliver_pending
from tests.service.webapp.webapp_library import add_episode
from tests.webhooks.conftest import SECRET, SECRET_ENV
from tests.webhooks.receiver import Receiver

T0 = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)


def _config(tmp_path: Path, database: str, *urls: str, private: bool, **hook: Any) -> Config:
    return Config(
        library=LibraryConfig(
            base_url="https://pod.example.org/",
            site_dir=str(tmp_path / "site"),
            database=database,
            allow_private_addresses=private,  # the local receiver is on 127.0.0.1
        ),
        web=WebConfig(webhooks=[WebhookConfig(url, SECRET_ENV, **hook) for url in urls]),
        base_dir=tmp_path,
    )


def _rendered(library: Library, tmp_path: Path, number: int = 1) -> str:
    stored = add_episode(
        library, tmp_path / "site", number, title=f"Otters {number}", status="rendered"
    )
    assert webhooks.published(library, [stored.guid]) == 1
    return stored.guid


def test_an_event_is_posted_as_signed_json(
    tmp_path: Path, database: str, library: Library, receiver: Receiver
) -> None:
    config = _config(tmp_path, database, receiver.url, private=True)
    guid = _rendered(library, tmp_path)
    report = deliver_pending(config, library, now=T0)
    assert (report.delivered, report.retrying, report.given_up) == (1, 0, 0)
    (request,) = receiver.received
    headers = request.headers
    assert headers["content-type"] == "application/json"
    assert headers["x-postcast-event"] == "episode.published"
    assert headers["x-postcast-timestamp"] == str(int(T0.timestamp()))
    signed = headers["x-postcast-timestamp"].encode() + b"." + request.body
    expected = hmac.new(SECRET.encode(), signed, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["x-postcast-signature"], f"sha256={expected}")
    payload = json.loads(request.body)
    assert payload["event"] == "episode.published"
    assert payload["id"] == headers["x-postcast-delivery"]
    episode = payload["episode"]
    assert episode["guid"] == guid and episode["title"] == "Otters 1"
    assert episode["status"] == "published"
    assert episode["audio_url"] == f"https://pod.example.org/episodes/{guid}.mp3"
    assert episode["post_url"] == "https://www.lesswrong.com/posts/post1/slug"
    (state,) = library.delivery_states()
    assert (state.state, state.attempts, state.last_error) == ("delivered", 1, None)
    assert deliver_pending(config, library, now=T0 + timedelta(hours=1)).summary() == ""
    assert len(receiver.received) == 1  # delivered once, never again


def test_the_signature_covers_the_body_and_the_timestamp(
    tmp_path: Path, database: str, library: Library, receiver: Receiver
) -> None:
    """A receiver recomputing it rejects an altered body, and a captured request replayed
    under a fresh timestamp (the old one would be refused as stale)."""
    config = _config(tmp_path, database, receiver.url, private=True)
    _rendered(library, tmp_path)
    deliver_pending(config, library, now=T0)
    (request,) = receiver.received
    stamp = request.headers["x-postcast-timestamp"]
    later = str(int(stamp) + 600)
    for timestamp, body in ((stamp, request.body.replace(b"Otters 1", b"Otters 2")),
                            (later, request.body)):  # fmt: skip
        digest = hmac.new(SECRET.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
        assert request.headers["x-postcast-signature"] != f"sha256={digest.hexdigest()}"


def test_server_errors_are_retried_with_backoff(
    tmp_path: Path, database: str, library: Library, receiver: Receiver
) -> None:
    config = _config(tmp_path, database, receiver.url, private=True)
    _rendered(library, tmp_path)
    receiver.answers = [(500, {}), (503, {}), (200, {})]
    assert deliver_pending(config, library, now=T0).retrying == 1
    (state,) = library.delivery_states()
    assert state.next_attempt_at == T0 + timedelta(seconds=30)
    assert state.last_error is not None and "answered 500" in state.last_error
    deliver_pending(config, library, now=T0 + timedelta(seconds=29))  # not due yet
    assert len(receiver.received) == 1
    deliver_pending(config, library, now=T0 + timedelta(seconds=30))
    (state,) = library.delivery_states()
    assert state.next_attempt_at == T0 + timedelta(seconds=90)  # then a minute
    assert deliver_pending(config, library, now=T0 + timedelta(seconds=90)).delivered == 1
    (state,) = library.delivery_states()
    assert (state.state, state.attempts, state.last_error) == ("delivered", 3, None)
    ids = {request.headers["x-postcast-delivery"] for request in receiver.received}
    assert len(receiver.received) == 3 and len(ids) == 1  # one event, tried three times


def test_a_receiver_asking_for_longer_waits_longer(
    tmp_path: Path, database: str, library: Library, receiver: Receiver
) -> None:
    config = _config(tmp_path, database, receiver.url, private=True)
    _rendered(library, tmp_path)
    receiver.answers = [(429, {"Retry-After": "120"})]
    deliver_pending(config, library, now=T0)
    (state,) = library.delivery_states()
    assert state.next_attempt_at == T0 + timedelta(seconds=120)


def test_delivery_is_given_up_after_the_limit_and_recorded(
    tmp_path: Path, database: str, library: Library, receiver: Receiver
) -> None:
    config = _config(tmp_path, database, receiver.url, private=True, max_attempts=3)
    _rendered(library, tmp_path)
    receiver.answers = [(502, {})] * 5
    now = T0
    for attempt in range(1, 4):
        deliver_pending(config, library, now=now)
        now += backoff(attempt)
    (state,) = library.delivery_states()
    assert (state.state, state.attempts) == ("failed", 3)
    assert state.last_error is not None
    assert "answered 502" in state.last_error and "gave up after 3 attempts" in state.last_error
    deliver_pending(config, library, now=now + timedelta(days=1))
    assert len(receiver.received) == 3


def test_a_refusing_receiver_is_not_retried(
    tmp_path: Path, database: str, library: Library, receiver: Receiver
) -> None:
    config = _config(tmp_path, database, receiver.url, private=True)
    _rendered(library, tmp_path)
    receiver.answers = [(410, {})]
    assert deliver_pending(config, library, now=T0).given_up == 1
    (state,) = library.delivery_states()
    assert state.state == "failed" and "answered 410" in (state.last_error or "")


def test_backoff_doubles_up_to_six_hours() -> None:
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert backoff(30) == timedelta(hours=6)


def _refused(config: Config, library: Library, receiver: Receiver) -> str:
    assert deliver_pending(config, library, now=T0).given_up == 1  # at once: no retry
    (state,) = library.delivery_states()
    assert state.state == "failed" and state.attempts == 1
    assert receiver.received == []
    return state.last_error or ""


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:PORT/hook",
        "http://2130706433:PORT/hook",  # 127.0.0.1 as one number
        "http://localhost:PORT/hook",  # a name resolving to loopback
        "http://[::1]:PORT/hook",
        "http://[::ffff:127.0.0.1]:PORT/hook",
        "http://169.254.169.254/latest/meta-data/",  # cloud metadata
        "http://[fd00:ec2::254]/latest/meta-data/",
        "http://10.0.0.1/hook",
        "http://192.168.1.1/hook",
    ],
)
def test_non_public_addresses_are_refused(
    tmp_path: Path, sqlite_library: Library, receiver: Receiver, url: str
) -> None:
    url = url.replace("PORT", str(receiver.port))
    config = _config(tmp_path, sqlite_library.url, url, private=False)
    _rendered(sqlite_library, tmp_path)
    assert "not a public address" in _refused(config, sqlite_library, receiver)


def test_a_name_resolving_to_the_metadata_service_is_refused(
    tmp_path: Path,
    sqlite_library: Library,
    receiver: Receiver,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    metadata = [ipaddress.ip_address("169.254.169.254")]
    monkeypatch.setattr(addresses, "resolve", lambda host, port: metadata)
    config = _config(tmp_path, sqlite_library.url, "https://hooks.rebind.test/in", private=False)
    _rendered(sqlite_library, tmp_path)
    error = _refused(config, sqlite_library, receiver)
    assert "hooks.rebind.test is not a public address (169.254.169.254)" in error


def _public_test_is_the_receiver(monkeypatch: pytest.MonkeyPatch) -> None:
    """`public.test` plays a public site that happens to be served by the local receiver;
    every other address is checked as usual."""
    local, real = ipaddress.ip_address("127.0.0.1"), addresses.public_address

    def public_address(host: str, port: int) -> Any:
        return local if host == "public.test" else real(host, port)

    monkeypatch.setattr(addresses, "public_address", public_address)


@pytest.mark.parametrize(
    "target",
    ["http://169.254.169.254/latest/meta-data/", "http://127.0.0.1:PORT/inside"],
)
def test_a_redirect_to_a_private_address_is_refused(
    tmp_path: Path,
    sqlite_library: Library,
    receiver: Receiver,
    monkeypatch: pytest.MonkeyPatch,
    target: str,
) -> None:
    _public_test_is_the_receiver(monkeypatch)
    url = f"http://public.test:{receiver.port}/hook"
    config = _config(tmp_path, sqlite_library.url, url, private=False)
    _rendered(sqlite_library, tmp_path)
    receiver.answers = [(307, {"Location": target})]
    assert deliver_pending(config, sqlite_library, now=T0).given_up == 1
    assert [request.path for request in receiver.received] == ["/hook"]  # not /inside
    (state,) = sqlite_library.delivery_states()
    assert state.state == "failed" and "not a public address" in (state.last_error or "")


def test_a_permanent_redirect_to_a_public_address_keeps_the_signed_post(
    tmp_path: Path,
    sqlite_library: Library,
    receiver: Receiver,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _public_test_is_the_receiver(monkeypatch)
    url = f"http://public.test:{receiver.port}/hook"
    config = _config(tmp_path, sqlite_library.url, url, private=False)
    _rendered(sqlite_library, tmp_path)
    receiver.answers = [(308, {"Location": "/moved"})]
    assert deliver_pending(config, sqlite_library, now=T0).delivered == 1
    first, moved = receiver.received
    assert moved.path == "/moved" and moved.body == first.body
    assert moved.headers["x-postcast-signature"] == first.headers["x-postcast-signature"]
    assert moved.headers["host"] == f"public.test:{receiver.port}"


def test_a_redirect_that_turns_the_post_into_a_get_is_not_followed(
    tmp_path: Path, database: str, library: Library, receiver: Receiver
) -> None:
    config = _config(tmp_path, database, receiver.url, private=True)
    _rendered(library, tmp_path)
    receiver.answers = [(302, {"Location": "http://127.0.0.1:PORT/elsewhere"})]
    assert deliver_pending(config, library, now=T0).given_up == 1
    assert len(receiver.received) == 1
    (state,) = library.delivery_states()
    assert "only 307 and 308 redirects are followed" in (state.last_error or "")


def test_each_webhook_gets_only_its_events_and_a_removed_one_gets_none(
    tmp_path: Path, database: str, library: Library, receiver: Receiver
) -> None:
    only_failures = receiver.url + "?failures"
    config = _config(tmp_path, database, receiver.url, private=True)
    config.web.webhooks.append(WebhookConfig(only_failures, SECRET_ENV, events=["episode.failed"]))
    _rendered(library, tmp_path)
    library.mark_failed("post1_LW", "voice crashed")
    assert webhooks.failed(library, "post1_LW") == 1
    assert deliver_pending(config, library, now=T0).delivered == 3
    sent = sorted((r.path, r.headers["x-postcast-event"]) for r in receiver.received)
    assert sent == [
        ("/hook", "episode.failed"),
        ("/hook", "episode.published"),
        ("/hook?failures", "episode.failed"),
    ]
    _rendered(library, tmp_path, 2)
    config.web.webhooks.clear()  # an event recorded after a webhook is removed: not sent
    assert deliver_pending(config, library, now=T0).summary() == ""


def test_a_delivery_is_claimed_by_one_process_only(
    tmp_path: Path, database: str, library: Library, receiver: Receiver
) -> None:
    config = _config(tmp_path, database, receiver.url, private=True)
    _rendered(library, tmp_path)
    library.fan_out_events(lambda event: [receiver.url], T0)
    (due,) = library.due_deliveries(T0)
    assert library.claim_delivery(due, T0 + timedelta(minutes=5))
    assert not library.claim_delivery(due, T0 + timedelta(minutes=5))  # the other process
    assert deliver_pending(config, library, now=T0).summary() == ""  # leased meanwhile
    assert deliver_pending(config, library, now=T0 + timedelta(minutes=5)).delivered == 1


def test_events_with_nothing_left_to_send_are_pruned_after_30_days(
    tmp_path: Path, database: str, library: Library, receiver: Receiver
) -> None:
    config = _config(tmp_path, database, receiver.url, private=True)
    delivered = _rendered(library, tmp_path, 1)
    deliver_pending(config, library, now=T0)
    receiver.answers = [(503, {})] * 3  # the next event's delivery stays pending, retrying
    waiting = _rendered(library, tmp_path, 2)
    deliver_pending(config, library, now=T0)
    states = {state.guid: state.state for state in library.delivery_states()}
    assert states == {delivered: "delivered", waiting: "pending"}
    now = datetime.now(UTC)
    deliver_pending(config, library, now=now + timedelta(days=29))
    assert len(library.delivery_states()) == 2  # not 30 days old yet
    deliver_pending(config, library, now=now + timedelta(days=31))
    # The delivered event went; the one still being retried stays however old it is.
    assert [(s.guid, s.state) for s in library.delivery_states()] == [(waiting, "pending")]
    assert library.prune_events(now + timedelta(days=365)) == 0
