"""`postcast status` tables: what the library holds is printed as it is, never as markup."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from postcast.service.jobs.status_tables import print_tables

HOSTILE_TITLE = "Why [/b] matters, and [bold]why not[/bold]"


def _report() -> dict[str, object]:
    return {
        "queues": {"speech": 2},
        "running": [{"task": "postcast.render", "args": ["guid-1"], "worker": "w1@host"}],
        "episode_counts": {"failed": 1},
        "sources": [
            {
                "name": "lw [main]",
                "running": False,
                "last_success_at": datetime(2026, 11, 30, 8, 0, tzinfo=UTC),
                "last_error": "[speech] engine: no such voice",
            }
        ],
        "episodes": [
            {
                "guid": "guid-1",
                "title": HOSTILE_TITLE,
                "status": "failed",
                "failures": 3,
                "excluded_reason": None,
                "last_error": "[audio] bitrate_kbps: 200 is outside 64..96",
            }
        ],
        "urls": [{"url": "https://example.org/[x]", "state": "failed", "error": "HTTP [404]"}],
    }


def test_titles_and_errors_print_as_they_are(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "300")  # no cell folded onto two lines
    print_tables(_report())
    shown = capsys.readouterr().out
    for text in (
        HOSTILE_TITLE,  # a MarkupError before: "closing tag '[/b]' ... doesn't match"
        "lw [main]",
        "[speech] engine: no such voice",
        "[audio] bitrate_kbps",
        "https://example.org/[x]",
        "HTTP [404]",
    ):
        assert text in shown
