"""Constants shared by the storage tests and their fixtures."""

from __future__ import annotations

# The smallest part S3 (and moto) accept, so multipart uploads are tested with small files.
PART_BYTES = 5 * 1024 * 1024
# Objects live under a prefix, as in `storage = "s3://bucket/shows/main"`.
S3_PREFIX = "shows/main"
