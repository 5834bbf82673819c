"""The tasks on a real Celery worker (in this process), real Redis and PostgreSQL: a
fetch becomes renders and one publish; twice-delivered tasks do their work once; a
failing episode is retried with backoff up to its limit, then reported failed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from postcast.service.cli import app as cli
from postcast.service.jobs.app import FETCH, PUBLISH, RENDER
from postcast.service.jobs.sending import PUBLISH_DUE, request_publish, send_fetch
from postcast.storage import open_library
from tests.service.jobs.support import (
    TaskLog,
    check_published_once,
    configured,
    feed_guids,
    inprocess_worker,
    make_library,
    wait_until,
    write_post,
)

pytestmark = pytest.mark.postgres


def _all_published(config_path: Path, posts: int) -> bool:
    config = configured(config_path)
    with open_library(config.library.database) as library:
        counts = library.count_by_status()
        flag_clear = PUBLISH_DUE not in library.live_locks()
    site = Path(config.library.site_dir)
    return counts.get("published") == posts and flag_clear and len(feed_guids(site)) == posts


def test_a_fetch_renders_every_post_and_publishes_them_once(
    tmp_path: Path, redis_url: str, postgres_url: str
) -> None:
    config_path = make_library(tmp_path, 3, postgres_url, redis_url)
    config = configured(config_path)
    with TaskLog() as log, inprocess_worker(config) as app:
        send_fetch(app, "drafts")
        wait_until(lambda: _all_published(config_path, 3), "3 episodes published")
    assert check_published_once(tmp_path / "site", 3) == []
    assert log.count(FETCH) == 1 and log.count(RENDER, "SUCCESS") == 3
    # a burst of three renders published the feed once, soon after (debounced)
    assert log.count(PUBLISH, "SUCCESS") <= 2


def test_tasks_delivered_twice_render_and_publish_once(
    tmp_path: Path, redis_url: str, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from postcast import pipeline

    config_path = make_library(tmp_path, 1, postgres_url, redis_url)
    config = configured(config_path)
    renders: list[str] = []
    real_render = pipeline.render_post

    def counted(post: Any, *args: Any, **kwargs: Any) -> Any:
        renders.append(post.post_id)
        return real_render(post, *args, **kwargs)

    monkeypatch.setattr(pipeline, "render_post", counted)
    with TaskLog() as log, inprocess_worker(config) as app:
        send_fetch(app, "drafts")
        wait_until(lambda: _all_published(config_path, 1), "the episode published")
        # the first publish's own end is signalled just after its feed is written
        wait_until(lambda: log.count(PUBLISH) >= 1, "the first publish ended")
        guid = feed_guids(tmp_path / "site")[0]
        renders_before, publishes_before = log.count(RENDER), log.count(PUBLISH)
        for _ in range(2):  # the same messages again, as a broker may redeliver them
            app.send_task(RENDER, args=[guid, None])
            app.send_task(PUBLISH)
        wait_until(
            lambda: (
                log.count(RENDER) >= renders_before + 2
                and log.count(PUBLISH) >= publishes_before + 2
            ),
            "the duplicates run",
            detail=lambda: log.done,
        )
    assert len(renders) == 1
    assert feed_guids(tmp_path / "site") == [guid]
    assert check_published_once(tmp_path / "site", 1) == []
    with open_library(config.library.database) as library:
        assert library.count_by_status() == {"published": 1}


def test_publish_requests_are_debounced_by_a_flag_row(
    tmp_path: Path, redis_url: str, postgres_url: str
) -> None:
    """Many asks before a publish send one publish task; after it, the next ask sends."""
    import redis

    from postcast.service.jobs.app import make_app
    from postcast.service.jobs.state import WorkerState
    from postcast.service.jobs.tasks import publish_all

    config = configured(make_library(tmp_path, 0, postgres_url, redis_url))
    app = make_app(config)
    queued = redis.Redis.from_url(redis_url)
    with open_library(config.library.database) as library:
        sent = [request_publish(app, library) for _ in range(5)]
        assert sent == [True, False, False, False, False]
        assert publish_all(WorkerState(config)) is not None  # clears the flag first
        assert request_publish(app, library)
    app.close()
    # countdown tasks wait in the queue until a worker takes them: two sent in all
    assert queued.llen("publish") == 2


def test_a_publish_waits_only_while_renders_are_pending(
    tmp_path: Path, redis_url: str, postgres_url: str
) -> None:
    """Nothing queued or rendering: the publish goes at once (no ETA on its message); a
    queued render, a render under way or a long post's part still to speak: it waits."""
    import redis

    from postcast.service.jobs.app import make_app
    from postcast.service.jobs.sending import PART, QUEUED
    from postcast.service.jobs.state import WorkerState
    from postcast.service.jobs.tasks import publish_all
    from postcast.storage import new_lock_owner

    config = configured(make_library(tmp_path, 0, postgres_url, redis_url))
    app = make_app(config)
    queued = redis.Redis.from_url(redis_url)
    etas = []
    with open_library(config.library.database) as library:
        for pending in [None, QUEUED + "post-1", "post-2", PART + "post-3@abc|2"]:
            if pending is not None:
                assert library.lock_episode(pending, new_lock_owner())
            assert request_publish(app, library)
            message = json.loads(queued.rpop("publish") or b"{}")
            etas.append(message["headers"]["eta"])
            assert publish_all(WorkerState(config)) is not None  # the flag cleared
            if pending is not None:
                library.drop_lock(pending)
    app.close()
    assert etas[0] is None
    assert all(eta is not None for eta in etas[1:]), etas


