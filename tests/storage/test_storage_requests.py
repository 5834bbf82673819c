"""Operators' requests as rows: re-renders under the same GUID, lexicon changes, the URL
queue, fetches asked of sources, and exclusions a source's report does not undo."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from postcast.storage import EpisodeStatus, Library, PostKey
from postcast.storage.schema import (
    EpisodeRow,
    LexiconChangeRow,
    ModerationRow,
    SourceRow,
    UrlRequestRow,
)
from tests.storage.test_storage_library import SEEN, add_episode, audio_file, make_post


def _rows(library: Library, *rows: object) -> None:
    with Session(library._engine) as session, session.begin():
        session.add_all(rows)


def test_a_re_render_request_is_a_new_revision_of_the_same_guid(
    library: Library, tmp_path: Path
) -> None:
    post = make_post()
    guid = add_episode(library, post)
    (job,) = library.episodes_needing_render()
    library.record_render(guid, job.revision, audio_file(tmp_path, "a.mp3"))
    assert library.episodes_needing_render() == []

    assert not library.operator_requests_waiting()
    library.request_rerenders([guid])
    assert library.operator_requests_waiting()  # `postcast run` starts a pass for it
    (again,) = library.episodes_needing_render()
    assert again.guid == guid and again.revision == f"{post.revision}/1"
    assert again.previous_revision == post.revision
    library.request_rerenders([guid])  # asked again before it was done: one render covers it
    (latest,) = library.episodes_needing_render()
    library.record_render(guid, latest.revision, audio_file(tmp_path, "b.mp3"))
    assert library.episodes_needing_render() == [] and not library.operator_requests_waiting()
    assert library.latest_revision(guid) == f"{post.revision}/2"


def test_lexicon_changes_are_forgotten_with_the_re_renders_they_asked_for(
    library: Library, tmp_path: Path
) -> None:
    guid = add_episode(library, make_post())
    unrendered = add_episode(library, make_post(post_id="other", title="Another one"))
    (job, _) = sorted(library.episodes_needing_render(), key=lambda j: j.guid != guid)
    library.record_render(guid, job.revision, audio_file(tmp_path, "a.mp3"))
    _rows(library, LexiconChangeRow(word="Zvi", created_at=SEEN))
    (change,) = library.lexicon_changes()
    assert change.word == "Zvi" and library.operator_requests_waiting()
    library.request_rerenders([], [change.id])  # no episode says it
    assert library.lexicon_changes() == [] and not library.operator_requests_waiting()
    _rows(library, LexiconChangeRow(word="Zvi", created_at=SEEN))
    (change,) = library.lexicon_changes()
    library.request_rerenders([guid], [change.id])
    assert library.lexicon_changes() == [] and library.operator_requests_waiting()
    assert {j.guid for j in library.episodes_needing_render()} == {guid, unrendered}


def test_episodes_are_found_by_the_script_their_latest_render_spoke(
    library: Library, tmp_path: Path
) -> None:
    old, new = make_post(), make_post(post_id="new", title="A newer one")
    old_guid, new_guid = add_episode(library, old), add_episode(library, new)
    library.record_render(old_guid, old.revision, audio_file(tmp_path, "a.mp3"))  # no script
    library.record_render(
        new_guid, new.revision, audio_file(tmp_path, "b.mp3"), spoken_text="Ask ZVI 100%_done"
    )
    assert [(g, p.post_id) for g, p in library.unscripted_episode_posts()] == [
        (old_guid, old.post_id)
    ]
    assert list(library.episodes_speaking(["zvi"])) == [(new_guid, "Ask ZVI 100%_done")]
    assert list(library.episodes_speaking(["%_d"])) == [(new_guid, "Ask ZVI 100%_done")]
    assert list(library.episodes_speaking(["0_"])) == []  # LIKE's wildcards are literal
    assert list(library.episodes_speaking([])) == []
    library.record_render(new_guid, new.revision + "/1", audio_file(tmp_path, "c.mp3"))
    assert list(library.episodes_speaking(["zvi"])) == []  # only the latest render counts


def test_queued_urls_record_their_fetch(library: Library) -> None:
    _rows(
        library,
        UrlRequestRow(url="https://example.org/a", state="pending", requested_at=SEEN),
        UrlRequestRow(url="https://example.org/b", state="fetched", requested_at=SEEN),
    )
    (queued,) = library.queued_urls()
    assert queued.url == "https://example.org/a" and library.operator_requests_waiting()
    library.record_url_fetch(queued.id, SEEN, post_source=None, error="HTTP 404")
    assert library.queued_urls() == [] and not library.operator_requests_waiting()
    with Session(library._engine) as session:
        row = session.get_one(UrlRequestRow, queued.id)
        assert (row.state, row.error) == ("failed", "HTTP 404")


def test_a_fetch_request_is_answered_by_a_later_success(library: Library) -> None:
    library.set_source_state("drafts", {}, kind="local")
    with Session(library._engine) as session, session.begin():
        row = session.scalars(select(SourceRow).where(SourceRow.name == "drafts")).one()
        row.fetch_requested_at = SEEN
    assert library.requested_fetches() == ["drafts"]
    library.record_source_success("drafts", SEEN - timedelta(minutes=1))  # began before it
    assert library.requested_fetches() == ["drafts"]
    library.record_source_success("drafts", SEEN + timedelta(minutes=1))
    assert library.requested_fetches() == []
    assert library.source_statuses()[0].fetch_requested_at is None


def test_an_operators_exclusion_stands_when_the_source_reports_the_post_again(
    library: Library,
) -> None:
    post = make_post()
    guid = add_episode(library, post)
    key = PostKey.of(post)
    record = library.exclude_episode(guid, key, "LW - t", SEEN, "the author opted out")
    episode_ref = _episode_ref(library, guid)
    _rows(library, _moderation(episode_ref, "exclude"))
    assert library.ensure_episode(guid, key, record.title, SEEN).status == EpisodeStatus.EXCLUDED
    _rows(library, _moderation(episode_ref, "restore"))
    library.exclude_episode(guid, key, "LW - t", SEEN, "a rule said so")
    assert library.ensure_episode(guid, key, record.title, SEEN).status == EpisodeStatus.PENDING


def _episode_ref(library: Library, guid: str) -> int:
    with Session(library._engine) as session:
        return session.scalar(select(EpisodeRow.id).where(EpisodeRow.guid == guid)) or 0


def _moderation(episode_ref: int, action: str) -> ModerationRow:
    return ModerationRow(episode_ref=episode_ref, action=action, reason="asked", created_at=SEEN)
