"""Both backends through the same tests: the folder and S3 (moto in server mode)."""

from __future__ import annotations

import io
import threading
import time
from pathlib import Path

import pytest
from objectstore_samples import PART_BYTES

from postcast.errors import InputError, PublishError
from postcast.objectstore import ObjectMissingError, Store
from postcast.objectstore.local import LocalStore
from postcast.objectstore.s3 import S3Store


class FailingReader(io.RawIOBase):
    """A source that breaks after `fail_after` bytes, like a disk error mid-upload."""

    def __init__(self, data: bytes, fail_after: int) -> None:
        self.source = io.BytesIO(data)
        self.fail_after = fail_after

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        if self.source.tell() >= self.fail_after:
            raise OSError("disk read failed")
        limit = min(len(buffer), self.fail_after - self.source.tell())
        chunk = self.source.read(limit)
        buffer[: len(chunk)] = chunk
        return len(chunk)


def visible_leftovers(store: Store) -> list[str]:
    """Temporaries a reader could see: hidden files in the folder, open multipart uploads."""
    if isinstance(store, LocalStore):
        return [str(path) for path in store.root.rglob(".*")]
    assert isinstance(store, S3Store)
    uploads = store.client.list_multipart_uploads(Bucket=store.bucket)
    return [upload["Key"] for upload in uploads.get("Uploads", [])]


def test_put_get_size_exists_delete(store: Store) -> None:
    assert not store.exists("feed.xml")
    store.put_bytes("feed.xml", b"<rss/>")
    assert store.exists("feed.xml")
    assert store.get_bytes("feed.xml") == b"<rss/>"
    assert store.size("feed.xml") == 6
    store.put_bytes("feed.xml", b"<rss>2</rss>")
    assert store.get_bytes("feed.xml") == b"<rss>2</rss>"
    store.delete("feed.xml")
    assert not store.exists("feed.xml")
    store.delete("feed.xml")  # idempotent: a retried task may delete twice


def test_missing_object_is_a_clear_error(store: Store) -> None:
    for read in (store.get_bytes, store.size):
        with pytest.raises(ObjectMissingError, match=r"episodes/1\.mp3: no such object"):
            read("episodes/1.mp3")


def test_list_by_prefix_in_site_layout(store: Store) -> None:
    for key in ("feed.xml", "index.html", "episodes/1.mp3", "episodes/2.mp3", "feeds/ea.xml"):
        store.put_bytes(key, key.encode())
    assert store.list() == [
        "episodes/1.mp3",
        "episodes/2.mp3",
        "feed.xml",
        "feeds/ea.xml",
        "index.html",
    ]
    assert store.list("episodes/") == ["episodes/1.mp3", "episodes/2.mp3"]
    assert store.list("feed") == ["feed.xml", "feeds/ea.xml"]
    assert store.list("episodes/2") == ["episodes/2.mp3"]
    assert store.list("nothing/") == []


