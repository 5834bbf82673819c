"""Renders killed by the kernel's out-of-memory killer, counted as failed renders, so
that `postcast run` under a supervisor that restarts it (systemd) does not render the
same post, and die, forever.

Before it speaks, a render leaves a row in the library (a lease named
`postcast-attempt:GUID`, its owner this process and the kernel's count of out-of-memory
kills at that moment), and removes it when it ends, however it ends in Python. A row
whose process is gone was left by a process killed under the render. The next render of
that episode (a pass's or a worker's, under the episode's lock) looks: if the kernel has
killed a process for want of memory since the row was written, the render counts as
failed ("killed by the out-of-memory killer"), and after `DEFAULT_MAX_FAILURES` such
failures the episode waits for an edit or an operator, like any failing render. A process
killed by anything else (an operator, a deploy, a crash test) is not counted: the post
may well render next time.

The count is the kernel's (/proc/vmstat `oom_kill`, Linux 4.13 and later): it counts
kills anywhere on the machine, so a render killed some other way while another process
ran out of memory is counted too; the failure limit absorbs that rare case. Elsewhere
(no /proc) nothing is counted.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the storage layer (SQLAlchemy) is imported when a render needs it
    from postcast.storage import Library

# A lease name no episode GUID starts with (`postcast.storage.locks.SERVICE_PREFIX`).
ATTEMPT = "postcast-service:attempt:"
KEPT = timedelta(days=7)  # a row of a machine never seen again lapses after this
VMSTAT = Path("/proc/vmstat")
KILLED = (
    "the render was killed by the out-of-memory killer (the machine ran out of memory "
    "while rendering this post)"
)
logger = logging.getLogger(__name__)


def oom_kills() -> int | None:
    """How many processes the kernel has killed for want of memory since it booted."""
    try:
        for line in VMSTAT.read_text().splitlines():
            name, _, value = line.partition(" ")
            if name == "oom_kill" and value.strip().isdigit():
                return int(value)
    except OSError:
        pass
    return None


def starting(library: Library, guid: str) -> str | None:
    """Record that this process starts rendering `guid`; the row's name (None where the
    kernel keeps no count)."""
    from postcast.storage.locks import new_lock_owner

    kills = oom_kills()
    if kills is None:
        return None
    name = ATTEMPT + guid
    library.lock_episode(name, f"{new_lock_owner()}:{kills}", KEPT)
    return name


def ended(library: Library, name: str | None) -> None:
    """The render ended in this process (done or failed): nothing to count."""
    if name is not None:
        library.drop_lock(name)


def count_killed_render(library: Library, guid: str) -> bool:
    """If the last render of `guid` died with its process and the out-of-memory killer
    took it, count a failed render; True if it did. A death of another kind is
    forgotten; a render still running (here or on another machine) is left alone."""
    from postcast import webhooks
    from postcast.storage.locks import owner_is_dead

    name = ATTEMPT + guid
    owner = library.live_locks().get(name)
    if owner is None or not owner_is_dead(owner):
        return False  # none, rendering now, or another machine's (its row lapses if gone)
    if not library.drop_lock(name):
        return False  # another process counted it first
    before, now_killed = owner.rpartition(":")[2], oom_kills()
    if now_killed is None or not before.isdigit() or now_killed <= int(before):
        return False
    logger.error("episode %s: %s", guid, KILLED)
    library.mark_failed(guid, KILLED)
    webhooks.failed(library, guid)
    return True