def test_a_failing_episode_is_retried_to_its_limit_then_reported(
    tmp_path: Path, redis_url: str, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from postcast import pipeline

    config_path = make_library(tmp_path, 2, postgres_url, redis_url)
    config = configured(config_path)
    real_render = pipeline.render_post

    def buggy(post: Any, *args: Any, **kwargs: Any) -> Any:
        if post.title == "Post number 1":
            raise ZeroDivisionError("division by zero")
        return real_render(post, *args, **kwargs)

    monkeypatch.setattr(pipeline, "render_post", buggy)
    with TaskLog() as log, inprocess_worker(config) as app:
        send_fetch(app, "drafts")
        wait_until(lambda: log.count(RENDER, "SUCCESS") >= 2, "both renders ended")
        wait_until(lambda: _all_published(config_path, 1), "the good episode published")
    # three attempts: the first and two retries with backoff, then no more
    assert log.count(RENDER, "RETRY") == 2
    result = CliRunner().invoke(cli, ["status", "--config", str(config_path), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    failed = [e for e in report["episodes"] if e["status"] == "failed"]
    assert len(failed) == 1 and failed[0]["failures"] == 3
    assert failed[0]["last_error"] == "ZeroDivisionError: division by zero"
    assert report["queues"] == {"fetch": 0, "speech": 0, "publish": 0}
    assert report["episode_counts"] == {"failed": 1, "published": 1}
    assert report["sources"][0]["name"] == "drafts" and report["sources"][0]["last_error"] is None
    tables = CliRunner().invoke(cli, ["status", "--config", str(config_path)])
    assert "division by zero" in tables.output and "Queues" in tables.output


@pytest.mark.slow
def test_a_worker_keeps_its_voice_loaded_for_the_re_render_after_an_edit(
    tmp_path: Path, redis_url: str, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from postcast.speech.piper_engine import PiperEngine

    config_path = make_library(tmp_path, 1, postgres_url, redis_url, engine="piper")
    config = configured(config_path)
    loads: list[object] = []
    real_load = PiperEngine._load

    def counted(engine: PiperEngine, *args: Any, **kwargs: Any) -> Any:
        loads.append(engine)
        return real_load(engine, *args, **kwargs)

    monkeypatch.setattr(PiperEngine, "_load", counted)
    with TaskLog() as log, inprocess_worker(config) as app:
        send_fetch(app, "drafts")
        wait_until(lambda: log.count(RENDER, "SUCCESS") == 1, "the first render")
        assert len(loads) == 1
        write_post(tmp_path / "posts", 0, edition=1)  # an edit: one paragraph changed
        send_fetch(app, "drafts")
        wait_until(lambda: log.count(RENDER, "SUCCESS") == 2, "the re-render")
        wait_until(lambda: _all_published(config_path, 1), "the edit published")
        assert app.worker_state is not None
        assert loads == [app.worker_state.engine()]  # one engine, its voice loaded once
    with open_library(config.library.database) as library:
        assert library.latest_revision(feed_guids(tmp_path / "site")[0]) is not None
    assert check_published_once(tmp_path / "site", 1) == []


def test_enqueue_rerender_renders_again_once_even_if_delivered_twice(
    tmp_path: Path, redis_url: str, postgres_url: str
) -> None:
    config_path = make_library(tmp_path, 1, postgres_url, redis_url)
    config = configured(config_path)
    with TaskLog() as log, inprocess_worker(config) as app:
        send_fetch(app, "drafts")
        wait_until(lambda: _all_published(config_path, 1), "the episode published")
        guid = feed_guids(tmp_path / "site")[0]
        with open_library(config.library.database) as library:
            first = library.latest_render_at(guid)
        result = CliRunner().invoke(
            cli, ["enqueue", "--config", str(config_path), "--rerender", guid]
        )
        assert result.exit_code == 0, result.output
        assert f"queued: render of {guid}" in result.output
        wait_until(lambda: log.count(RENDER, "SUCCESS") == 2, "the re-render")
        with open_library(config.library.database) as library:
            second = library.latest_render_at(guid)
        assert first is not None and second is not None and second > first
        asked = next(args for name, args, _ in reversed(log.done) if name == RENDER)
        app.send_task(RENDER, args=asked)  # the broker delivers it again
        wait_until(lambda: log.count(RENDER, "SUCCESS") == 3, "the duplicate")
        wait_until(lambda: _all_published(config_path, 1), "the re-render published")
        with open_library(config.library.database) as library:
            assert library.latest_render_at(guid) == second  # the duplicate rendered nothing
    assert check_published_once(tmp_path / "site", 1) == []
    unknown = CliRunner().invoke(
        cli, ["enqueue", "--config", str(config_path), "--rerender", "nope"]
    )
    assert unknown.exit_code != 0


def test_rabbitmq_is_chosen_by_its_url(tmp_path: Path, amqp_url: str, postgres_url: str) -> None:
    config_path = make_library(tmp_path, 2, postgres_url, amqp_url)
    config = configured(config_path)
    with TaskLog() as log, inprocess_worker(config) as app:
        assert app.connection_for_write().transport_cls == "amqp"
        send_fetch(app, "drafts")
        wait_until(lambda: _all_published(config_path, 2), "2 episodes published")
        wait_until(lambda: log.count(PUBLISH) >= 1, "the publish ended")
    assert check_published_once(tmp_path / "site", 2) == []
    # `status` reads RabbitMQ's queue depths: one fetch sent with no worker up is waiting.
    # (A publish asked for by the last render may still wait too: renders and publishes
    # interleave as the worker's pool schedules them, so only the fetch queue is known.)
    send_fetch(app, "drafts")
    result = CliRunner().invoke(cli, ["status", "--config", str(config_path), "--json"])
    queues = json.loads(result.output)["queues"]
    channel = app.connection_for_write().default_channel
    for queue in queues:  # nothing left for the next run's workers
        channel.queue_purge(queue)
    assert queues["fetch"] == 1 and queues["speech"] == 0


def test_a_long_posts_speech_fans_out_and_the_render_assembles_from_cache(
    tmp_path: Path, redis_url: str, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from celery.signals import task_prerun

    from postcast.service.jobs.app import SYNTHESIZE
    from postcast.speech.espeak_engine import EspeakEngine

    config_path = make_library(tmp_path, 1, postgres_url, redis_url, fan_out_sentences=3)
    config = configured(config_path)
    spoken_in: list[str] = []
    running = [""]  # the solo worker runs one task at a time; speech runs in its threads
    real_synthesize = EspeakEngine.synthesize

    def started(task: Any = None, **_: Any) -> None:
        running[0] = task.name

    def recorded(engine: EspeakEngine, text: str, voice: str | None = None) -> Any:
        spoken_in.append(running[0])
        return real_synthesize(engine, text, voice)

    from postcast.audio import pieces as audio_pieces

    mastered_in: list[str] = []
    real_master = audio_pieces.master_segment

    def mastering(*args: Any, **kwargs: Any) -> Any:
        mastered_in.append(running[0])
        return real_master(*args, **kwargs)

    monkeypatch.setattr(EspeakEngine, "synthesize", recorded)
    monkeypatch.setattr(audio_pieces, "master_segment", mastering)
    task_prerun.connect(started, weak=False)
    try:
        with TaskLog() as log, inprocess_worker(config) as app:
            send_fetch(app, "drafts")
            wait_until(lambda: _all_published(config_path, 1), "the episode published")
    finally:
        task_prerun.disconnect(started)
    parts = log.count(SYNTHESIZE, "SUCCESS")
    assert parts >= 2
    assert log.count(RENDER, "SUCCESS") == 2  # the fan-out, then the assembly
    last_part = max(i for i, (name, _, _) in enumerate(log.done) if name == SYNTHESIZE)
    assert [name for name, _, _ in log.done[last_part:]].count(RENDER) == 1
    assert spoken_in and set(spoken_in) == {SYNTHESIZE}  # the render spoke nothing itself
    assert mastered_in and set(mastered_in) == {SYNTHESIZE}  # nor mastered: it assembled
    assert check_published_once(tmp_path / "site", 1) == []


def test_a_fetch_task_also_collects_the_urls_operators_queued(
    tmp_path: Path, redis_url: str, postgres_url: str
) -> None:
    """One code path: the admin's URL queue is read by the service's fetch as by a pass."""
    from postcast.service.webapp import admin_store
    from tests.fakes.forummagnum_server import FakeForum, article_page

    config_path = make_library(tmp_path, 1, postgres_url, redis_url)
    config_path.write_text(
        config_path.read_text().replace(
            "[library]\n", "[library]\nallow_private_addresses = true\n"
        )
    )
    config = configured(config_path)
    paragraph = "The keeper wrote down every ship that passed the lighthouse at night. " * 6
    with FakeForum() as server:
        server.add_page(
            "/essays/keeper", article_page("Keeper", "Grace", "2025-04-03", [paragraph])
        )
        with open_library(config.library.database) as library:
            admin_store.request_url(
                library._engine, server.url + "/essays/keeper", allow_private=True
            )
        with inprocess_worker(config) as app:
            send_fetch(app, "drafts")
            wait_until(
                lambda: _all_published(config_path, 2),
                "the post and the URL published",
                detail=lambda: _library_state(config),
            )
    with open_library(config.library.database) as library:
        assert [state for _, state, _ in library.url_request_states()] == ["fetched"]
    assert check_published_once(tmp_path / "site", 2) == []


def _library_state(config: Any) -> str:
    with open_library(config.library.database) as library:
        return f"{library.count_by_status()} {library.episodes_to_report()}"
