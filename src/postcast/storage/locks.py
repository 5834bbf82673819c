"""Episode locks: one pass renders an episode, a second pass (another process, another
machine on the same database) skips it. A mixin of `Library`.

A lock is a row with an owner and a lease: taken or renewed by one conditional upsert
(INSERT ... ON CONFLICT DO UPDATE ... WHERE the lease lapsed or is ours), which both
SQLite and PostgreSQL run atomically. A holder that dies stops renewing; its lease
lapses. A holder on this machine whose process is gone (SIGKILL) is known dead at once:
its lock is taken over without waiting. "This machine" is the host name together with
the kernel's boot id and the pid namespace: containers (or hosts) that share a name, or
share a kernel, are never mistaken for one another, so a pid is checked only where it
means the same process; on another machine only the lapsing lease tells.

The same rows also hold leases that are not episodes (`SERVICE_PREFIX` names): the
scheduler's, and the "a publish is due" flag of the Celery service.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import socket
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from postcast.storage.schema import EpisodeLockRow
from postcast.storage.types import require_aware, utc_now

T = TypeVar("T")

DEFAULT_LEASE = timedelta(minutes=2)  # renewed every quarter of it while rendering
SERVICE_PREFIX = "postcast-service:"  # lease names no episode GUID starts with


def _read(path: str) -> str:
    try:
        return os.readlink(path) if os.path.islink(path) else open(path).read().strip()
    except OSError:
        return ""


@functools.cache
def machine_id() -> str:
    """Where a pid means one process: host name ~ digest of boot id and pid namespace."""
    space = _read("/proc/sys/kernel/random/boot_id") + _read("/proc/self/ns/pid")
    digest = hashlib.sha1(space.encode()).hexdigest()[:10]
    return f"{socket.gethostname()[:100]}~{digest}"


def is_episode_lock(name: str) -> bool:
    """Whether the lock `name` is an episode's (held while it renders), not a service lease."""
    return not name.startswith(SERVICE_PREFIX)


def new_lock_owner() -> str:
    """Unique per pass: machine and pid say who it is, the random part that it is this pass."""
    return f"{machine_id()}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


def owner_is_dead(owner: str) -> bool:
    """True when `owner` was a process on this machine that no longer runs (another
    machine's processes cannot be seen: their leases lapse instead)."""
    host, _, rest = owner.partition(":")
    pid = rest.partition(":")[0]
    if host != machine_id() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, another user's
        return False
    return False


class EpisodeLocks:
    """Needs `_write` (a transaction runner) from the class it is mixed into."""

    if TYPE_CHECKING:

        def _write(self, work: Callable[[Session], T]) -> T: ...
        def _read(self, work: Callable[[Session], T]) -> T: ...

    def lock_episode(
        self,
        guid: str,
        owner: str,
        lease: timedelta = DEFAULT_LEASE,
        now: datetime | None = None,
    ) -> bool:
        """Take (or renew) the lock on `guid` for `lease`; False if another owner holds it."""
        now = require_aware(now or utc_now(), "now")
        table = EpisodeLockRow.__table__
        values = {"guid": guid, "owner": owner, "expires_at": now + lease}

        def work(session: Session) -> bool:
            dialect = session.get_bind().dialect.name
            insert: Any = postgresql.insert if dialect == "postgresql" else sqlite.insert
            statement = (
                insert(table)
                .values(**values)
                .on_conflict_do_update(
                    index_elements=[table.c.guid],
                    set_={"owner": owner, "expires_at": values["expires_at"]},
                    where=or_(table.c.owner == owner, table.c.expires_at < now),
                )
                .returning(table.c.id)  # a row back: inserted or updated, so ours
            )
            if session.execute(statement).first() is not None:
                return True
            holder = session.scalar(select(EpisodeLockRow.owner).where(table.c.guid == guid))
            if holder is None or not owner_is_dead(holder):
                return False
            taken = (
                update(EpisodeLockRow)
                .where(EpisodeLockRow.guid == guid, EpisodeLockRow.owner == holder)
                .values(owner=owner, expires_at=values["expires_at"])
            )
            result: Any = session.execute(taken)  # only if no one else took it meanwhile
            return bool(result.rowcount == 1)

        return self._write(work)

    def unlock_episode(self, guid: str, owner: str) -> None:
        """Give the lock back (only if it is still ours)."""

        def work(session: Session) -> None:
            session.execute(
                delete(EpisodeLockRow).where(
                    EpisodeLockRow.guid == guid, EpisodeLockRow.owner == owner
                )
            )

        self._write(work)

    def drop_lock(self, guid: str) -> bool:
        """Remove the lock or lease `guid` whoever holds it; True if there was one (a
        compare-and-set: of two callers racing, one gets True)."""

        def work(session: Session) -> bool:
            result: Any = session.execute(delete(EpisodeLockRow).where(EpisodeLockRow.guid == guid))
            return bool(result.rowcount)

        return self._write(work)

    def live_locks(self, now: datetime | None = None) -> dict[str, str]:
        """Every lock whose lease has not lapsed: name -> owner."""
        now = require_aware(now or utc_now(), "now")
        query = select(EpisodeLockRow.guid, EpisodeLockRow.owner).where(
            EpisodeLockRow.expires_at >= now
        )

        def work(session: Session) -> dict[str, str]:
            return dict(session.execute(query).tuples().all())

        return self._read(work)

    @contextmanager
    def holding_episode(
        self, guid: str, owner: str, lease: timedelta = DEFAULT_LEASE
    ) -> Iterator[bool]:
        """Yield whether the lock on `guid` is ours; while it is, a thread renews the lease
        (a render may outlast it), and on leaving the lock is given back."""
        if not self.lock_episode(guid, owner, lease):
            yield False
            return
        stop = threading.Event()

        def renew() -> None:
            while not stop.wait(lease.total_seconds() / 4):
                with contextlib.suppress(Exception):  # a missed renewal is retried next tick
                    self.lock_episode(guid, owner, lease)

        renewer = threading.Thread(target=renew, name=f"lock {guid}", daemon=True)
        renewer.start()
        try:
            yield True
        finally:
            stop.set()
            renewer.join()
            self.unlock_episode(guid, owner)
