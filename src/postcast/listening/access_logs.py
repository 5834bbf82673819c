"""Downloads from an object store's access logs: S3 server access logs, for media that
listeners fetch from the bucket (or from a CDN that forwards to it) rather than from
`postcast web`.

Each log object is imported whole, in one transaction, and remembered by name, so that
importing the same logs again (a cron job that lists the whole log prefix) counts nothing
twice, and an import stopped half-way counts nothing of the log it was in.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path
from urllib.parse import unquote, urlsplit

from sqlalchemy import Engine, insert, select
from sqlalchemy.exc import IntegrityError

from postcast.errors import InputError
from postcast.listening.tally import MediaRequest, record_in
from postcast.objectstore.registry import open_store
from postcast.storage.schema import ImportedLogRow
from postcast.storage.types import utc_now

# The format is a line of space-separated fields where a field may be [bracketed] or
# "quoted" (with backslash escapes); no maintained parser exists for it, and it is small.
_FIELD = re.compile(r'\[[^\]]*\]|"(?:[^"\\]|\\.)*"|\S+')
_TIME_FORMAT = "%d/%b/%Y:%H:%M:%S %z"
_GET_OBJECT = "REST.GET.OBJECT"


@dataclass
class ImportReport:
    logs: int = 0  # log objects imported now
    skipped: int = 0  # imported before
    requests: int = 0  # media requests found in them
    downloads: int = 0  # new downloads

    def summary(self) -> str:
        return (
            f"{self.logs} access logs imported ({self.skipped} imported before): "
            f"{self.requests} media requests, {self.downloads} new downloads"
        )


def parse_line(line: str, bucket: str | None, prefix: str) -> MediaRequest | None:
    """The media request a log line records, or None: another bucket's object, another
    operation, a key outside `prefix`, or a line that is not a log record at all."""
    fields = _FIELD.findall(line)
    if len(fields) < 17 or fields[6] != _GET_OBJECT:
        return None
    if bucket is not None and fields[1] != bucket:
        return None
    key = unquote(fields[7])
    if prefix and not key.startswith(prefix):
        return None
    try:
        at = datetime.strptime(fields[2].strip("[]"), _TIME_FORMAT)
        status = int(fields[9])
    except ValueError:
        return None
    sent = fields[11]
    return MediaRequest(
        path=key[len(prefix) :],
        at=at,
        address=fields[3],
        user_agent=_unquote_field(fields[16]),
        bytes_sent=int(sent) if sent.isdigit() else 0,
        status=status,
        method="GET",
    )


def _unquote_field(field: str) -> str:
    if field == "-" or field == '"-"':
        return ""
    inner = field[1:-1] if field.startswith('"') and field.endswith('"') else field
    return re.sub(r"\\(.)", r"\1", inner)


def media_location(storage: str) -> tuple[str | None, str]:
    """The bucket and key prefix media are published under, from `[service] storage`
    (no bucket to check, and no prefix, when the library publishes to a folder)."""
    if not storage.startswith("s3://"):
        return None, ""
    parts = urlsplit(storage)
    prefix = parts.path.strip("/")
    return parts.netloc, f"{prefix}/" if prefix else ""


def import_logs(engine: Engine, sources: Iterable[str], storage: str = "") -> ImportReport:
    """Import every log under each source: a log file, a folder of them, or an
    `s3://bucket/prefix` where the bucket's server access logging delivers them."""
    bucket, prefix = media_location(storage)
    report = ImportReport()
    for name, read in _logs(sources):
        if _imported_before(engine, name):
            report.skipped += 1
            continue
        lines = read().splitlines()
        requests = [r for line in lines if (r := parse_line(line, bucket, prefix)) is not None]
        downloads = _import_one(engine, name, requests)
        if downloads is None:  # another import took it meanwhile
            report.skipped += 1
            continue
        report.logs += 1
        report.requests += len(requests)
        report.downloads += downloads
    return report


def _imported_before(engine: Engine, name: str) -> bool:
    with engine.connect() as connection:
        found = connection.scalar(select(ImportedLogRow.name).where(ImportedLogRow.name == name))
    return found is not None


def _import_one(engine: Engine, name: str, requests: list[MediaRequest]) -> int | None:
    """The downloads one log adds; None if it was imported before."""
    with engine.begin() as connection:
        try:
            with connection.begin_nested():
                connection.execute(
                    insert(ImportedLogRow).values(
                        name=name, requests=len(requests), imported_at=utc_now()
                    )
                )
        except IntegrityError:
            return None
        return sum(record_in(connection, request) for request in requests)


def _logs(sources: Iterable[str]) -> Iterator[tuple[str, Callable[[], str]]]:
    """(name, reader) of every log object, in name order (the time order S3 names them
    in); read only when not imported before."""
    for source in sources:
        if source.startswith("s3://"):
            store = open_store(source)
            for key in store.list():
                yield store.location(key), partial(_text, store.get_bytes, key)
            continue
        path = Path(source)
        if not path.exists():
            raise InputError(source, "no such access log file or folder")
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            yield str(file.resolve()), partial(file.read_text, "utf-8", "replace")


def _text(get_bytes: Callable[[str], bytes], key: str) -> str:
    return get_bytes(key).decode("utf-8", "replace")
