"""`postcast web` sends webhooks' events by itself while it runs."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from postcast import webhooks
from postcast.config import WebhookConfig
from postcast.service.webapp import create_web_app
from postcast.storage import open_library
from tests.service.webapp.webapp_library import add_episode, web_config
from tests.webhooks.receiver import Receiver


def test_the_app_delivers_recorded_events(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOOK_SECRET", "s3cret-for-tests")
    receiver = Receiver()
    config = web_config(tmp_path)
    config.library.allow_private_addresses = True  # the receiver is on 127.0.0.1
    config.web.webhooks = [WebhookConfig(receiver.url, "HOOK_SECRET")]
    with open_library(config.library.database) as library:
        stored = add_episode(library, tmp_path / "site", 1, title="Otters", status="rendered")
        webhooks.published(library, [stored.guid])
    try:
        with TestClient(create_web_app(config)):
            assert receiver.arrived.wait(60), "the app sent nothing"
    finally:
        receiver.close()
    (request,) = receiver.received
    assert request.headers["x-postcast-event"] == "episode.published"
