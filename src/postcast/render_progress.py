"""The render loop's progress, also written to the library (`render_progress` rows), so
the web app can show an operator progress bars of renders running anywhere.

`recording` wraps the pass's own `Progress` callback (the CLI's bars): every report is
passed on, and written at most every `WRITE_INTERVAL` seconds per render (always when a
stage first reports and when it ends), so a render of thousands of sentences costs a few
hundred writes. Speech and mastering take turns segment by segment: a turn is not a
stage starting, or a re-render whose segments come from the caches would write each.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from postcast.progress import Progress

if TYPE_CHECKING:  # the storage layer is slow to import; passes.py imports this module
    from postcast.storage import Library

WRITE_INTERVAL = 0.5  # seconds between writes of one render's progress
KEEP_ENDED = timedelta(days=7)  # how long a finished or failed render's row is kept


class RecordedProgress:
    """A `Progress` callback that passes reports on and records them for `guid`."""

    def __init__(
        self,
        library: Library,
        guid: str,
        forward: Progress,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._library, self._guid, self._forward, self._clock = library, guid, forward, clock
        self._lock = threading.Lock()  # speech may report from its worker threads
        self._stage, self._done = "starting", 0.0
        self._stages: set[str] = set()  # those that have reported
        self._total: float | None = None
        self._written_at: float | None = None

    def __call__(self, task: str, done: float, total: float | None) -> None:
        self._forward(task, done, total)
        with self._lock:
            now = self._clock()
            boundary = task not in self._stages or (total is not None and done >= total)
            self._stages.add(task)
            due = self._written_at is None or now - self._written_at >= WRITE_INTERVAL
            self._stage, self._done, self._total = task, float(done), total
            if boundary or due:
                self._written_at = now
                self._write("rendering")

    def started(self) -> None:
        with self._lock:
            self._written_at = self._clock()
            self._write("rendering")

    def finished(self) -> None:
        with self._lock:
            self._write("finished")

    def failed(self) -> None:
        with self._lock:
            self._write("failed")

    def _write(self, state: str) -> None:
        self._library.record_progress(self._guid, state, self._stage, self._done, self._total)


def recording(library: Library, guid: str, forward: Progress) -> RecordedProgress:
    """The render of `guid` starts: its row says so (and rows of long-ended renders go)."""
    library.drop_progress_before(datetime.now(UTC) - KEEP_ENDED)
    recorded = RecordedProgress(library, guid, forward)
    recorded.started()
    return recorded
