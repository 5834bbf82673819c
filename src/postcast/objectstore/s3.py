"""S3Store: any S3-compatible object store, `s3://bucket/prefix`.

The client is boto3, chosen over obstore because: it reads the standard variables
(`AWS_ENDPOINT_URL`, `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_DEFAULT_REGION`)
itself; its "standard" retry mode retries 500, 503 and SlowDown with jittered exponential
backoff, so no retry loop is written here; its transfer manager streams big files as a
multipart upload (aborted on failure); and the test server, moto, depends on it anyway.

Under the prefix the layout is the site folder's: `prefix/feed.xml` is the main feed.
A single PUT, and a multipart upload (visible only once completed), are atomic in S3.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, BinaryIO
from urllib.parse import urlsplit

import boto3
from boto3.exceptions import Boto3Error
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from postcast.errors import InputError, ObjectMissingError, PublishError
from postcast.leftovers import STALE_AFTER_SECONDS
from postcast.objectstore.base import CHUNK_BYTES, Store
from postcast.objectstore.headers import cache_control_for, content_type_for
from postcast.objectstore.keys import BUCKET_NAME, validate_key, validate_prefix

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_s3.type_defs import HeadObjectOutputTypeDef

# S3's advice for SlowDown is to back off and retry; 5 attempts in all (the first and 4
# retries, botocore's jittered backoff of up to 1, 2, 4, 8 s) ride out a short outage.
DEFAULT_MAX_ATTEMPTS = 5
# s3transfer's own default: files above this go up as a multipart upload in parts this big.
DEFAULT_MULTIPART_BYTES = 8 * 1024 * 1024
_MISSING_CODES = frozenset({"404", "NoSuchKey", "NotFound"})


class S3Store(Store):
    """Objects are `bucket/prefix/key`; headers are stored on each object."""

    scheme = "s3"

    def __init__(
        self,
        bucket: str,
        prefix: str = "",
        *,
        max_attempts: int = DEFAULT_MAX_ATTEMPTS,
        multipart_bytes: int = DEFAULT_MULTIPART_BYTES,
    ) -> None:
        self.bucket = bucket
        self.prefix = validate_prefix(prefix.strip("/")).rstrip("/")
        # Endpoint, credentials and region come from the standard AWS variables.
        self.client: S3Client = boto3.session.Session().client(
            "s3", config=Config(retries={"mode": "standard", "total_max_attempts": max_attempts})
        )
        self.transfer = TransferConfig(
            multipart_threshold=multipart_bytes, multipart_chunksize=multipart_bytes
        )

    @classmethod
    def from_url(cls, url: str) -> S3Store:
        parts = urlsplit(url)
        if parts.scheme != "s3" or parts.query or parts.fragment:
            raise InputError(url, "expected s3://bucket or s3://bucket/prefix")
        if not BUCKET_NAME.fullmatch(parts.netloc):
            raise InputError(url, f"{parts.netloc!r} is not a valid S3 bucket name")
        return cls(parts.netloc, parts.path)

    def location(self, key: str = "") -> str:
        return f"s3://{self.bucket}/{self._object_key(key)}" if key else self._root_url()

    def _root_url(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}" if self.prefix else f"s3://{self.bucket}"

    def _object_key(self, key: str) -> str:
        validate_key(key)
        return f"{self.prefix}/{key}" if self.prefix else key

    def _failure(self, key: str, error: Exception) -> PublishError:
        return PublishError(f"{self.location(key)}: {_describe(error)}")

    def _headers(
        self, key: str, content_type: str | None, cache_control: str | None
    ) -> dict[str, str]:
        return {
            "ContentType": content_type or content_type_for(key),
            "CacheControl": cache_control or cache_control_for(key),
        }

    def put_stream(
        self,
        key: str,
        source: BinaryIO,
        content_type: str | None = None,
        cache_control: str | None = None,
    ) -> None:
        object_key = self._object_key(key)
        try:
            self.client.upload_fileobj(
                source,
                self.bucket,
                object_key,
                ExtraArgs=self._headers(key, content_type, cache_control),
                Config=self.transfer,
            )
        except (BotoCoreError, ClientError, Boto3Error) as error:
            raise self._failure(key, error) from error

    def stream(self, key: str, chunk_bytes: int = CHUNK_BYTES) -> Iterator[bytes]:
        try:
            body = self.client.get_object(Bucket=self.bucket, Key=self._object_key(key))["Body"]
        except (BotoCoreError, ClientError) as error:
            raise self._missing_or_failure(key, error) from error
        return self._chunks(key, body.iter_chunks(chunk_bytes), body.close)

    def _chunks(
        self, key: str, chunks: Iterator[bytes], close: Callable[[], None]
    ) -> Iterator[bytes]:
        try:
            yield from chunks
        except BotoCoreError as error:  # the connection broke mid-object
            raise self._failure(key, error) from error
        finally:
            close()

    def _head(self, key: str) -> HeadObjectOutputTypeDef | None:
        try:
            return self.client.head_object(Bucket=self.bucket, Key=self._object_key(key))
        except (BotoCoreError, ClientError) as error:
            if _is_missing(error):
                return None
            raise self._failure(key, error) from error

    def _existing_head(self, key: str) -> HeadObjectOutputTypeDef:
        head = self._head(key)
        if head is None:
            raise ObjectMissingError(self.location(key))
        return head

    def exists(self, key: str) -> bool:
        return self._head(key) is not None

    def size(self, key: str) -> int:
        return self._existing_head(key)["ContentLength"]

    def modified_at(self, key: str) -> float:
        return self._existing_head(key)["LastModified"].timestamp()

    def holds(self, key: str, data: bytes) -> bool:
        head = self._head(key)
        if head is None or head["ContentLength"] != len(data):
            return False
        # A single PUT's ETag is the MD5 of the body (a multipart one has a "-N" tail and
        # is read back instead), so an unchanged page costs one HEAD, not a download.
        etag = head.get("ETag", "").strip('"')
        if "-" in etag or not etag:
            return self.get_bytes(key) == data
        return etag == hashlib.md5(data, usedforsecurity=False).hexdigest()

    def delete(self, key: str) -> None:
        try:
            self.client.delete_object(Bucket=self.bucket, Key=self._object_key(key))
        except (BotoCoreError, ClientError) as error:
            raise self._failure(key, error) from error

    def list(self, prefix: str = "") -> list[str]:
        validate_prefix(prefix)
        root = f"{self.prefix}/" if self.prefix else ""
        keys: list[str] = []
        try:
            pages = self.client.get_paginator("list_objects_v2").paginate(
                Bucket=self.bucket, Prefix=root + prefix
            )
            for page in pages:
                keys.extend(item["Key"].removeprefix(root) for item in page.get("Contents", []))
        except (BotoCoreError, ClientError) as error:
            raise PublishError(f"{self._root_url()}: {_describe(error)}") from error
        return sorted(keys)

    def remove_stale_temporaries(self, older_than: float = STALE_AFTER_SECONDS) -> int:
        # Unfinished multipart uploads are never visible as objects, but their parts are
        # stored (and billed) until aborted; a bucket lifecycle rule is the other way.
        cutoff = datetime.now(UTC) - timedelta(seconds=older_than)
        root = f"{self.prefix}/" if self.prefix else ""
        aborted = 0
        try:
            pages = self.client.get_paginator("list_multipart_uploads").paginate(
                Bucket=self.bucket, Prefix=root
            )
            for page in pages:
                for upload in page.get("Uploads", []):
                    if upload["Initiated"] < cutoff:
                        self.client.abort_multipart_upload(
                            Bucket=self.bucket, Key=upload["Key"], UploadId=upload["UploadId"]
                        )
                        aborted += 1
        except (BotoCoreError, ClientError) as error:
            raise PublishError(f"{self._root_url()}: {_describe(error)}") from error
        return aborted

    def _missing_or_failure(self, key: str, error: Exception) -> Exception:
        if _is_missing(error):
            return ObjectMissingError(self.location(key))
        return self._failure(key, error)


def _is_missing(error: Exception) -> bool:
    if not isinstance(error, ClientError):
        return False
    return error.response.get("Error", {}).get("Code", "") in _MISSING_CODES


def _describe(error: Exception) -> str:
    """One line: the S3 error code and message, or botocore's own description."""
    if isinstance(error, ClientError):
        details = error.response.get("Error", {})
        code, message = details.get("Code", "error"), details.get("Message", "")
        return f"{code}: {message}" if message else code
    return str(error)
