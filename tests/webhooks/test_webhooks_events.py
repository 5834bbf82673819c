"""A pass records the three events where they happen, once each, and a second pass over
the same library records none again (real espeak voice, LAME, SQLite)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from postcast import pipeline
from postcast.config import (
    Config,
    LibraryConfig,
    SourceConfig,
    SpeechConfig,
    WebConfig,
    WebhookConfig,
)
from postcast.storage import open_library
from postcast.webhooks.delivery import deliver_pending
from tests.webhooks.conftest import SECRET_ENV
from tests.webhooks.receiver import Receiver


def _post(folder: Path, name: str, words: int) -> None:
    text = " ".join(["The keeper wrote one line a day."] * (words // 7 + 1))
    (folder / f"{name}.md").write_text(
        f"---\ntitle: {name.title()}\nauthor: Ada\ndate: 2025-03-01\n---\n\n{text}\n"
    )


def _config(tmp_path: Path, receiver: Receiver) -> Config:
    posts = tmp_path / "posts"
    posts.mkdir()
    _post(posts, "healthy", 60)
    _post(posts, "broken", 60)
    _post(posts, "tiny", 1)  # too short to be eligible: excluded
    return Config(
        library=LibraryConfig(
            base_url="https://pod.example.org/",
            site_dir=str(tmp_path / "site"),
            database=f"sqlite:///{tmp_path / 'library.sqlite3'}",
            allow_private_addresses=True,  # the receiver is on 127.0.0.1
        ),
        sources=[SourceConfig(name="drafts", kind="local", path=str(posts))],
        speech=SpeechConfig(engine="espeak", cache_dir=str(tmp_path / "cache")),
        web=WebConfig(webhooks=[WebhookConfig(receiver.url, SECRET_ENV)]),
        base_dir=tmp_path,
    )


def test_a_pass_records_published_failed_and_excluded_once(
    tmp_path: Path, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = _config(tmp_path, receiver)
    real = pipeline.render_post

    def buggy(post: Any, *args: Any, **kwargs: Any) -> Any:
        if post.title == "Broken":
            raise ZeroDivisionError("division by zero")
        return real(post, *args, **kwargs)

    monkeypatch.setattr(pipeline, "render_post", buggy)
    report = pipeline.run_pass(config)
    assert len(report.rendered) == 1 and len(report.failed) == 1
    with open_library(config.library.database) as library:
        assert deliver_pending(config, library).delivered == 3
        pipeline.run_pass(config)  # the same library again: the broken post fails again
        assert deliver_pending(config, library).delivered == 1
    events = [json.loads(request.body) for request in receiver.received]
    by_event = {(e["event"], e["episode"]["title"]) for e in events}
    assert sorted(by_event) == [
        ("episode.excluded", "Tiny by Ada"),
        ("episode.failed", "Broken by Ada"),
        ("episode.published", "Healthy by Ada"),
    ]
    assert [e["event"] for e in events[3:]] == ["episode.failed"]  # its second failure
    failures = [e["episode"] for e in events if e["event"] == "episode.failed"]
    assert [f["failures"] for f in failures] == [1, 2]
    assert failures[0]["error"] == "ZeroDivisionError: division by zero"
    excluded = next(e["episode"] for e in events if e["event"] == "episode.excluded")
    assert excluded["reason"]
    published = next(e["episode"] for e in events if e["event"] == "episode.published")
    assert published["audio_url"].startswith("https://pod.example.org/episodes/")
    assert published["duration"] > 0
