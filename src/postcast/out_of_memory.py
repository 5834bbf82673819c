"""Renders killed by the kernel's out-of-memory killer, counted as failed renders, so
that `postcast run` under a supervisor that restarts it (systemd) does not render the
same post, and die, forever.

Before it speaks, a render leaves a row in the library (a lease named
`postcast-attempt:GUID`, its owner this process and the kernel's count of out-of-memory
kills at that moment), and removes it when it ends, however it ends in Python. A row
whose process is gone was left by a process killed under the render. The next render of
that episode (or the next pass) looks: if the kernel has killed a process for want of
memory since the row was written, the render counts as failed ("killed by the
out-of-memory killer"), and after `DEFAULT_MAX_FAILURES` such failures the episode waits
for an edit or an operator, like any failing render. A process killed by anything else
(an operator, a deploy, a crash test) is not counted: the post may well render next time.

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


def count_killed_renders(library: Library, guid: str | None = None) -> list[str]:
    """Count, as failed, the renders (of `guid`, or all) whose process the out-of-memory
    killer took; forget those that died otherwise. Returns the GUIDs counted."""
    from postcast import webhooks
    from postcast.storage.locks import owner_is_dead

    counted: list[str] = []
    now_killed = oom_kills()
    wanted = ATTEMPT + guid if guid is not None else ATTEMPT
    for name, owner in library.live_locks().items():
        if not (name == wanted if guid is not None else name.startswith(ATTEMPT)):
            continue
        if not owner_is_dead(owner):
            continue  # rendering now, or on another machine (its row lapses if it is gone)
        if not library.drop_lock(name):
            continue  # another process counted it first
        before = owner.rpartition(":")[2]
        if now_killed is None or not before.isdigit() or now_killed <= int(before):
            continue
        episode = name.removeprefix(ATTEMPT)
        logger.error("episode %s: %s", episode, KILLED)
        library.mark_failed(episode, KILLED)
        webhooks.failed(library, episode)
        counted.append(episode)
    return counted
