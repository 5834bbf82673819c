"""Fixtures of the service's tests: a Redis database of the test's own (claimed among
the server's 16, flushed afterwards) and a fresh PostgreSQL database (tests/conftest)."""

from __future__ import annotations

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


@pytest.fixture
def amqp_url() -> Iterator[str]:
    """The local RabbitMQ, its service queues emptied before and after the test."""
    from kombu import Connection

    from postcast.service.jobs.app import QUEUES

    def purge() -> None:
        with Connection(AMQP_URL, connect_timeout=3) as connection:
            for queue in QUEUES:
                channel = connection.channel()
                try:
                    channel.queue_purge(queue)
                except connection.channel_errors:  # not declared yet
                    pass
                finally:
                    channel.close()

    try:
        purge()
    except OSError as error:
        _unavailable(f"RabbitMQ at {AMQP_URL} is unreachable: {error}")
    yield AMQP_URL
    purge()
