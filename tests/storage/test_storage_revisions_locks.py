"""Edits found by content, superseded renders, and episode locks across connections:
on SQLite and the local PostgreSQL alike."""

from __future__ import annotations

import os
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import create_engine, text

from postcast.storage import Library, open_library, parse_database_url
from postcast.storage.locks import machine_id
from tests.storage.test_storage_library import (
    SEEN,
    add_episode,
    audio_file,
    make_post,
)


def test_an_edit_that_keeps_the_date_re_renders_under_the_same_guid(
    library: Library,
    tmp_path: Path,
) -> None:
    guid = add_episode(library, make_post())
    first = library.episodes_needing_render()[0]
    library.record_render(guid, first.revision, audio_file(tmp_path, "v1.mp3"))
    assert library.episodes_needing_render() == []

    edited = make_post(html="<p>The same date, a corrected sentence.</p>")
    assert edited.modified_at is None and edited.posted_at == make_post().posted_at
    state = library.upsert_post(edited, 30, SEEN + timedelta(days=1))
    assert state.revised
    (job,) = library.episodes_needing_render()
    assert (job.guid, job.previous_revision) == (guid, first.revision)
    assert job.revision != first.revision and job.post.html == edited.html

    library.record_render(guid, job.revision, audio_file(tmp_path, "v2.mp3"))
    assert library.episodes_needing_render() == []
    assert library.latest_revision(guid) == job.revision
    # Karma or tags changing is not an edit of what is narrated.
    library.upsert_post(
        make_post(html=edited.html, karma=99, tags=("New",)), 30, SEEN + timedelta(days=2)
    )
    assert library.episodes_needing_render() == []


def test_superseded_renders_are_forgotten_after_their_grace_period(
    library: Library,
    tmp_path: Path,
) -> None:
    guid = add_episode(library, make_post())
    job = library.episodes_needing_render()[0]
    library.record_render(guid, job.revision, audio_file(tmp_path, "v1.mp3"), now=SEEN)
    library.upsert_post(make_post(html="<p>Edited.</p>"), 30, SEEN + timedelta(hours=1))
    job = library.episodes_needing_render()[0]
    replaced_at = SEEN + timedelta(hours=2)
    library.record_render(
        guid, job.revision, audio_file(tmp_path, "v2.mp3"), audio_file="v2.mp3", now=replaced_at
    )
    assert {Path(f).name for f in library.render_files()} == {"v1.mp3", "v2.mp3"}
    assert library.drop_superseded_renders(replaced_at) == 0  # still in its grace period
    assert library.drop_superseded_renders(replaced_at + timedelta(seconds=1)) == 1
    assert library.render_files() == {"v2.mp3"}
    assert library.published_episodes()[0].audio_file == "v2.mp3"


def test_an_episode_lock_is_held_by_one_owner_until_it_lapses(
    library: Library,
) -> None:
    lease = timedelta(minutes=10)
    assert library.lock_episode("g1", "first", lease, now=SEEN)
    assert not library.lock_episode("g1", "second", lease, now=SEEN + timedelta(minutes=5))
    assert library.lock_episode("g1", "first", lease, now=SEEN + timedelta(minutes=5))  # renew
    assert library.lock_episode("g2", "second", lease, now=SEEN)  # other episodes are free
    # The first owner died: its lease lapses and another pass takes over.
    assert library.lock_episode("g1", "second", lease, now=SEEN + timedelta(minutes=16))
    library.unlock_episode("g1", "first")  # no longer its lock: changes nothing
    assert not library.lock_episode("g1", "third", lease, now=SEEN + timedelta(minutes=17))
    library.unlock_episode("g1", "second")
    assert library.lock_episode("g1", "third", lease, now=SEEN + timedelta(minutes=17))


