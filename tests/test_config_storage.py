"""`[service] storage`: where everything is published, checked when the file is read."""

from __future__ import annotations

from pathlib import Path

import pytest

from postcast.config import load_config
from postcast.errors import ConfigError


def _load_storage(tmp_path: Path, storage: object) -> str:
    path = tmp_path / "postcast.toml"
    value = f'"{storage}"' if isinstance(storage, str) else str(storage)
    path.write_text(f"[service]\nstorage = {value}\n")
    return load_config(path).storage


def test_storage_defaults_to_the_site_folder(tmp_path: Path) -> None:
    path = tmp_path / "postcast.toml"
    path.write_text("[library]\ntitle = 'Show'\n")
    assert load_config(path).storage == ""
    assert _load_storage(tmp_path, "") == ""


@pytest.mark.parametrize(
    "storage", ["s3://podcast", "s3://podcast/", "s3://my.podcast-1/shows/main", "s3://abc/x/"]
)
def test_s3_bucket_and_prefix_are_accepted(tmp_path: Path, storage: str) -> None:
    assert _load_storage(tmp_path, storage) == storage


@pytest.mark.parametrize(
    "storage",
    [
        "file:///srv/site",
        "gs://bucket/prefix",
        "s3://",
        "s3://Upper-Case",
        "s3://ab",  # S3 bucket names are 3..63 characters
        "s3://bucket/../escape",
        "s3://bucket/.hidden/x",
        "s3://bucket/prefix?versionId=1",
    ],
)
def test_any_url_but_s3_is_refused_naming_the_key(tmp_path: Path, storage: str) -> None:
    with pytest.raises(ConfigError) as caught:
        _load_storage(tmp_path, storage)
    expected = f'[service] storage: "{storage}" is not a folder, s3://bucket or s3://bucket/prefix'
    assert expected in str(caught.value)


def test_storage_must_be_a_string_and_the_section_has_no_other_keys(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"\[service\] storage: 5 is not a string"):
        _load_storage(tmp_path, 5)
    path = tmp_path / "postcast.toml"
    path.write_text('[service]\nstorage_url = "s3://bucket"\n')
    with pytest.raises(ConfigError, match=r"\[service\] unknown key\(s\): storage_url"):
        load_config(path)
