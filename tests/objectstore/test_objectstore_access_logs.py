"""Access logs imported from where S3 delivers them (a log bucket's prefix, on moto)."""

from __future__ import annotations

from pathlib import Path

from mypy_boto3_s3 import S3Client

from postcast.listening.access_logs import import_logs
from postcast.listening.figures import published_downloads
from postcast.storage import open_library
from tests.listening.access_log_samples import log_line
from tests.service.webapp.webapp_library import add_episode


def test_logs_under_an_s3_prefix_are_imported_once(
    s3_client: S3Client, bucket: str, tmp_path: Path
) -> None:
    with open_library(f"sqlite:///{tmp_path / 'library.sqlite3'}") as library:
        stored = add_episode(library, tmp_path / "site", 1, title="On the bucket")
        media = f"show/{stored.audio_file}"
        names = ["logs/2026-11-20-10-15-00-A1B2C3D4", "logs/2026-11-20-10-20-00-B1B2C3D4"]
        lines = [log_line(media, bucket="media"), log_line(media, bucket="media", address="::1")]
        for name, line in zip(names, lines, strict=True):
            s3_client.put_object(Bucket=bucket, Key=name, Body=line.encode() + b"\n")
        s3_client.put_object(Bucket=bucket, Key="elsewhere/x", Body=lines[0].encode())
        source = f"s3://{bucket}/logs"
        report = import_logs(library.engine, [source], "s3://media/show")
        assert (report.logs, report.downloads) == (2, 2)
        assert import_logs(library.engine, [source], "s3://media/show").skipped == 2
        assert [e.downloads for e in published_downloads(library.engine)] == [2]
