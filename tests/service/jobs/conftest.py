"""Fixtures of the service's tests: a Redis database of the test's own (claimed among
the server's 16, flushed afterwards) and a fresh PostgreSQL database (tests/conftest)."""

from __future__ import annotations

import contextlib
import subprocess
import uuid
from collections.abc import Iterator

import pytest

from tests.conftest import _unavailable
from tests.service.jobs.support import REDIS_HOST, REDIS_PORT, own_redis_database


@pytest.fixture
def redis_url() -> Iterator[str]:
    """redis://127.0.0.1:6379/N for a database no one else uses now, emptied after."""
    try:
        import redis
    except ImportError:
        _unavailable("the redis client is not installed (pip install 'celery[redis]')")
    probe = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, socket_connect_timeout=3)
    try:
        probe.ping()
    except redis.RedisError as error:
        _unavailable(f"Redis at {REDIS_HOST}:{REDIS_PORT} is unreachable: {error}")
    finally:
        probe.close()
    with own_redis_database() as url:
        if url is None:
            pytest.fail("no free Redis database among 1..15")
        yield url


AMQP_URL = "amqp://guest:guest@127.0.0.1:5672//"


def _rabbitmqctl(*arguments: str) -> bool:
    try:
        done = subprocess.run(["rabbitmqctl", *arguments], capture_output=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


@contextlib.contextmanager
def _own_vhost() -> Iterator[str | None]:
    """A RabbitMQ virtual host of this test's own (its queues no other run can touch),
    deleted afterwards; None where rabbitmqctl cannot make one (a remote server, no
    rights): the shared one is used then."""
    name = f"postcast-test-{uuid.uuid4().hex[:12]}"
    if not _rabbitmqctl("add_vhost", name):
        yield None
        return
    try:
        if not _rabbitmqctl("set_permissions", "-p", name, "guest", ".*", ".*", ".*"):
            yield None
            return
        yield AMQP_URL[: -len("/")] + name
    finally:
        _rabbitmqctl("delete_vhost", name)


def _purge(url: str) -> None:
    from kombu import Connection

    from postcast.service.jobs.app import QUEUES

    with Connection(url, connect_timeout=3) as connection:
        for queue in QUEUES:
            channel = connection.channel()
            try:
                channel.queue_purge(queue)
            except connection.channel_errors:  # not declared yet
                pass
            finally:
                channel.close()


@pytest.fixture
def amqp_url() -> Iterator[str]:
    """The local RabbitMQ: a virtual host of the test's own where rabbitmqctl can make
    one (two test runs at once never share a queue), else the shared one with its
    service queues emptied before and after the test."""
    from kombu import Connection

    try:
        with Connection(AMQP_URL, connect_timeout=3) as connection:
            connection.connect()
    except OSError as error:
        _unavailable(f"RabbitMQ at {AMQP_URL} is unreachable: {error}")
    with _own_vhost() as url:
        if url is not None:
            yield url
            return
        _purge(AMQP_URL)
        yield AMQP_URL
        _purge(AMQP_URL)
