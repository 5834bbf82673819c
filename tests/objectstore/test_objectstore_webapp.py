"""`postcast web` for a library published into S3: its search reads each episode's
transcript from the bucket (the working folder keeps none)."""

from __future__ import annotations

import io
from pathlib import Path

import webvtt
from fastapi.testclient import TestClient
from mypy_boto3_s3 import S3Client
from objectstore_samples import S3_PREFIX
from sqlalchemy import text
from test_objectstore_publishing import POSTS, _config, _get, _objects, _write_post

from postcast import pipeline
from postcast.service.webapp import create_web_app


def test_search_indexes_the_transcripts_in_the_bucket(
    tmp_path: Path, bucket: str, s3_client: S3Client, aws_env: str
) -> None:
    for name, body in POSTS.items():
        _write_post(tmp_path / "posts", name, body)
    config = _config(tmp_path, f"s3://{bucket}/{S3_PREFIX}")
    assert len(pipeline.run_pass(config).rendered) == len(POSTS)
    assert not list(Path(config.library.site_dir).rglob("*.vtt"))  # only in the bucket
    vtt_keys = [key for key in _objects(s3_client, bucket) if key.endswith(".vtt")]
    spoken = {
        " ".join(" ".join(c.text.split()) for c in webvtt.read_buffer(io.StringIO(vtt)).captions)
        for vtt in (_get(s3_client, bucket, key).decode() for key in vtt_keys)
    }
    assert len(spoken) == len(POSTS)
    with TestClient(create_web_app(config)) as client:
        engine = client.app.state.web.engine  # type: ignore[attr-defined]
        with engine.connect() as connection:
            indexed = set(connection.scalars(text("SELECT transcript FROM episode_search")))
    assert indexed == spoken  # the words said, intro included: not the posts' text
