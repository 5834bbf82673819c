"""Heavy imports started on a thread while the main thread is busy in native code.

`scipy.signal` takes over a second to import (it pulls in scipy.stats and more), and
mastering needs it for its filters. A re-render after a small edit spends about as long
in ONNX Runtime, which releases the GIL, loading the voice and speaking the edited
sentences: importing on a thread meanwhile takes the import off the critical path.
"""

from __future__ import annotations

import importlib
import logging
import threading

logger = logging.getLogger(__name__)


def preload(*modules: str) -> threading.Thread:
    """Import `modules` on a daemon thread; a later `import` waits for it, if it must."""
    thread = threading.Thread(target=_import_all, args=(modules,), name="preload", daemon=True)
    thread.start()
    return thread


def _import_all(modules: tuple[str, ...]) -> None:
    for name in modules:
        try:
            importlib.import_module(name)
        except ImportError as error:  # the user's own import will say so, where it matters
            logger.debug("preloading %s failed: %s", name, error)
