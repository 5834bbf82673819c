"""Fixtures for the storage backends: a site folder, and a real S3 API served by moto.

moto runs in server mode on 127.0.0.1 (a free port), and the stores reach it over HTTP
through boto3 exactly as they would reach AWS: nothing in the client is mocked.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import boto3
import pytest
from moto.server import ThreadedMotoServer
from mypy_boto3_s3 import S3Client
from objectstore_samples import PART_BYTES, S3_PREFIX

from postcast.objectstore import Store
from postcast.objectstore.local import LocalStore
from postcast.objectstore.s3 import S3Store


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, moto_endpoint: str) -> str:
    """The standard AWS variables pointing at moto; no profile or config file is read."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_MAX_ATTEMPTS", "AWS_RETRY_MODE"):
        monkeypatch.delenv(name, raising=False)
    return moto_endpoint


@pytest.fixture
def s3_client(aws_env: str) -> S3Client:
    """A plain client for looking behind the store (HEAD, raw listings)."""
    return boto3.session.Session().client("s3", endpoint_url=aws_env)


@pytest.fixture
def bucket(s3_client: S3Client) -> str:
    name = f"postcast-{uuid.uuid4().hex[:12]}"
    s3_client.create_bucket(Bucket=name)
    return name


@pytest.fixture
def make_s3_store(bucket: str) -> Callable[..., S3Store]:
    def make(**options: int) -> S3Store:
        return S3Store(bucket, S3_PREFIX, multipart_bytes=PART_BYTES, **options)

    return make


@pytest.fixture(params=["local", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Store:
    """Each backend in turn, so both pass the same tests."""
    if request.param == "local":
        return LocalStore(tmp_path / "site")
    make: Callable[..., S3Store] = request.getfixturevalue("make_s3_store")
    return make()
