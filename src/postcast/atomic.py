"""Atomic file output: a reader sees the old file or the new one, never half of either.

Every published file (feeds, pages, audio, transcripts) goes through here, because the
web server and podcast apps may read the site folder at any moment while we write it.
Temporary files start with a dot, so the web server never serves them; one left by a
killed process is swept on the next run (`postcast.leftovers` names them all). A write
the disk refuses (full, read-only, not a folder) is a `WriteError` naming the file, not
an `OSError`.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from postcast.errors import WRITE_ERRNOS, WriteError, describe
from postcast.leftovers import SCRATCH_PREFIX


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable (a crash right after must not undo it)."""
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:  # some platforms cannot open folders; the rename is still atomic
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


@contextlib.contextmanager
def atomic_output(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside `path`; on success it replaces `path` in one rename.

    The temporary name starts with a dot, so the web server never serves it. On error
    it is removed and `path` is left exactly as it was.
    """
    path = Path(path)
    temp_path = new_temporary(path.parent, f".{path.name}.", ".tmp", path)
    try:
        with written_to(path, temp_path):
            yield temp_path
            with open(temp_path, "rb+") as handle:
                os.fsync(handle.fileno())
            os.chmod(temp_path, 0o644)  # mkstemp makes 0600; published files are public
            os.replace(temp_path, path)
    except BaseException:
        temp_path.unlink(missing_ok=True)
        raise
    _fsync_directory(path.parent)


def new_temporary(folder: Path, prefix: str, suffix: str, target: Path) -> Path:
    """An empty hidden file in `folder` (created with its parents); `WriteError` if the
    folder cannot hold it."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        descriptor, name = tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=folder)
    except OSError as error:
        # An error about the temporary names the target (the temporary means nothing
        # to a user); one about a folder on the way names that folder.
        failed = Path(os.fsdecode(error.filename)) if error.filename is not None else None
        if failed is None or failed.name.startswith(prefix):
            raise WriteError(target, describe(error)) from error
        raise WriteError(failed, describe(error)) from error
    os.close(descriptor)
    return Path(name)


@contextlib.contextmanager
def written_to(target: Path, *temporaries: Path) -> Iterator[None]:
    """Turn an `OSError` met while writing `target` (through `temporaries`) into a
    `WriteError` naming `target`. An error about another file, or one that is not about
    the disk (a refused connection is an `OSError` too), passes through unchanged."""
    try:
        yield
    except OSError as error:
        failed = os.fsdecode(error.filename) if error.filename is not None else None
        ours = failed is None or failed in {str(target), *map(str, temporaries)}
        if error.errno not in WRITE_ERRNOS and not (ours and failed is not None):
            raise
        raise WriteError(target if ours else failed, describe(error)) from error


def writable_folder(folder: Path) -> Path:
    """`folder`, created if absent; `WriteError` unless a file can be written in it.

    Checked by writing, since permission bits do not tell: root ignores them, and a
    read-only or full file system refuses whatever they say.
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise WriteError(folder, "is not a folder")
    probe = new_temporary(folder, SCRATCH_PREFIX, ".tmp", folder)
    probe.unlink(missing_ok=True)
    return folder


def atomic_write_bytes(path: Path, data: bytes) -> None:
    with atomic_output(path) as temp_path:
        temp_path.write_bytes(data)


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


@contextlib.contextmanager
def scratch_file(folder: Path, suffix: str) -> Iterator[Path]:
    """A hidden temporary file in `folder`, removed afterwards (kept beside the output,
    not on a RAM-backed /tmp, since it can hold hours of audio)."""
    temp_path = new_temporary(folder, SCRATCH_PREFIX, suffix, folder)
    try:
        with written_to(folder, temp_path):
            yield temp_path
    finally:
        temp_path.unlink(missing_ok=True)
