"""Logging for operators: human-readable by default, one JSON object a line on demand
(`postcast --log-format json`, or `POSTCAST_LOG_FORMAT=json`), and the GUID of the
episode being worked on in every line logged while it is.

The render path sets the GUID for its episode (`episode_logging`); a filter on the
handler copies it onto every record, whichever module logged it. The speech stage's
thread pool runs each job in a copy of the caller's context, and its process pool's
workers are started with the caller's settings and GUID (`snapshot` / `restore`), so
their lines carry it too. JSON lines come from python-json-logger.
"""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from enum import StrEnum
from typing import IO, Any

from pythonjsonlogger.json import JsonFormatter

EPISODE_GUID: ContextVar[str | None] = ContextVar("postcast_episode_guid", default=None)
TEXT_FORMAT = "%(levelname)s %(name)s: %(message)s%(guid_suffix)s"
# The fields every JSON line has, renamed to the short names log tools expect.
JSON_FIELDS = ["levelname", "name", "process", "message"]
JSON_NAMES = {"levelname": "level", "name": "logger"}


class LogFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


class LogLevel(StrEnum):
    DEBUG = "debug"
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True)
class LogSettings:
    """What `configure_logging` set up, for a worker process to set up the same."""

    format: LogFormat
    level: str
    guid: str | None = None


_configured: LogSettings | None = None


class EpisodeGuid(logging.Filter):
    """Adds `guid` (absent outside an episode) and, for the text format, ` [guid]`."""

    def filter(self, record: logging.LogRecord) -> bool:
        guid = getattr(record, "guid", None) or EPISODE_GUID.get()  # `extra=` wins
        if guid is not None:
            record.guid = guid
        record.guid_suffix = f" [{guid}]" if guid else ""
        return True


# Record attributes that are not fields: the text format's suffix, and uvicorn's copy
# of its message with terminal colour codes.
NOT_FIELDS = ("guid_suffix", "color_message")


class _JsonLines(JsonFormatter):
    def process_log_record(self, log_record: dict[str, Any]) -> dict[str, Any]:
        for name in NOT_FIELDS:
            log_record.pop(name, None)
        return log_record


class _Stream(logging.StreamHandler):  # type: ignore[type-arg]
    """Without a stream of its own, writes to whatever `sys.stderr` is at each record:
    Rich's progress display and test captures replace it while the process runs."""

    def __init__(self, stream: IO[str] | None) -> None:
        super().__init__(stream if stream is not None else sys.stderr)
        self.follows_stderr = stream is None

    def emit(self, record: logging.LogRecord) -> None:
        if self.follows_stderr:
            self.stream = sys.stderr
        super().emit(record)


def _formatter(log_format: LogFormat) -> logging.Formatter:
    if log_format is LogFormat.JSON:
        return _JsonLines(JSON_FIELDS, rename_fields=JSON_NAMES, timestamp="time")
    return logging.Formatter(TEXT_FORMAT)


def configure_logging(
    log_format: LogFormat | str = LogFormat.TEXT,
    level: str | None = None,
    stream: IO[str] | None = None,
) -> None:
    """One handler on the root logger (to `stream`, default stderr), replacing the one
    an earlier call installed: every library's records go through it. The level
    defaults to WARNING for text (a person at a terminal) and INFO for JSON (a log
    collector: episodes rendered and failed are INFO and ERROR lines)."""
    global _configured
    log_format = LogFormat(log_format)
    level = level or ("INFO" if log_format is LogFormat.JSON else "WARNING")
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, "postcast", False)]:
        root.removeHandler(handler)
    handler = _Stream(stream)
    handler.postcast = True  # type: ignore[attr-defined]
    handler.setFormatter(_formatter(log_format))
    handler.addFilter(EpisodeGuid())
    root.addHandler(handler)
    root.setLevel(level.upper())
    _configured = LogSettings(log_format, level.upper())


def json_logging() -> bool:
    return _configured is not None and _configured.format is LogFormat.JSON


@contextlib.contextmanager
def episode_logging(guid: str) -> Iterator[None]:
    """Every line logged inside carries `guid` (this thread and what it starts)."""
    token = EPISODE_GUID.set(guid)
    try:
        yield
    finally:
        EPISODE_GUID.reset(token)


def snapshot() -> LogSettings | None:
    """This process's settings and current GUID, for a worker process's start."""
    if _configured is None:
        return None
    return LogSettings(_configured.format, _configured.level, EPISODE_GUID.get())


def restore(settings: LogSettings | None) -> None:
    """In a worker process: log as the process that started it did, under its GUID."""
    if settings is None:
        return
    configure_logging(settings.format, settings.level)
    EPISODE_GUID.set(settings.guid)
