"""What a worker process keeps between tasks."""

from __future__ import annotations

import logging
import os
import threading
import time
from typing import TYPE_CHECKING

from postcast.config import Config

if TYPE_CHECKING:
    from postcast.speech.base import SpeechEngine
    from postcast.storage import Library

log = logging.getLogger(__name__)


class WorkerState:
    """What a worker process keeps between tasks: its library connection pool and its
    speech engine, whose voices stay loaded (a re-render after an edit pays no start-up).
    Made on first use in each process: a forked pool child makes its own."""

    def __init__(self, config: Config, threads: int = 0) -> None:
        self.config = config
        self.threads = threads  # CPU threads the voice may use (0: ONNX Runtime's default)
        self._lock = threading.Lock()
        # Held from the start of a warm-up to its end: a task's `engine()` waits for it, as
        # Piper's phonemizer (espeak-ng) must never run in two threads at once.
        self._warming = threading.Lock()
        self._pid = 0
        self._library: Library | None = None
        self._engine: SpeechEngine | None = None

    def _this_process(self) -> None:
        if self._pid != os.getpid():  # forked: the parent's connections are not ours
            self._pid, self._library, self._engine = os.getpid(), None, None

    def library(self) -> Library:
        from postcast.storage import open_library

        with self._lock:
            self._this_process()
            if self._library is None:
                self._library = open_library(self.config.library.database)
            return self._library

    def engine(self) -> SpeechEngine:
        with self._warming:  # a warm-up under way finishes first
            return self._loaded_engine()

    def _loaded_engine(self) -> SpeechEngine:
        from postcast.speech import create_engine

        with self._lock:
            self._this_process()
            if self._engine is None:
                self._engine = create_engine(self.config.speech, threads=self.threads)
            return self._engine

    def warm_up_in_background(self) -> threading.Thread:
        """Load this process's voice in a thread (a worker's pool process calls this as
        it starts, before any task): its first render then finds the voice loaded, or
        waits only for what is left of the load. A failure is only logged: the first
        render meets it again and reports it against its episode."""
        self._warming.acquire()  # here, so that no task can take the engine before the thread
        thread = threading.Thread(target=self._warm_up, name="voice warm-up", daemon=True)
        thread.start()
        return thread

    def _warm_up(self) -> None:
        started = time.perf_counter()
        try:
            import postcast.pipeline  # noqa: F401 - the render path's modules, imported once

            self._loaded_engine().warm_up()
            log.info("voice ready in %.1f s", time.perf_counter() - started)
        except Exception as error:  # the first render meets it again and reports it
            log.warning("the voice could not be loaded ahead of the first render: %s", error)
        finally:
            self._warming.release()
