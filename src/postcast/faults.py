"""Named points where a crash test holds a process, to kill it at exactly that moment.

With `POSTCAST_PAUSE_DIR=DIR` set, a process reaching point NAME while the file
`DIR/NAME` exists takes it (renames it to `DIR/NAME.held`, so exactly one process
stops there however many reach it), writes its pid into it and waits until the file
is removed. The test kills the pid it reads there, then removes the file. Unset, a
point costs one environment look-up. `tests/service/` and
`benchmarks/service_crash.py` use it (points fetch, speak, render, publish);
nothing else should.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

PAUSE_DIR = "POSTCAST_PAUSE_DIR"


def pause_point(name: str) -> None:
    folder = os.environ.get(PAUSE_DIR)
    if not folder:
        return
    armed, held = Path(folder) / name, Path(folder) / f"{name}.held"
    try:
        os.rename(armed, held)
    except FileNotFoundError:  # not armed, or another process took it
        return
    held.write_text(str(os.getpid()))
    while held.exists():
        time.sleep(0.02)
