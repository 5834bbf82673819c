"""S3Store specifics against moto in server mode: headers, layout, multipart, retries."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from mypy_boto3_s3 import S3Client
from objectstore_samples import PART_BYTES, S3_PREFIX
from s3_fault_proxy import faulty_proxy
from starlette.testclient import TestClient

from postcast.errors import InputError, PublishError
from postcast.objectstore import open_store
from postcast.objectstore.local import LocalStore
from postcast.objectstore.s3 import S3Store
from postcast.service.web import create_app

SITE_FILES = {
    "feed.xml": "application/rss+xml; charset=utf-8",
    "feeds/lesswrong.xml": "application/rss+xml; charset=utf-8",
    "index.html": "text/html; charset=utf-8",
    "episodes/1.json": "application/json",
    "episodes/1.mp3": "audio/mpeg",
    "episodes/1.vtt": "text/vtt; charset=utf-8",
    "episodes/1.srt": "application/x-subrip; charset=utf-8",
    "art/cover.jpg": "image/jpeg",
    "art/cover.png": "image/png",
    "style.css": "text/css; charset=utf-8",
}


def test_objects_carry_the_headers_postcast_serve_sends(
    make_s3_store: Callable[..., S3Store], s3_client: S3Client, tmp_path: Path
) -> None:
    s3 = make_s3_store()
    site = LocalStore(tmp_path / "site")
    for key in SITE_FILES:
        s3.put_bytes(key, b"x")
        site.put_bytes(key, b"x")
    served = TestClient(create_app(site.root))
    for key, content_type in SITE_FILES.items():
        head = s3_client.head_object(Bucket=s3.bucket, Key=f"{S3_PREFIX}/{key}")
        from_web = served.get(f"/{key}").headers
        assert head["ContentType"] == from_web["content-type"] == content_type, key
        assert head["CacheControl"] == from_web["cache-control"], key
        short = key.endswith((".xml", ".html", ".json"))
        assert head["CacheControl"] == ("public, max-age=300" if short else "public, max-age=86400")


def test_explicit_headers_override_the_table(
    make_s3_store: Callable[..., S3Store], s3_client: S3Client
) -> None:
    s3 = make_s3_store()
    s3.put_bytes("feed.xml", b"<rss/>", content_type="text/xml", cache_control="no-store")
    head = s3_client.head_object(Bucket=s3.bucket, Key=f"{S3_PREFIX}/feed.xml")
    assert (head["ContentType"], head["CacheControl"]) == ("text/xml", "no-store")


def test_layout_under_the_prefix_is_the_site_folder(
    aws_env: str, bucket: str, s3_client: S3Client
) -> None:
    store = open_store(f"s3://{bucket}/{S3_PREFIX}/")
    assert isinstance(store, S3Store)
    store.put_bytes("feed.xml", b"<rss/>")
    store.put_bytes("episodes/1.mp3", b"ID3")
    s3_client.put_object(Bucket=bucket, Key="elsewhere/feed.xml", Body=b"not ours")
    raw = s3_client.list_objects_v2(Bucket=bucket)["Contents"]
    assert sorted(item["Key"] for item in raw) == [
        "elsewhere/feed.xml",
        f"{S3_PREFIX}/episodes/1.mp3",
        f"{S3_PREFIX}/feed.xml",
    ]
    assert store.list() == ["episodes/1.mp3", "feed.xml"]
    assert store.location("feed.xml") == f"s3://{bucket}/{S3_PREFIX}/feed.xml"


def test_bucket_root_without_prefix(aws_env: str, bucket: str, s3_client: S3Client) -> None:
    store = open_store(f"s3://{bucket}")
    store.put_bytes("feed.xml", b"<rss/>")
    assert s3_client.get_object(Bucket=bucket, Key="feed.xml")["Body"].read() == b"<rss/>"
    assert store.list() == ["feed.xml"]


def test_large_file_goes_up_in_parts(
    make_s3_store: Callable[..., S3Store], s3_client: S3Client, tmp_path: Path
) -> None:
    audio = tmp_path / "long.mp3"
    audio.write_bytes(b"\xff\xfb" * (PART_BYTES + PART_BYTES // 4))  # 2.5 parts
    s3 = make_s3_store()
    s3.put_file("episodes/long.mp3", audio)
    head = s3_client.head_object(Bucket=s3.bucket, Key=f"{S3_PREFIX}/episodes/long.mp3")
    assert head["ETag"].strip('"').endswith("-3")  # a multipart object's ETag counts its parts
    assert head["ContentType"] == "audio/mpeg"
    assert s3.get_bytes("episodes/long.mp3") == audio.read_bytes()


@pytest.mark.parametrize("faults", [[503], [503, 500], [500, 503]], ids=str)
def test_server_errors_and_slowdown_are_retried(
    make_s3_store: Callable[..., S3Store],
    aws_env: str,
    monkeypatch: pytest.MonkeyPatch,
    faults: list[int],
) -> None:
    with faulty_proxy(aws_env, faults) as proxy:
        monkeypatch.setenv("AWS_ENDPOINT_URL", proxy.url)
        s3 = make_s3_store()
        s3.put_bytes("feed.xml", b"<rss/>")
        assert proxy.answered == [("PUT", status) for status in [*faults, 200]]
        assert s3.get_bytes("feed.xml") == b"<rss/>"


def test_retries_give_up_with_a_clear_error(
    make_s3_store: Callable[..., S3Store], aws_env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_s3_store().put_bytes("feed.xml", b"old")
    with faulty_proxy(aws_env, [503, 503, 503]) as proxy:
        monkeypatch.setenv("AWS_ENDPOINT_URL", proxy.url)
        s3 = make_s3_store(max_attempts=2)
        with pytest.raises(PublishError, match=r"/shows/main/feed\.xml: SlowDown"):
            s3.put_bytes("feed.xml", b"new")
        assert proxy.answered == [("PUT", 503), ("PUT", 503)]
        assert s3.get_bytes("feed.xml") == b"old"


def test_unreachable_endpoint_is_one_line_error(
    make_s3_store: Callable[..., S3Store], monkeypatch: pytest.MonkeyPatch, aws_env: str
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # discard port: refused
    s3 = make_s3_store(max_attempts=1)
    with pytest.raises(PublishError, match=r"^s3://.*/feed\.xml: Could not connect"):
        s3.exists("feed.xml")


def test_missing_bucket_is_reported(aws_env: str) -> None:
    store = open_store("s3://no-such-bucket-postcast/show")
    with pytest.raises(
        PublishError, match=r"s3://no-such-bucket-postcast/show/feed.xml: NoSuchBucket"
    ):
        store.put_bytes("feed.xml", b"<rss/>")


@pytest.mark.parametrize(
    "url",
    [
        "s3://",
        "s3:///prefix",
        "s3://bucket/show?x=1",
        "s3://bucket/../up",
        "s3://Bad_Bucket/show",
        "s3://user:secret@bucket/show",
    ],
)
def test_bad_s3_urls_are_refused(aws_env: str, url: str) -> None:
    with pytest.raises(InputError):
        open_store(url)


def test_sweep_aborts_unfinished_uploads_of_killed_writers(
    make_s3_store: Callable[..., S3Store], s3_client: S3Client
) -> None:
    s3 = make_s3_store()
    s3.put_bytes("feed.xml", b"<rss/>")
    # What a writer SIGKILLed mid-upload leaves: a multipart upload never completed.
    started = s3_client.create_multipart_upload(Bucket=s3.bucket, Key=f"{S3_PREFIX}/episodes/1.mp3")
    s3_client.upload_part(
        Bucket=s3.bucket,
        Key=f"{S3_PREFIX}/episodes/1.mp3",
        UploadId=started["UploadId"],
        PartNumber=1,
        Body=b"ID3 partial",
    )
    assert s3.list() == ["feed.xml"]  # never visible as an object
    # moto reports every upload as initiated in 2010, so only the sweep itself is tested
    # here; the age cut-off that spares live writers is tested on the folder store.
    assert s3.remove_stale_temporaries(older_than=0) == 1
    assert s3_client.list_multipart_uploads(Bucket=s3.bucket).get("Uploads", []) == []
    assert s3.list() == ["feed.xml"]
