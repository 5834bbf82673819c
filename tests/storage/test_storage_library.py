"""The library repository, run against SQLite and the local PostgreSQL alike."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from postcast.models import Chapter, EpisodeAudio, Post
from postcast.selection import episode_identity, episode_title
from postcast.storage import (
    EpisodeStatus,
    Library,
    PostKey,
    StorageError,
    open_library,
)

SEEN = datetime(2025, 6, 3, 8, 0, tzinfo=UTC)
BERLIN = timezone(timedelta(hours=2))


def make_post(**changes: object) -> Post:
    post = Post(
        source="lesswrong",
        post_id="Q7ZXm2m5GQEQNrTbX",
        title="What a year of to-do lists taught me about planning",
        authors=("Mira Okafor", "Dan H"),
        posted_at=datetime(2025, 6, 3, 7, 15, tzinfo=UTC),
        url="https://www.lesswrong.com/posts/Q7ZXm2m5GQEQNrTbX/to-do-lists",
        html="<p>" + "I kept a log of every task I wrote down. " * 10 + "</p>",
        forum_code="LW",
        forum_name="LessWrong",
        karma=45,
        tags=("Planning & Decision-Making", "Productivity"),
        markdown="I kept a log of every task I wrote down. $x^2$",
    )
    return dataclasses.replace(post, **changes)  # type: ignore[arg-type]


def audio_file(tmp_path: Path, name: str, size: int = 4096) -> EpisodeAudio:
    path = tmp_path / name
    path.write_bytes(b"\xff\xfb" * (size // 2))
    return EpisodeAudio(
        path=str(path),
        duration=312.5,
        size=size,
        chapters=[Chapter(0.0, "Introduction", 12.0), Chapter(12.0, "The numbers")],
        loudness_lufs=-16.1,
    )


def add_episode(library: Library, post: Post, threshold: int | None = 30) -> str:
    """What a pass does with one eligible post: store it, then make sure of its episode."""
    state = library.upsert_post(post, threshold, SEEN)
    assert state.qualified_at is not None
    guid, code = episode_identity(post)
    library.ensure_episode(guid, state.key, episode_title(post, code), state.qualified_at)
    return guid


def run_pass(library: Library, posts: list[Post], tmp_path: Path, now: datetime) -> list[str]:
    """A whole pass: store, select, render what needs it, publish. Returns rendered GUIDs."""
    for post in posts:
        state = library.upsert_post(post, 30, now)
        if state.qualified_at is not None:
            guid, code = episode_identity(post)
            library.ensure_episode(guid, state.key, episode_title(post, code), state.qualified_at)
    rendered = []
    for job in library.episodes_needing_render():
        audio = audio_file(tmp_path, f"{job.guid}-{len(rendered)}-{now.timestamp():.0f}.mp3")
        library.record_render(job.guid, job.revision, audio, audio_file=Path(audio.path).name)
        rendered.append(job.guid)
    library.mark_published([e.guid for e in library.published_episodes()], now)
    return rendered


def test_post_round_trips_with_aware_utc_times(library: Library) -> None:
    posted = datetime(2025, 6, 3, 9, 15, 30, 123456, tzinfo=BERLIN)
    post = make_post(posted_at=posted, modified_at=posted + timedelta(minutes=5), af_karma=7)
    library.upsert_post(post, 30, datetime(2025, 6, 3, 10, 0, tzinfo=BERLIN))
    stored = library.get_post(PostKey.of(post))
    assert stored is not None
    assert stored.posted_at == posted and stored.posted_at.utcoffset() == timedelta(0)
    assert stored.modified_at is not None and stored.modified_at.tzinfo is not None
    assert stored == dataclasses.replace(
        post, posted_at=stored.posted_at, modified_at=stored.modified_at
    )
    state = library.post_state(PostKey.of(post))
    assert state is not None and state.first_seen_at == datetime(2025, 6, 3, 8, 0, tzinfo=UTC)
    assert state.first_seen_at.tzinfo is not None


def test_naive_datetimes_are_refused(library: Library) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        library.upsert_post(make_post(), 30, datetime(2025, 6, 3, 8, 0))
    with pytest.raises(ValueError, match="posted_at"):
        library.upsert_post(make_post(posted_at=datetime(2025, 6, 3, 7, 0)), 30, SEEN)
    assert library.get_post(PostKey.of(make_post())) is None


def test_qualified_when_first_seen_at_or_above_threshold(library: Library) -> None:
    later = SEEN + timedelta(hours=6)
    first = library.upsert_post(make_post(karma=10), 30, SEEN)
    assert (first.created, first.qualified_at, first.newly_qualified) == (True, None, False)
    second = library.upsert_post(make_post(karma=40), 30, later)
    assert (second.created, second.qualified_at, second.newly_qualified) == (False, later, True)
    assert second.first_seen_at == SEEN
    dropped = library.upsert_post(make_post(karma=20), 30, later + timedelta(days=1))
    assert dropped.qualified_at == later and not dropped.newly_qualified
    stored = library.get_post(PostKey.of(make_post()))
    assert stored is not None and stored.karma == 20  # karma itself stays current


def test_af_posts_qualify_by_af_karma(library: Library) -> None:
    af_post = make_post(source="alignmentforum", forum_code="AF", af=True, karma=90, af_karma=1)
    assert library.upsert_post(af_post, 2, SEEN).qualified_at is None
    raised = dataclasses.replace(af_post, af_karma=2)
    assert library.upsert_post(raised, 2, SEEN + timedelta(hours=1)).newly_qualified
    # A source may say explicitly which karma counts, whatever the post's code.
    lw_listing = make_post(post_id="lwListing00000001", af=True, karma=5, af_karma=40)
    assert library.upsert_post(lw_listing, 30, SEEN, af=True).qualified_at == SEEN
    assert (
        library.upsert_post(dataclasses.replace(lw_listing, post_id="x"), 30, SEEN).qualified_at
        is None
    )
    no_threshold = make_post(source="blog", post_id="https://example.org/p/1", karma=None)
    assert library.upsert_post(no_threshold, None, SEEN).qualified_at == SEEN


def test_second_upsert_of_same_revision_changes_nothing(library: Library, tmp_path: Path) -> None:
    guid = add_episode(library, make_post())
    job = library.episodes_needing_render()[0]
    library.record_render(guid, job.revision, audio_file(tmp_path, "a.mp3"))
    before = library.published_episodes()
    again = library.upsert_post(make_post(), 30, SEEN + timedelta(hours=2))
    assert (again.created, again.revised, again.newly_qualified) == (False, False, False)
    assert (again.first_seen_at, again.qualified_at) == (SEEN, SEEN)
    assert library.episodes_needing_render() == []
    assert library.published_episodes() == before


def test_changed_modified_at_rerenders_under_the_same_guid(
    library: Library, tmp_path: Path
) -> None:
    guid = add_episode(library, make_post())
    first_job = library.episodes_needing_render()[0]
    library.record_render(guid, first_job.revision, audio_file(tmp_path, "v1.mp3"))
    edited = make_post(
        modified_at=datetime(2025, 6, 5, 12, 0, tzinfo=UTC), html="<p>Edited body.</p>" * 30
    )
    state = library.upsert_post(edited, 30, SEEN + timedelta(days=2))
    assert state.revised and state.qualified_at == SEEN
    assert library.ensure_episode(guid, state.key, "LW - new title by X", SEEN).created is False
    jobs = library.episodes_needing_render()
    assert [(j.guid, j.previous_revision) for j in jobs] == [(guid, first_job.revision)]
    assert jobs[0].revision == edited.revision and jobs[0].post.html == edited.html
    # Until the re-render lands, the old audio keeps being published.
    assert library.published_episodes()[0].audio_file.endswith("v1.mp3")
    library.record_render(guid, jobs[0].revision, audio_file(tmp_path, "v2.mp3", size=6000))
    (episode,) = library.published_episodes()
    assert (episode.guid, episode.audio_size, episode.pub_date) == (guid, 6000, SEEN)
    assert episode.audio_file.endswith("v2.mp3") and episode.title == "LW - new title by X"
    assert library.episodes_needing_render() == []


def test_same_pass_twice_publishes_nothing_twice(library: Library, tmp_path: Path) -> None:
    posts = [make_post(), make_post(post_id="secondPost0000001", title="Second", karma=31)]
    rendered = run_pass(library, posts, tmp_path, SEEN)
    assert sorted(rendered) == ["Q7ZXm2m5GQEQNrTbX_LW", "secondPost0000001_LW"]
    published = library.published_episodes()
    assert run_pass(library, posts, tmp_path, SEEN + timedelta(minutes=30)) == []
    assert library.published_episodes() == published
    record = library.episode("Q7ZXm2m5GQEQNrTbX_LW")
    assert record is not None and record.status == EpisodeStatus.PUBLISHED
    assert record.published_at == SEEN


def test_episode_is_created_once_and_keeps_its_date(library: Library) -> None:
    state = library.upsert_post(make_post(), 30, SEEN)
    first = library.ensure_episode("Q7ZXm2m5GQEQNrTbX_LW", state.key, "LW - T by A", SEEN)
    again = library.ensure_episode(
        "Q7ZXm2m5GQEQNrTbX_LW", state.key, "LW - T by A", SEEN + timedelta(days=1)
    )
    assert (first.created, again.created) == (True, False)
    assert again.pub_date == SEEN and again.status == EpisodeStatus.PENDING
    with pytest.raises(StorageError, match="upsert it first"):
        library.ensure_episode("nope_LW", PostKey("lesswrong", "nope"), "LW - x by y", SEEN)


def test_published_episodes_newest_first_with_render_details(
    library: Library, tmp_path: Path
) -> None:
    older = add_episode(library, make_post(post_id="olderPost00000001"))
    library.upsert_post(make_post(), 30, SEEN + timedelta(hours=5))
    newer, _ = episode_identity(make_post())
    library.ensure_episode(newer, PostKey.of(make_post()), "LW - newer", SEEN + timedelta(hours=5))
    unrendered = add_episode(library, make_post(post_id="notRendered000001"))
    for guid in (older, newer):
        library.record_render(
            guid,
            make_post().revision,
            audio_file(tmp_path, f"{guid}.mp3"),
            audio_file=f"episodes/{guid}.mp3",
            transcript_files={"text/vtt": f"episodes/{guid}.vtt"},
            chapters_file=f"episodes/{guid}.chapters.json",
        )
    episodes = library.published_episodes()
    assert [e.guid for e in episodes] == [newer, older]
    assert unrendered not in {e.guid for e in episodes}
    first = episodes[0]
    assert first.audio_file == f"episodes/{newer}.mp3" and first.audio_size == 4096
    assert first.chapters == (Chapter(0.0, "Introduction", 12.0), Chapter(12.0, "The numbers"))
    assert first.transcript_files == {"text/vtt": f"episodes/{newer}.vtt"}
    assert first.duration == 312.5 and first.post.authors == ("Mira Okafor", "Dan H")


def test_a_render_needs_its_audio_file(library: Library, tmp_path: Path) -> None:
    guid = add_episode(library, make_post())
    missing = EpisodeAudio(path=str(tmp_path / "never-written.mp3"), duration=1.0, size=10)
    with pytest.raises(StorageError, match="missing"):
        library.record_render(guid, make_post().revision, missing)
    with pytest.raises(StorageError, match="ensure_episode"):
        library.record_render("unknown_LW", "r", audio_file(tmp_path, "x.mp3"))
    assert library.published_episodes() == []
    assert [job.guid for job in library.episodes_needing_render()] == [guid]


def test_failed_renders_retry_until_the_limit_then_wait_for_an_edit(
    library: Library, tmp_path: Path
) -> None:
    guid = add_episode(library, make_post())
    for attempt in range(3):
        assert [job.guid for job in library.episodes_needing_render()] == [guid], attempt
        library.mark_failed(guid, "espeak-ng crashed")
    record = library.episode(guid)
    assert record is not None
    assert (record.status, record.failures, record.last_error) == (
        EpisodeStatus.FAILED, 3, "espeak-ng crashed",
    )  # fmt: skip
    assert library.episodes_needing_render() == []
    edited = make_post(modified_at=SEEN + timedelta(days=1))
    library.upsert_post(edited, 30, SEEN + timedelta(days=1))
    (job,) = library.episodes_needing_render()
    library.record_render(guid, job.revision, audio_file(tmp_path, "ok.mp3"))
    record = library.episode(guid)
    assert record is not None and (record.status, record.failures) == (EpisodeStatus.RENDERED, 0)


def test_excluded_episode_is_withdrawn_and_can_return(library: Library, tmp_path: Path) -> None:
    guid = add_episode(library, make_post())
    library.record_render(guid, make_post().revision, audio_file(tmp_path, "a.mp3"))
    key = PostKey.of(make_post())
    record = library.exclude_episode(guid, key, "LW - t", SEEN, "author 'Dan H' opted out")
    assert record.status == EpisodeStatus.EXCLUDED
    assert library.published_episodes() == []
    assert library.episodes_needing_render() == []
    back = library.ensure_episode(guid, key, "LW - t", SEEN)
    assert back.status == EpisodeStatus.RENDERED and back.excluded_reason is None
    assert [e.guid for e in library.published_episodes()] == [guid]


def test_episode_posts_feed_dedupe_across_passes(library: Library) -> None:
    add_episode(library, make_post())
    excluded = add_episode(library, make_post(post_id="excludedPost00001"))
    key = PostKey("lesswrong", "excludedPost00001")
    library.exclude_episode(excluded, key, "LW - x", SEEN, "cross-post")
    assert [p.post_id for p in library.episode_posts()] == ["Q7ZXm2m5GQEQNrTbX"]


def test_source_state_and_health(library: Library) -> None:
    assert library.get_source_state("lesswrong") == {}
    state = {"after": "2025-06-01T00:00:00Z", "seen": ["a", "b"], "offset": 50}
    library.set_source_state("lesswrong", state, kind="forummagnum")
    assert library.get_source_state("lesswrong") == state
    failed_at = SEEN + timedelta(minutes=1)
    library.record_source_error("lesswrong", "HTTP 429 Too Many Requests", failed_at)
    (status,) = library.source_statuses()
    assert (status.kind, status.last_error, status.last_error_at) == (
        "forummagnum", "HTTP 429 Too Many Requests", failed_at,
    )  # fmt: skip
    assert not status.healthy
    library.record_source_success("lesswrong", failed_at + timedelta(minutes=3))
    (status,) = library.source_statuses()
    assert status.healthy and status.state == state


def test_feed_state_is_remembered(library: Library) -> None:
    assert library.feed_state("lw-daily") is None
    library.record_feed_published("lw-daily", "LessWrong Daily", "abc123", SEEN)
    library.record_feed_published("lw-daily", "LessWrong Daily", "def456", SEEN + timedelta(1))
    state = library.feed_state("lw-daily")
    assert state is not None
    assert (state.config_hash, state.last_published_at) == ("def456", SEEN + timedelta(1))


def test_data_survives_reopening(library: Library, tmp_path: Path) -> None:
    guid = add_episode(library, make_post())
    library.record_render(guid, make_post().revision, audio_file(tmp_path, "a.mp3"))
    reopened = open_library(library.url)
    try:
        assert reopened.published_episodes() == library.published_episodes()
        assert reopened.published_episodes()[0].pub_date.tzinfo is not None
    finally:
        reopened.close()
