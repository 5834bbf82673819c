"""One exception tree, and writes the disk refuses turned into errors that name the file."""

from __future__ import annotations

import ast
import errno
from pathlib import Path

import pytest

from postcast import errors
from postcast.atomic import atomic_output, scratch_file, writable_folder
from postcast.cachedir import CacheDirectory
from postcast.errors import (
    ConfigError,
    InputError,
    MathSpeechUnavailable,
    PostcastError,
    PublishError,
    ShapeError,
    SourceError,
    SpeechError,
    StorageError,
    WriteError,
)

PACKAGE = Path(errors.__file__).parent
DISK_FULL = OSError(errno.ENOSPC, "No space left on device")


def test_every_exception_class_lives_in_errors_py() -> None:
    """No module but errors.py defines an exception: one tree, one place to read it.

    A class that must subclass a library's own exception to pass through that library
    (a base written `httpx.ConnectError`) is the one kind allowed where it is used.
    """
    defined: list[str] = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                bases = [ast.unparse(base) for base in node.bases]
                ours = [base for base in bases if "." not in base]
                if any(base.endswith(("Error", "Exception", "Unavailable")) for base in ours):
                    defined.append(f"{path.relative_to(PACKAGE)}:{node.name}")
    assert defined and all(name.startswith("errors.py:") for name in defined), defined


@pytest.mark.parametrize(
    ("error", "exit_code"),
    [
        (InputError("post.html", "file is empty"), 2),
        (ConfigError("postcast.toml", "bad"), 2),
        (SourceError("lw", "503"), 3),
        (ShapeError("post object lacks _id"), 3),
        (SpeechError("engine failed"), 4),
        (MathSpeechUnavailable("node missing"), 4),
        (PublishError("feed failed"), 5),
        (WriteError("site/feed.xml", "no space left on device"), 5),
        (StorageError("database unreachable"), 1),
    ],
)
def test_every_error_is_a_postcast_error_with_its_exit_code(
    error: PostcastError, exit_code: int
) -> None:
    assert isinstance(error, PostcastError)
    assert error.exit_code == exit_code


def test_a_shape_error_is_still_a_value_error() -> None:
    assert issubclass(ShapeError, ValueError)


def test_disk_full_is_said_in_words() -> None:
    error = WriteError.from_os_error(DISK_FULL, "site/feed.xml")
    assert str(error) == "site/feed.xml: no space left on device (disk full)"


def test_disk_full_inside_the_writer_names_the_target_and_keeps_the_old_file(
    tmp_path: Path,
) -> None:
    target = tmp_path / "feed.xml"
    target.write_text("old")
    with pytest.raises(WriteError) as caught, atomic_output(target) as temp:
        temp.write_text("half")
        raise DISK_FULL
    assert str(caught.value) == f"{target}: no space left on device (disk full)"
    assert target.read_text() == "old"
    assert [path.name for path in tmp_path.iterdir()] == ["feed.xml"]


def test_an_error_that_is_not_about_the_disk_passes_through(tmp_path: Path) -> None:
    refused = ConnectionRefusedError(errno.ECONNREFUSED, "Connection refused")
    with pytest.raises(ConnectionRefusedError), atomic_output(tmp_path / "a.mp3"):
        raise refused
    with pytest.raises(FileNotFoundError), scratch_file(tmp_path, ".mp3"):
        (tmp_path / "missing-input.txt").read_text()
    assert list(tmp_path.iterdir()) == []


def test_writing_under_a_file_is_a_write_error(tmp_path: Path) -> None:
    blocker = tmp_path / "site"
    blocker.write_text("a file where a folder should be")
    with pytest.raises(WriteError) as caught, atomic_output(blocker / "episodes" / "a.mp3"):
        pass
    assert str(caught.value) == f"{blocker / 'episodes'}: not a directory"
    with pytest.raises(WriteError, match=f"{blocker}: is not a folder"):
        writable_folder(blocker)


def test_a_writable_folder_is_created_and_left_clean(tmp_path: Path) -> None:
    folder = writable_folder(tmp_path / "new" / "site")
    assert folder.is_dir() and list(folder.iterdir()) == []


def test_a_full_disk_under_the_cache_names_the_cache_entry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = CacheDirectory(tmp_path / "speech", ".wav", max_bytes=1 << 20)

    def fill(file: object) -> None:
        raise DISK_FULL

    with pytest.raises(WriteError) as caught:
        cache.write("ab" * 20, fill)
    assert str(caught.value) == f"{cache.path_for('ab' * 20)}: no space left on device (disk full)"
    assert [path for path in (tmp_path / "speech").rglob("*") if path.is_file()] == []
