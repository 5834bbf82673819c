"""S3 server access logs: parsed field by field, imported into the same counts as the
web app's, each log object once however often it is imported."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine

from postcast.errors import InputError
from postcast.listening.access_logs import import_logs, media_location, parse_line
from postcast.listening.figures import published_downloads
from tests.listening.access_log_samples import PHONE, log_line
from tests.service.webapp.webapp_library import Stored

STORAGE = "s3://podcast-media/show"


def test_a_get_object_line_is_a_media_request() -> None:
    line = log_line("show/episodes/caf%C3%A9%20talk.mp3", status=206, sent=40)
    request = parse_line(line, "podcast-media", "show/")
    assert request is not None
    assert request.path == "episodes/café talk.mp3"
    assert request.at == datetime(2026, 11, 20, 10, 0, 1, tzinfo=UTC)
    assert (request.address, request.user_agent) == ("203.0.113.7", PHONE)
    assert (request.status, request.bytes_sent, request.method) == (206, 40, "GET")


def test_lines_that_are_not_our_media_requests_are_passed_over() -> None:
    assert (
        parse_line(log_line("show/episodes/a.mp3", operation="REST.HEAD.OBJECT"), None, "") is None
    )
    assert parse_line(log_line("show/episodes/a.mp3", bucket="other"), "podcast-media", "") is None
    assert parse_line(log_line("elsewhere/a.mp3"), "podcast-media", "show/") is None
    assert parse_line("not a log line at all", None, "") is None
    assert parse_line(log_line("show/a.mp3", when="32/Nov/2026:10:00:01 +0000"), None, "") is None
    escaped = parse_line(log_line("show/a.mp3", agent='Odd \\"quoted\\" agent'), None, "")
    assert escaped is not None and escaped.user_agent == 'Odd "quoted" agent'
    missing = parse_line(log_line("show/a.mp3", sent=None), None, "")
    assert missing is not None and missing.bytes_sent == 0


def test_media_location_comes_from_the_storage_setting() -> None:
    assert media_location(STORAGE) == ("podcast-media", "show/")
    assert media_location("s3://podcast-media") == ("podcast-media", "")
    assert media_location("") == (None, "")


def _downloads(engine: Engine) -> dict[str, int]:
    return {e.guid: e.downloads for e in published_downloads(engine)}


def test_a_folder_of_logs_is_imported_once(
    engine: Engine, episodes: dict[str, Stored], tmp_path: Path
) -> None:
    first, second = (f"show/{episodes[name].audio_file}" for name in ("first", "second"))
    logs = tmp_path / "logs"
    logs.mkdir()
    (logs / "2026-11-20-10-15-00-A1B2C3D4E5F6A7B8").write_text(
        "\n".join(
            [
                log_line(first, status=206, sent=40),  # one listener's ranges: one download
                log_line(first, status=206, sent=27, when="20/Nov/2026:10:00:09 +0000"),
                log_line(first, address="198.51.100.4"),
                log_line(first, agent="Googlebot/2.1 (+http://www.google.com/bot.html)"),
                log_line("show/feed.xml"),
                log_line(second, bucket="someone-elses"),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    (logs / "2026-11-20-11-15-00-B1B2C3D4E5F6A7B8").write_text(
        log_line(second, when="20/Nov/2026:11:01:00 +0000") + "\n", encoding="utf-8"
    )
    report = import_logs(engine, [str(logs)], STORAGE)
    assert (report.logs, report.skipped, report.downloads) == (2, 0, 3)
    assert report.requests == 6  # the media GETs of our bucket (the bot's included)
    counts = {episodes["first"].guid: 2, episodes["second"].guid: 1}
    assert _downloads(engine) == counts
    again = import_logs(engine, [str(logs)], STORAGE)
    assert (again.logs, again.skipped, again.downloads) == (0, 2, 0)
    assert _downloads(engine) == counts


def test_a_missing_log_is_named(engine: Engine, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no-such-logs"):
        import_logs(engine, [str(tmp_path / "no-such-logs")], STORAGE)
