"""Renders' progress as Server-Sent Events: admin only, the rows as they are when the
stream opens, then each change while it is open (written here from another thread, as a
render in another process writes them)."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient

from postcast.config import Config
from postcast.service.webapp import create_web_app
from tests.service.webapp.conftest import AUTH
from tests.service.webapp.webapp_library import Stored, web_config


def _events(body: str) -> list[dict[str, Any]]:
    """The `progress` events of a stream, in order (comments and `retry:` skipped)."""
    found = []
    for block in body.replace("\r\n", "\n").split("\n\n"):
        lines = block.split("\n")
        if "event: progress" in lines:
            data = "\n".join(line[5:].strip() for line in lines if line.startswith("data:"))
            found.append(json.loads(data))
    return found


def test_the_stream_starts_with_the_current_renders(
    client: TestClient, stored: dict[str, Stored]
) -> None:
    context = client.app.state.web  # type: ignore[attr-defined]
    context.progress_stream_seconds = 0.2
    context.library.record_progress(stored["pending"].guid, "rendering", "speech", 3, 40)
    context.library.record_progress(stored["failed"].guid, "failed", "speech", 5, 40)
    response = client.get("/api/admin/progress", headers=AUTH)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    assert response.headers["cache-control"] == "no-store"
    events = _events(response.text)
    assert [(e["title"], e["state"], e["done"], e["total"]) for e in events] == [
        ("Still pending quokka", "rendering", 3, 40),
        ("Failed quokka", "failed", 5, 40),
    ]


def test_each_change_is_an_event_while_the_stream_is_open(
    client: TestClient, stored: dict[str, Stored]
) -> None:
    """Each row is written once the stream has sent the one before, as a render in
    another process would write them (no timing: every step waits for the last)."""
    context = client.app.state.web  # type: ignore[attr-defined]
    context.progress_stream_seconds = 60.0
    guid = stored["pending"].guid
    steps = [("rendering", "speech", 10), ("rendering", "speech", 20), ("finished", "audio", 1)]
    context.library.record_progress(guid, "rendering", "speech", 0, 20)
    seen = []
    with client.stream("GET", "/api/admin/progress", headers=AUTH) as response:
        block = ""
        for line in response.iter_lines():
            block += line + "\n"
            if line or "event: progress" not in block:
                continue
            (event,) = _events(block)
            block = ""
            seen.append((event["state"], event["stage"], event["done"]))
            if not steps:
                break  # the client leaves: the stream ends with it
            state, stage, done = steps.pop(0)
            context.library.record_progress(guid, state, stage, done, 20 if done > 1 else 1)
    assert seen == [
        ("rendering", "speech", 0),
        ("rendering", "speech", 10),
        ("rendering", "speech", 20),
        ("finished", "audio", 1),
    ]


def test_the_stream_is_for_the_admin_only(client: TestClient, config: Config) -> None:
    assert client.get("/api/admin/progress").status_code == 401
    wrong = {"Authorization": "Bearer not-the-token"}
    assert client.get("/api/admin/progress", headers=wrong).status_code == 401
    without_admin = web_config(config.base_dir, config.library.database, admin=False)
    with TestClient(create_web_app(without_admin)) as anonymous:
        assert anonymous.get("/api/admin/progress", headers=AUTH).status_code == 404