def test_put_file_and_stream_large_object(store: Store, tmp_path: Path) -> None:
    # Past the multipart threshold on S3: uploaded in parts, streamed back in chunks.
    data = bytes(range(256)) * (PART_BYTES * 2 // 256 + 1000)
    source = tmp_path / "episode.mp3"
    source.write_bytes(data)
    store.put_file("episodes/big.mp3", source)
    assert store.size("episodes/big.mp3") == len(data)
    chunks = list(store.stream("episodes/big.mp3", chunk_bytes=1024 * 1024))
    assert len(chunks) > 1 and all(len(chunk) <= 1024 * 1024 for chunk in chunks)
    assert b"".join(chunks) == data


@pytest.mark.parametrize("size", [1000, 2 * PART_BYTES + 17], ids=["single-put", "multipart"])
def test_failure_mid_write_keeps_old_object_and_no_temporary(store: Store, size: int) -> None:
    store.put_bytes("feed.xml", b"old feed")
    with pytest.raises(OSError, match="disk read failed"):
        store.put_stream("feed.xml", FailingReader(b"n" * size, fail_after=size - 10))
    assert store.get_bytes("feed.xml") == b"old feed"
    assert store.list() == ["feed.xml"]
    assert visible_leftovers(store) == []


def test_reader_never_sees_half_a_feed(store: Store) -> None:
    versions = [b"a" * 300_000, b"b" * 200_000]
    store.put_bytes("feed.xml", versions[0])
    seen: list[bytes] = []
    stop = threading.Event()

    def read_until_stopped() -> None:
        while not stop.is_set():
            seen.append(store.get_bytes("feed.xml"))

    reader = threading.Thread(target=read_until_stopped)
    reader.start()
    try:
        for round_number in range(20):
            store.put_bytes("feed.xml", versions[round_number % 2])
    finally:
        stop.set()
        reader.join()
    assert seen and all(body in versions for body in seen)


def test_url_for_is_under_base_url(store: Store) -> None:
    assert (
        store.url_for("episodes/a b.mp3", "https://cdn.example.org/show/")
        == "https://cdn.example.org/show/episodes/a%20b.mp3"
    )


BAD_KEYS = [
    ("", "non-empty"),
    ("/feed.xml", "relative"),
    ("../feed.xml", "'..'"),
    ("episodes/../../etc/passwd", "'..'"),
    ("./feed.xml", "'.'"),
    ("episodes/.feed.xml.tmp", "hidden"),
    (".cache/x.wav", "hidden"),
    ("episodes\\1.mp3", "backslash"),
    ("episodes//1.mp3", "empty path components"),
    ("episodes/", "empty path components"),
    ("feed\n.xml", "control characters"),
    ("x" * 1025, "longer than 1024 bytes"),
]


@pytest.mark.parametrize(("key", "problem"), BAD_KEYS)
def test_bad_keys_are_refused_by_name(store: Store, key: str, problem: str) -> None:
    operations = [
        lambda: store.put_bytes(key, b"x"),
        lambda: store.get_bytes(key),
        lambda: store.exists(key),
        lambda: store.size(key),
        lambda: store.delete(key),
        lambda: store.url_for(key, "https://example.org"),
    ]
    for operation in operations:
        with pytest.raises(InputError, match=problem) as caught:
            operation()
        assert repr(key) in str(caught.value)
    assert store.list() == []


def test_media_key_is_written_once(store: Store, tmp_path: Path) -> None:
    audio = tmp_path / "take1.mp3"
    audio.write_bytes(b"ID3 first take")
    assert store.publish_file("episodes/1.mp3", audio) is True
    # The same audio again (a redelivered task) is a harmless no-op.
    assert store.publish_file("episodes/1.mp3", audio) is False
    assert store.publish_bytes("episodes/1.mp3", b"ID3 first take") is False
    # Different audio under a published key is refused; the published file stays.
    with pytest.raises(PublishError, match=r"1\.mp3: already published with different audio"):
        store.publish_bytes("episodes/1.mp3", b"ID3 other take")
    same_length = tmp_path / "take2.mp3"
    same_length.write_bytes(b"ID3 other tak!")
    with pytest.raises(PublishError, match="never reused"):
        store.publish_file("episodes/1.mp3", same_length)
    assert store.get_bytes("episodes/1.mp3") == b"ID3 first take"


def test_feeds_and_pages_are_replaced(store: Store) -> None:
    for key in ("feed.xml", "index.html", "episodes/1.json"):
        assert store.publish_bytes(key, b"first") is True
        assert store.publish_bytes(key, b"second") is True
        assert store.get_bytes(key) == b"second"


def test_missing_source_file_is_named(store: Store, tmp_path: Path) -> None:
    missing = tmp_path / "never-rendered.mp3"
    with pytest.raises(InputError, match=r"never-rendered\.mp3: cannot read the file to store"):
        store.put_file("episodes/1.mp3", missing)
    with pytest.raises(InputError, match=r"never-rendered\.mp3: cannot read"):
        store.publish_file("episodes/1.mp3", missing)
    assert store.list() == []


def test_holds_tells_an_identical_object_from_any_other(store: Store, tmp_path: Path) -> None:
    assert not store.holds("index.html", b"<p>hi</p>")
    store.put_bytes("index.html", b"<p>hi</p>")
    assert store.holds("index.html", b"<p>hi</p>")
    assert not store.holds("index.html", b"<p>ho</p>")  # same length, other bytes
    assert not store.holds("index.html", b"<p>hi</p>\n")
    audio = tmp_path / "long.mp3"
    audio.write_bytes(b"\xff\xfb" * (PART_BYTES // 2 + 1))  # a multipart object on S3
    store.put_file("episodes/long.mp3", audio)
    assert store.holds("episodes/long.mp3", audio.read_bytes())
    assert not store.holds("episodes/long.mp3", audio.read_bytes()[:-1] + b"\x00")


def test_modified_at_is_when_the_object_was_written(store: Store) -> None:
    before = time.time()
    store.put_bytes("episodes/1.vtt", b"WEBVTT\n")
    # S3 keeps whole seconds; either clock may be a little ahead of the other
    assert before - 2 <= store.modified_at("episodes/1.vtt") <= time.time() + 2
    with pytest.raises(ObjectMissingError):
        store.modified_at("episodes/2.vtt")
