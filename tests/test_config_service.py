"""`[service]`: absent means no broker (`postcast run` alone); present, its URLs and
storage are checked and carried."""

from __future__ import annotations

from pathlib import Path

import pytest

from postcast.config import Config, ServiceConfig, load_config
from postcast.errors import ConfigError


def _load(tmp_path: Path, text: str) -> Config:
    path = tmp_path / "postcast.toml"
    path.write_text(text)
    return load_config(path)


def test_without_a_service_section_there_is_no_broker(tmp_path: Path) -> None:
    assert _load(tmp_path, "interval_minutes = 5\n").service is None


def test_service_keys_are_read_and_storage_resolved(tmp_path: Path) -> None:
    config = _load(
        tmp_path,
        '[service]\nbroker_url = "amqp://guest:guest@127.0.0.1:5672//"\n'
        'result_backend = "redis://127.0.0.1:6379/2"\nstorage = "published"\n'
        "visibility_timeout = 7200.0\npublish_delay_seconds = 5.0\n",
    )
    assert config.service == ServiceConfig(
        broker_url="amqp://guest:guest@127.0.0.1:5672//",
        result_backend="redis://127.0.0.1:6379/2",
        storage=str(tmp_path / "published"),
        visibility_timeout=7200.0,
        publish_delay_seconds=5.0,
    )
    s3 = _load(tmp_path, '[service]\nstorage = "s3://pod-bucket/feeds"\n').service
    assert s3 is not None and s3.storage == "s3://pod-bucket/feeds"
    assert s3.broker_url == "redis://127.0.0.1:6379/0" and s3.result_backend == ""


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('broker_url = "http://127.0.0.1:6379"', '[service] broker_url: "http://127.0.0.1:6379"'),
        ('result_backend = "mongodb://x"', '[service] result_backend: "mongodb://x"'),
        ('storage = "ftp://host/dir"', '[service] storage: "ftp://host/dir" is not a folder'),
        ('storage = "s3://"', '[service] storage: "s3://" is not a folder'),
        ("visibility_timeout = 0", "[service] visibility_timeout: 0 must be more than 0"),
        ("publish_delay_seconds = -1.0", "[service] publish_delay_seconds: -1.0 is less than 0"),
        ('brokr_url = "redis://x"', "[service] unknown key(s): brokr_url"),
    ],
)
def test_wrong_service_keys_are_named(tmp_path: Path, line: str, message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        _load(tmp_path, f"[service]\n{line}\n")
    assert message in str(raised.value)