def test_two_connections_racing_for_one_lock_get_one_winner(
    library: Library,
) -> None:
    others = [open_library(library.url.replace("***", "")) for _ in range(4)]
    barrier = threading.Barrier(len(others))
    results: dict[int, bool] = {}

    def race(number: int, opened: Library) -> None:
        barrier.wait()
        results[number] = opened.lock_episode("contested", f"owner-{number}")

    threads = [threading.Thread(target=race, args=item) for item in enumerate(others)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for opened in others:
        opened.close()
    assert sorted(results.values()) == [False, False, False, True]


def test_holding_an_episode_renews_its_lease_and_gives_it_back(
    library: Library,
) -> None:
    lease = timedelta(seconds=0.4)
    with library.holding_episode("g", "me", lease) as held:
        assert held
        threading.Event().wait(0.9)  # past the first lease: renewed meanwhile
        assert not library.lock_episode("g", "other", lease)
        with library.holding_episode("g", "other", lease) as other:
            assert not other
    assert library.lock_episode("g", "other", lease)


def test_upgrading_a_library_keeps_its_renders_current(tmp_path: Path) -> None:
    """Revisions gained a content digest in migration 0002: a library rendered before it
    must not re-render everything."""
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    engine = create_engine(parse_database_url(url))
    folder = Path(__file__).parents[2] / "src/postcast/storage/migrations"
    config = AlembicConfig()
    config.set_main_option("script_location", str(folder))
    post = make_post()
    old_revision = post.posted_at.isoformat()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
        connection.execute(
            text(
                "INSERT INTO posts (id, source, post_id, forum_code, forum_name, title, authors,"
                " url, posted_at, revision, af, tags, is_event, is_question, is_shortform,"
                " is_draft, html, markdown, first_seen_at, updated_at, qualified_at) VALUES"
                " (1, :source, :post_id, 'LW', :forum, :title, :authors, :url, :posted,"
                " :revision, 0, '[]', 0, 0, 0, 0, :html, :markdown, :posted, :posted, :posted)"
            ),
            {
                "source": post.source, "post_id": post.post_id, "forum": post.forum_name,
                "title": post.title, "authors": '["Mira Okafor", "Dan H"]', "url": post.url,
                "posted": "2025-06-03 07:15:00.000000", "revision": old_revision,
                "html": post.html, "markdown": post.markdown,
            },
        )  # fmt: skip
        connection.execute(
            text(
                "INSERT INTO episodes (id, guid, post_ref, title, pub_date, status, failures,"
                " created_at, updated_at) VALUES (1, 'g', 1, 't', :when, 'published', 0,"
                " :when, :when)"
            ),
            {"when": "2025-06-03 08:00:00.000000"},
        )
        connection.execute(
            text(
                "INSERT INTO renders (episode_ref, revision, audio_file, audio_size, duration,"
                " chapters, transcript_files, created_at) VALUES (1, :revision, 'a.mp3', 9, 1.0,"
                " '[]', '{}', :when)"
            ),
            {"revision": old_revision, "when": "2025-06-03 08:00:00.000000"},
        )
    engine.dispose()
    upgraded = open_library(url)
    try:
        assert upgraded.episodes_needing_render() == []
        upgraded.upsert_post(post, 30, SEEN + timedelta(days=1))  # the same post, read again
        assert upgraded.episodes_needing_render() == []
        upgraded.upsert_post(make_post(html="<p>Now edited.</p>"), 30, SEEN + timedelta(days=2))
        assert [job.guid for job in upgraded.episodes_needing_render()] == ["g"]
    finally:
        upgraded.close()


def test_a_lock_whose_holder_process_died_is_taken_over_at_once(
    library: Library,
) -> None:
    import socket
    import subprocess
    import sys

    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                              capture_output=True, text=True, check=True)  # fmt: skip
    dead = f"{machine_id()}:{finished.stdout.strip()}:killedpass00"
    alive = f"{machine_id()}:{os.getpid()}:livingpass00"
    elsewhere = "another-machine:1:itspass00000"
    # Same host name, another kernel or pid namespace (a container named alike): its
    # pid means nothing here, however dead it looks.
    twin = f"{socket.gethostname()[:100]}~0000000000:{finished.stdout.strip()}:twinpass0000"
    assert library.lock_episode("g-dead", dead, timedelta(minutes=10))
    assert library.lock_episode("g-alive", alive, timedelta(minutes=10))
    assert library.lock_episode("g-far", elsewhere, timedelta(minutes=10))
    assert library.lock_episode("g-twin", twin, timedelta(minutes=10))
    assert library.lock_episode("g-dead", "me")  # its holder is gone
    assert not library.lock_episode("g-alive", "me")  # its holder still runs
    assert not library.lock_episode("g-far", "me")  # can't tell: wait for its lease
    assert not library.lock_episode("g-twin", "me")  # nor here
    # ... until the lease lapses, wherever the holder was
    later = datetime.now(UTC) + timedelta(minutes=11)
    assert library.lock_episode("g-far", "me", now=later)
    assert library.lock_episode("g-twin", "me", now=later)
