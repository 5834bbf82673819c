"""A library published into S3 (moto): `[service] storage = "s3://bucket/prefix"`.

Real parts throughout (espeak-ng voice, LAME, SQLite, boto3 over HTTP); only the S3
service is moto, and its faults come from a proxy in front of it.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import podcastparser
import pytest
import soundfile
from lxml import etree
from mypy_boto3_s3 import S3Client
from objectstore_samples import S3_PREFIX
from s3_fault_proxy import faulty_proxy

from postcast import pipeline
from postcast.config import Config, LibraryConfig, ServiceConfig, SourceConfig, SpeechConfig
from postcast.errors import PublishError
from postcast.objectstore import cache_control_for, content_type_for
from postcast.objectstore.local import LocalStore
from postcast.service.jobs.sending import send_fetch
from postcast.speech.espeak_engine import EspeakEngine
from postcast.storage import open_library
from tests.conftest import _unavailable

BASE_URL = "https://cdn.example.net/pod/"  # a CDN in front of the bucket's prefix
PODCAST = "https://podcastindex.org/namespace/1.0"
POSTS = {
    "harbour": "Boats came in at dawn, and the gulls followed them home.",
    "lighthouse": "The keeper wrote one line a day in a book by the lamp.",
}


@pytest.fixture(autouse=True)
def _needs_espeak() -> None:
    if shutil.which("espeak-ng") is None:
        _unavailable("espeak-ng is not installed (apt-get install espeak-ng)")


def _write_post(folder: Path, name: str, body: str) -> Path:
    """A post long enough to be eligible (250 characters): `body` said a few times."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.md"
    text = " ".join([body] * (300 // len(body) + 1))
    path.write_text(f"---\ntitle: {name.title()}\nauthor: Ada\ndate: 2025-03-01\n---\n\n{text}\n")
    return path


def _config(root: Path, storage: str, worker: str = "worker-1", **library: Any) -> Config:
    """A worker's configuration: its own working folder, database and cache folder."""
    return Config(
        library=LibraryConfig(
            base_url=BASE_URL,
            site_dir=str(root / worker / "work"),
            database=f"sqlite:///{root / worker / 'library.sqlite3'}",
            **library,
        ),
        sources=[SourceConfig(name="drafts", kind="local", path=str(root / "posts"))],
        speech=SpeechConfig(engine="espeak", cache_dir=str(root / worker / "cache")),
        service=ServiceConfig(storage=storage),
        base_dir=root,
    )


def _objects(client: S3Client, bucket: str) -> dict[str, int]:
    """Every object under the prefix (key relative to it) and its size."""
    found: dict[str, int] = {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for item in page.get("Contents", []):
            found[item["Key"].removeprefix(f"{S3_PREFIX}/")] = item["Size"]
    return found


def _get(client: S3Client, bucket: str, key: str) -> bytes:
    return client.get_object(Bucket=bucket, Key=f"{S3_PREFIX}/{key}")["Body"].read()


def _key_of(url: str) -> str:
    assert url.startswith(BASE_URL), url
    return url.removeprefix(BASE_URL)


def _enclosures(client: S3Client, bucket: str) -> dict[str, str]:
    """GUID -> enclosure key of the main feed as the bucket serves it."""
    feed = io.BytesIO(_get(client, bucket, "feed.xml"))
    parsed = podcastparser.parse(BASE_URL + "feed.xml", feed)
    return {e["guid"]: _key_of(e["enclosures"][0]["url"]) for e in parsed["episodes"]}


def _assert_published_site(client: S3Client, bucket: str, posts: int = len(POSTS)) -> None:
    objects = _objects(client, bucket)
    feed = _get(client, bucket, "feed.xml")
    parsed = podcastparser.parse(BASE_URL + "feed.xml", io.BytesIO(feed))
    titles = {f"{name.title()} by Ada" for name in sorted(POSTS)[-posts:]}
    assert {e["title"] for e in parsed["episodes"]} == titles
    for episode in parsed["episodes"]:
        (enclosure,) = episode["enclosures"]
        key = _key_of(enclosure["url"])
        assert enclosure["file_size"] == objects[key]
        samples, rate = soundfile.read(io.BytesIO(_get(client, bucket, key)))
        assert rate == 44100 and abs(len(samples) / rate - episode["total_time"]) <= 1
    # Every URL a feed names (art, transcripts, chapters, itself) is an object under base_url.
    for feed_key in [key for key in objects if key.endswith(".xml")]:
        tree = etree.fromstring(_get(client, bucket, feed_key))
        urls = [tree.findtext("channel/image/url")]
        urls += [e.get("url") for e in tree.iter("enclosure", f"{{{PODCAST}}}transcript")]
        urls += [e.get("url") for e in tree.iter(f"{{{PODCAST}}}chapters")]
        assert all(_key_of(url) in objects for url in urls), feed_key
    assert {"index.html", "assets/style.css", "art/main.jpg"} <= objects.keys()
    for key in objects:
        head = client.head_object(Bucket=bucket, Key=f"{S3_PREFIX}/{key}")
        assert head["ContentType"] == content_type_for(key), key
        assert head["CacheControl"] == cache_control_for(key), key
        assert not any(part.startswith(".") for part in key.split("/")), key  # no temporary
    assert client.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []


def test_run_once_publishes_the_whole_site_into_the_bucket(
    tmp_path: Path, bucket: str, s3_client: S3Client
) -> None:
    for name, body in POSTS.items():
        _write_post(tmp_path / "posts", name, body)
    config = tmp_path / "postcast.toml"
    config.write_text(
        f'[library]\nbase_url = "{BASE_URL}"\nsite_dir = "work"\n'
        'database = "sqlite:///library.sqlite3"\n'
        '[[sources]]\nname = "drafts"\nkind = "local"\npath = "posts"\n'
        '[speech]\nengine = "espeak"\ncache_dir = "cache"\n'
        f'[service]\nstorage = "s3://{bucket}/{S3_PREFIX}"\n'
    )
    command = [sys.executable, "-m", "postcast", "run", "--once", "--config", str(config)]
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run(command, capture_output=True, text=True, env=environment, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "2 rendered" in done.stderr + done.stdout
    _assert_published_site(s3_client, bucket)
    objects = _objects(s3_client, bucket)
    assert any(key.startswith("cache/speech/") for key in objects)  # shared with workers
    assert any(key.startswith("cache/mastered/") for key in objects)
    # The working folder kept no rendered file: the bucket holds them.
    work = tmp_path / "work"
    assert not [p for p in work.rglob("*") if p.is_file() and not p.name.startswith(".")]


def _counting_synthesis(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    lock = threading.Lock()
    real = EspeakEngine.synthesize

    def counting(self: EspeakEngine, text: str, voice: str | None = None) -> np.ndarray:
        with lock:
            calls.append(text)
        return real(self, text, voice)

    monkeypatch.setattr(EspeakEngine, "synthesize", counting)
    return calls


def test_a_second_worker_with_an_empty_cache_synthesises_nothing(
    tmp_path: Path, bucket: str, s3_client: S3Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, body in POSTS.items():
        _write_post(tmp_path / "posts", name, body)
    storage = f"s3://{bucket}/{S3_PREFIX}"
    calls = _counting_synthesis(monkeypatch)
    first = pipeline.run_pass(_config(tmp_path, storage, "worker-1"))
    assert len(first.rendered) == 2 and calls
    published = {key: _get(s3_client, bucket, key) for key in _objects(s3_client, bucket)}

    calls.clear()
    second = pipeline.run_pass(_config(tmp_path, storage, "worker-2"))  # nothing local
    assert len(second.rendered) == 2 and not second.failed, second.summary()
    assert calls == []  # every sentence and segment came from the store
    for key, data in published.items():
        if key.endswith(".mp3"):  # the same audio under the same write-once key
            assert _get(s3_client, bucket, key) == data
    _assert_published_site(s3_client, bucket)


def test_server_errors_from_s3_are_retried_through_a_whole_pass(
    tmp_path: Path, bucket: str, s3_client: S3Client, aws_env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, body in POSTS.items():
        _write_post(tmp_path / "posts", name, body)

    tries: Counter[tuple[str, str]] = Counter()

    def twice_each(method: str, path: str) -> bool:
        """Audio uploads, the feed's check and its upload: the first two tries of each
        fail (botocore gives up after five)."""
        picked = (method == "PUT" and path.endswith(".mp3")) or path.endswith("/feed.xml")
        tries[(method, path)] += picked
        return picked and tries[(method, path)] <= 2

    faults = [503, 500] * 4
    with faulty_proxy(aws_env, faults, twice_each) as proxy:
        monkeypatch.setenv("AWS_ENDPOINT_URL", proxy.url)
        report = pipeline.run_pass(_config(tmp_path, f"s3://{bucket}/{S3_PREFIX}"))
    assert len(report.rendered) == 2 and not report.failed, report.summary()
    assert [status for _, _, status in proxy.faulted] == faults  # every fault was met
    faulted = {(method, path.rpartition(".")[2]) for method, path, _ in proxy.faulted}
    assert faulted == {("PUT", "mp3"), ("HEAD", "xml"), ("PUT", "xml")}
    _assert_published_site(s3_client, bucket)


def test_superseded_audio_leaves_the_bucket_after_its_grace_period(
    tmp_path: Path, bucket: str, s3_client: S3Client
) -> None:
    post = _write_post(tmp_path / "posts", "lighthouse", POSTS["lighthouse"])
    storage = f"s3://{bucket}/{S3_PREFIX}"
    pipeline.run_pass(_config(tmp_path, storage))
    (old,) = _enclosures(s3_client, bucket).values()
    orphan = "episodes/killed-pass-1a2b3c4d.mp3"  # uploaded by a pass killed before recording
    s3_client.put_object(Bucket=bucket, Key=f"{S3_PREFIX}/{orphan}", Body=b"ID3")

    _write_post(tmp_path / "posts", "lighthouse", "The keeper wrote two lines a day, by lamp.")
    os.utime(post, (time.time() + 5, time.time() + 5))  # a new mtime, as an editor makes
    time.sleep(1.1)  # S3 times have whole seconds: the orphan is older than the next pass
    report = pipeline.run_pass(_config(tmp_path, storage, superseded_grace_hours=0.0))
    assert len(report.rendered) == 1 and not report.failed, report.summary()
    (new,) = _enclosures(s3_client, bucket).values()
    objects = _objects(s3_client, bucket)
    assert new != old and new in objects
    stem = old.removesuffix(".mp3")
    assert not [key for key in objects if key.startswith(stem) or key == orphan]
    # the old audio, its two transcripts, chapters and page, and the orphan
    assert report.removed_files == 6
    _assert_published_site(s3_client, bucket, posts=1)


def test_the_bucket_holds_what_the_site_folder_holds_byte_for_byte(
    tmp_path: Path, bucket: str, s3_client: S3Client
) -> None:
    for name, body in POSTS.items():
        _write_post(tmp_path / "posts", name, body)
    now = datetime(2025, 3, 2, 12, 0, tzinfo=UTC)
    folder = _config(tmp_path, "", "local")  # the default: [library] site_dir
    pipeline.run_pass(folder, now=now)
    pipeline.run_pass(_config(tmp_path, f"s3://{bucket}/{S3_PREFIX}", "s3"), now=now)
    site = LocalStore(Path(folder.library.site_dir))
    published = {key for key in _objects(s3_client, bucket) if not key.startswith("cache/")}
    assert published == set(site.list())
    for key in published:
        assert _get(s3_client, bucket, key) == site.get_bytes(key), key


def test_a_pass_with_nothing_new_rewrites_nothing_in_the_bucket(
    tmp_path: Path, bucket: str, aws_env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write_post(tmp_path / "posts", "harbour", POSTS["harbour"])
    config = _config(tmp_path, f"s3://{bucket}/{S3_PREFIX}")
    pipeline.run_pass(config)
    with faulty_proxy(aws_env, []) as proxy:  # no faults: it only counts the requests
        monkeypatch.setenv("AWS_ENDPOINT_URL", proxy.url)
        report = pipeline.run_pass(config)
    assert report.feeds == ["main"] and not report.rendered
    methods = Counter(method for method, _ in proxy.answered)
    assert methods["HEAD"] > 0 and methods["PUT"] == 0 and methods["DELETE"] == 0, methods


def test_a_feed_the_bucket_refuses_fails_the_pass_and_the_old_feed_stays(
    tmp_path: Path, bucket: str, s3_client: S3Client, aws_env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write_post(tmp_path / "posts", "harbour", POSTS["harbour"])
    config = _config(tmp_path, f"s3://{bucket}/{S3_PREFIX}")
    pipeline.run_pass(config)
    before = _get(s3_client, bucket, "feed.xml")
    _write_post(tmp_path / "posts", "lighthouse", POSTS["lighthouse"])

    def feed_upload(method: str, path: str) -> bool:
        return method == "PUT" and path.endswith("/feed.xml")

    with faulty_proxy(aws_env, [503] * 5, feed_upload) as proxy:  # every try botocore makes
        monkeypatch.setenv("AWS_ENDPOINT_URL", proxy.url)
        with pytest.raises(PublishError, match=r"/shows/main/feed\.xml: SlowDown") as caught:
            pipeline.run_pass(config)
    assert caught.value.exit_code == 5
    assert _get(s3_client, bucket, "feed.xml") == before
    assert len(_enclosures(s3_client, bucket)) == 1


@pytest.mark.postgres
def test_a_celery_worker_publishes_into_s3_through_an_outage(
    tmp_path: Path,
    bucket: str,
    s3_client: S3Client,
    aws_env: str,
    postgres_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The service as deployed for a popular feed: a Celery worker, PostgreSQL, the
    site in S3, which fails with 503 and 500: the first two tries of the audio upload (the
    client's retries ride them out) and the first ten of the feed (every try the client
    makes, twice over: the publish task must try again later, with backoff). The episode
    is published once, complete, and nothing temporary is left."""
    from tests.service.jobs.support import inprocess_worker, own_redis_database, wait_until

    _write_post(tmp_path / "posts", "lighthouse", POSTS["lighthouse"])
    tries: Counter[tuple[str, str]] = Counter()

    def outage(method: str, path: str) -> bool:
        limit = 2 if path.endswith(".mp3") else 10 if path.endswith("/feed.xml") else 0
        picked = method == "PUT" and limit > 0
        tries[(method, path)] += picked
        return picked and tries[(method, path)] <= limit

    faults = [503, 500] * 6
    with own_redis_database() as broker, faulty_proxy(aws_env, faults, outage) as proxy:
        assert broker is not None, "no free Redis database among 1..15"
        monkeypatch.setenv("AWS_ENDPOINT_URL", proxy.url)
        service = ServiceConfig(
            broker_url=broker,
            storage=f"s3://{bucket}/{S3_PREFIX}",
            publish_delay_seconds=0.5,
            retry_backoff_seconds=0.2,
            visibility_timeout=30.0,
        )
        library = replace(_config(tmp_path, "").library, database=postgres_url)
        config = replace(_config(tmp_path, ""), library=library, service=service)
        with open_library(postgres_url) as records, inprocess_worker(config) as app:
            send_fetch(app, "drafts")
            wait_until(
                lambda: records.count_by_status() == {"published": 1},
                "every episode published",
                detail=records.count_by_status,
            )
    assert [status for _, _, status in proxy.faulted] == faults  # every fault was met
    _assert_published_site(s3_client, bucket, posts=1)
