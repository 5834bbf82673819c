"""What a killed process leaves behind, and how the next run clears it.

Writers put hidden temporaries beside their output: `.NAME.XXXXXXXX.tmp` (atomic
writes), `.postcast-XXXXXXXX.SUFFIX` (the renderer's scratch files, the writability
probe) and, in cache folders, `.tmp-XXXXXXXX...` (cache entries). A SIGKILL leaves them
there. A run that writes into a folder holds a shared `flock` on the folder's
`.postcast.lock` for as long as it writes; before that it tries the lock exclusively:
if it gets it, no other postcast process is writing there, so every temporary of ours
is stale and goes at once. If another writer is live, only temporaries older than
`STALE_AFTER_SECONDS` go (a live writer touches its file far more often than that).
flock is used rather than PID files because the kernel drops it when its holder dies,
and NFS emulates it across machines.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path

LOCK_NAME = ".postcast.lock"
PUBLISH_LOCK_NAME = ".postcast.publish.lock"
STALE_AFTER_SECONDS = 3600.0  # a temporary this old belongs to no live writer

# The names of every temporary postcast makes (`postcast.atomic.new_temporary` puts
# mkstemp's random part between a prefix and a suffix), defined here once: a sweep
# removes these names and nothing else a user keeps beside them.
SCRATCH_PREFIX = ".postcast-"
CACHE_PREFIX = ".tmp-"
_RANDOM = r"[A-Za-z0-9_]{8}"  # what tempfile.mkstemp puts in a name
SITE_TEMPORARY = re.compile(
    rf"^\..+\.{_RANDOM}\.tmp$|^{re.escape(SCRATCH_PREFIX)}{_RANDOM}\.[A-Za-z0-9]+$"
)
CACHE_TEMPORARY = re.compile(rf"^{re.escape(CACHE_PREFIX)}{_RANDOM}")


def remove_temporaries(
    root: Path,
    pattern: re.Pattern[str] = SITE_TEMPORARY,
    older_than: float = STALE_AFTER_SECONDS,
    *,
    recursive: bool = True,
) -> int:
    """Delete files in `root` (and its subfolders if `recursive`) whose name matches
    `pattern` and that were last written more than `older_than` seconds ago; return
    how many. The one sweep of temporaries: the writers' lock below, the object store
    and the cache folders all clear theirs through it."""
    if not root.is_dir():
        return 0
    cutoff = time.time() - older_than
    removed = 0
    walk = os.walk(root) if recursive else [(str(root), [], os.listdir(root))]
    for folder, _, names in walk:
        for name in names:
            if not pattern.match(name):
                continue
            path = Path(folder) / name
            with contextlib.suppress(FileNotFoundError):
                if path.is_file() and path.stat().st_mtime <= cutoff:
                    path.unlink()
                    removed += 1
    return removed


@contextlib.contextmanager
def writing_into(
    root: Path,
    pattern: re.Pattern[str] = SITE_TEMPORARY,
    lock_file: Path | None = None,
    safe_age: float = STALE_AFTER_SECONDS,
    *,
    recursive: bool = True,
) -> Iterator[int]:
    """Clear `root` of stale temporaries, then hold the writers' lock while the caller
    writes there. Yields how many temporaries were removed."""
    lock_path = lock_file or root / LOCK_NAME
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            alone = True
        except BlockingIOError:
            alone = False
        removed = remove_temporaries(
            root, pattern, older_than=-1.0 if alone else safe_age, recursive=recursive
        )
        fcntl.flock(lock, fcntl.LOCK_SH)  # other writers may join; a new one sweeps by age
        try:
            yield removed
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def render_lock_file(folder: Path, cache_folder: Path) -> Path:
    """Writers' lock of a `postcast render -o` output folder, kept in the cache folder so
    that rendering into a user's folder leaves nothing there but the MP3."""
    digest = hashlib.sha1(str(folder.resolve()).encode()).hexdigest()[:16]
    return cache_folder / "locks" / f"{digest}.lock"


@contextlib.contextmanager
def publishing(site: Path) -> Iterator[None]:
    """One publisher at a time per site: a pass reads the library and writes the feeds
    inside this lock, so the last pass to publish has seen every render recorded before
    it, and no older view of the library lands on top of a newer one."""
    site.mkdir(parents=True, exist_ok=True)
    with open(site / PUBLISH_LOCK_NAME, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
