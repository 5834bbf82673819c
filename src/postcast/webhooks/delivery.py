"""Sending recorded events: fan out to the configured URLs, then try each due delivery.

A delivery is claimed in its row before it is tried (two processes never send it at the
same time; one that dies mid-attempt lets go after `LEASE`), and its outcome is written
back: delivered; due again after a backoff (30 s, doubling, at most 6 h, or longer if the
receiver asked with Retry-After); or given up after the webhook's `max_attempts`, or at
once for an answer another try cannot change (a refused address, a 4xx), with the error.
"""

from __future__ import annotations

import json
import os
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urljoin

import httpx

from postcast.config import Config, WebhookConfig
from postcast.storage import Library, open_library
from postcast.storage.events import DueDelivery
from postcast.storage.types import utc_now
from postcast.webhooks.send import (
    DELIVERY_HEADER,
    EVENT_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    Outcome,
    new_client,
    post_event,
    signature,
)

FIRST_RETRY = timedelta(seconds=30)
MAX_WAIT = timedelta(hours=6)
LEASE = timedelta(minutes=5)
# Events with nothing left to send are deleted after this (the deliveries with them).
EVENTS_KEPT = timedelta(days=30)


@dataclass
class DeliveryReport:
    delivered: int = 0
    retrying: int = 0
    given_up: int = 0

    def summary(self) -> str:
        """One line for the CLI; empty when nothing was tried."""
        if not (self.delivered or self.retrying or self.given_up):
            return ""
        return (
            f"webhooks: {self.delivered} delivered, {self.retrying} to retry, "
            f"{self.given_up} given up"
        )


def backoff(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed attempt: 30 s, 1 min, 2 min... up to 6 h."""
    doubled: timedelta = FIRST_RETRY * 2 ** max(0, min(attempts - 1, 20))
    return min(doubled, MAX_WAIT)


def body_of(payload: dict[str, Any], config: Config) -> bytes:
    """The JSON sent: the recorded payload, with the audio's public URL."""
    episode = dict(payload["episode"])
    audio_file = episode.pop("audio_file", None)
    if audio_file:
        episode["audio_url"] = urljoin(config.library.base_url, audio_file)
    return json.dumps(payload | {"episode": episode}, sort_keys=True).encode()


def deliver_for(config: Config) -> DeliveryReport:
    """`deliver_pending` on the configured library (for the CLI's passes)."""
    with open_library(config.library.database) as library:
        return deliver_pending(config, library)


def deliver_pending(
    config: Config, library: Library, now: datetime | None = None
) -> DeliveryReport:
    """Fan out new events, then try every delivery that is due at `now`."""
    now = now or utc_now()
    hooks = {hook.url: hook for hook in config.web.webhooks}
    library.fan_out_events(
        lambda event: [hook.url for hook in config.web.webhooks if event in hook.events], now
    )
    report = DeliveryReport()
    with ExitStack() as stack:
        clients: dict[bool, httpx.Client] = {}
        for due in library.due_deliveries(now):
            if not library.claim_delivery(due, now + LEASE):
                continue  # another process has it
            hook = hooks.get(due.url)
            if hook is None:
                outcome = Outcome(f"{due.url}: no longer in [web] webhooks")
            else:
                public_only = not _allows_private(config, hook)
                if public_only not in clients:
                    clients[public_only] = stack.enter_context(new_client(public_only))
                outcome = _attempt(clients[public_only], config, hook, due, now)
            _finish(library, due, hook, outcome, now, report)
    library.prune_events(now - EVENTS_KEPT)
    return report


def _allows_private(config: Config, hook: WebhookConfig) -> bool:
    if hook.allow_private_addresses is not None:
        return hook.allow_private_addresses
    return config.library.allow_private_addresses


def _attempt(
    client: httpx.Client, config: Config, hook: WebhookConfig, due: DueDelivery, now: datetime
) -> Outcome:
    secret = os.environ.get(hook.secret_env, "")
    if not secret:  # checked when the configuration was read; unset since
        return Outcome(f"{hook.secret_env} is not set: nothing to sign with", retry=True)
    body = body_of(due.payload, config)
    timestamp = int(now.timestamp())
    headers = {
        "Content-Type": "application/json",
        EVENT_HEADER: due.event,
        DELIVERY_HEADER: due.event_id,
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: signature(secret, timestamp, body),
    }
    return post_event(client, hook.url, body, headers)


def _finish(
    library: Library,
    due: DueDelivery,
    hook: WebhookConfig | None,
    outcome: Outcome,
    now: datetime,
    report: DeliveryReport,
) -> None:
    attempts = due.attempts + 1
    if outcome.error is None:
        library.finish_attempt(due.id, None, None, now)
        report.delivered += 1
        return
    if hook is not None and outcome.retry and attempts < hook.max_attempts:
        wait = max(backoff(attempts), timedelta(seconds=min(outcome.wait or 0.0, 86_400.0)))
        library.finish_attempt(due.id, outcome.error, now + wait, now)
        report.retrying += 1
        return
    error = outcome.error
    if outcome.retry:
        error += f" (gave up after {attempts} attempts)"
    library.finish_attempt(due.id, error, None, now)
    report.given_up += 1
