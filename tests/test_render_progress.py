"""The render loop's progress reaches the library: passed on to the pass's own callback,
written at stage boundaries and at most every half second between, and a pass leaves
each render's row finished or failed (real espeak voice, LAME, SQLite)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from postcast import pipeline
from postcast.config import Config, LibraryConfig, SourceConfig, SpeechConfig
from postcast.render_progress import RecordedProgress
from postcast.storage import Library, open_library
from tests.service.webapp.webapp_library import add_episode

EPOCH = "2000-01-01T00:00:00+00:00"


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _writes(library: Library) -> list[tuple[str, str, float, float | None]]:
    rows = library.progress_since(datetime.fromisoformat(EPOCH))
    return [(row.state, row.stage, row.done, row.total) for row in rows]


def test_reports_are_passed_on_and_written_at_most_twice_a_second(tmp_path: Path) -> None:
    clock, forwarded, written = Clock(), [], []
    with open_library(f"sqlite:///{tmp_path / 'library.sqlite3'}") as library:
        stored = add_episode(library, tmp_path / "site", 1, title="Otters", status="pending")
        real = library.record_progress

        def record(*args: Any, **kwargs: Any) -> None:
            written.append(args[1:5])
            real(*args, **kwargs)

        library.record_progress = record  # type: ignore[method-assign]
        recorded = RecordedProgress(library, stored.guid, lambda *a: forwarded.append(a), clock)
        recorded.started()
        for done in range(0, 41):  # 40 sentences, eight a second
            recorded("speech", done, 40)
            clock.now += 0.125
        recorded("audio", 600.0, None)
        recorded.finished()
        assert _writes(library) == [("finished", "audio", 600.0, None)]
    assert len(forwarded) == 42  # every report reaches the CLI's bars
    assert written[:3] == [
        ("rendering", "starting", 0.0, None),
        ("rendering", "speech", 0.0, 40),  # a stage starts
        ("rendering", "speech", 4.0, 40),  # half a second later
    ]
    assert ("rendering", "speech", 40.0, 40) in written  # a stage ends
    assert len(written) == 14  # of 43 reports: starting, speech 0, 4... 40, audio, finished


def test_stages_taking_turns_are_written_twice_a_second_not_at_each_turn(
    tmp_path: Path,
) -> None:
    # speech and mastering alternate segment by segment; a re-render whose segments all
    # come from the caches makes its 40 turns in a blink, and wrote a row at each
    clock, written = Clock(), []
    with open_library(f"sqlite:///{tmp_path / 'library.sqlite3'}") as library:
        stored = add_episode(library, tmp_path / "site", 1, title="Otters", status="pending")
        library.record_progress = lambda *args, **_: written.append(args[1:5])  # type: ignore[method-assign]
        recorded = RecordedProgress(library, stored.guid, lambda *a: None, clock)
        recorded.started()
        for segment in range(1, 41):
            recorded("speech", segment, 40)
            recorded("audio", segment * 10.0, None)
            clock.now += 0.01
        assert written == [
            ("rendering", "starting", 0.0, None),
            ("rendering", "speech", 1.0, 40),  # each stage's first report
            ("rendering", "audio", 10.0, None),
            ("rendering", "speech", 40.0, 40),  # speech ends
        ]


def test_a_pass_leaves_each_render_finished_or_failed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    posts = tmp_path / "posts"
    posts.mkdir()
    for name in ("healthy", "broken"):
        text = " ".join(["The keeper wrote one line a day."] * 10)
        front = f"---\ntitle: {name.title()}\nauthor: Ada\n---\n\n"
        (posts / f"{name}.md").write_text(front + text + "\n")
    config = Config(
        library=LibraryConfig(
            site_dir=str(tmp_path / "site"), database=f"sqlite:///{tmp_path / 'l.sqlite3'}"
        ),
        sources=[SourceConfig(name="drafts", kind="local", path=str(posts))],
        speech=SpeechConfig(engine="espeak", cache_dir=str(tmp_path / "cache")),
        base_dir=tmp_path,
    )
    real = pipeline.render_post

    def buggy(post: Any, *args: Any, **kwargs: Any) -> Any:
        if post.title == "Broken":
            raise ZeroDivisionError("division by zero")
        return real(post, *args, **kwargs)

    monkeypatch.setattr(pipeline, "render_post", buggy)
    pipeline.run_pass(config)
    with open_library(config.library.database) as library:
        rows = library.progress_since(datetime.fromisoformat(EPOCH))
    states = {row.title: (row.state, row.stage) for row in rows}
    assert states["Broken by Ada"] == ("failed", "starting")
    finished_state, last_stage = states["Healthy by Ada"]
    assert finished_state == "finished" and last_stage != "starting"  # the pipeline reported
