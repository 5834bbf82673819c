"""Preloading: heavy imports on a thread, and a missing module is no error there."""

from __future__ import annotations

import sys

from postcast.preload import preload


def test_modules_are_imported_on_a_thread_and_a_missing_one_is_skipped() -> None:
    sys.modules.pop("tabnanny", None)
    thread = preload("postcast_no_such_module", "tabnanny")
    thread.join(timeout=30)
    assert not thread.is_alive()
    assert "tabnanny" in sys.modules, "the module after a missing one is still imported"
    assert "postcast_no_such_module" not in sys.modules
