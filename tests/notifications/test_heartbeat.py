"""The workers' heartbeat: the beat task writes the time it ran into the broker's real Redis."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import redis
import time_machine
from celery.signals import worker_ready
from django.test import override_settings

from notifications import heartbeat
from notifications.tasks import worker_heartbeat_task
from testsupport.processes import RedisServer

NOW = datetime(2026, 11, 25, 6, 30, 15, tzinfo=UTC)


@pytest.fixture(scope="module")
def redis_server() -> Iterator[RedisServer]:
    with RedisServer() as server:
        yield server


@pytest.fixture
def broker(redis_server: RedisServer) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(redis_server.url)
    client.flushdb()
    with override_settings(CELERY_BROKER_URL=redis_server.url):
        yield client
    client.close()


def test_the_task_writes_the_time_it_ran(broker):
    assert heartbeat.worker_heartbeat_get() is None
    with time_machine.travel(NOW, tick=False):
        worker_heartbeat_task.apply().get()
    assert float(broker.get(heartbeat.KEY)) == NOW.timestamp()
    assert heartbeat.worker_heartbeat_get() == NOW
    # Kept a day, so a long-dead worker reads as "no heartbeat" rather than a stale one.
    assert 0 < broker.ttl(heartbeat.KEY) <= heartbeat.KEEP_S


def test_a_later_run_replaces_the_time(broker):
    with time_machine.travel(NOW, tick=False):
        worker_heartbeat_task.apply().get()
    with time_machine.travel(NOW + timedelta(minutes=1), tick=False):
        worker_heartbeat_task.apply().get()
    assert heartbeat.worker_heartbeat_get() == NOW + timedelta(minutes=1)


def test_a_worker_writes_it_as_it_starts(broker):
    with time_machine.travel(NOW, tick=False):
        worker_ready.send(sender=None)
    assert heartbeat.worker_heartbeat_get() == NOW


def test_the_message_expires_unless_taken_within_a_minute():
    assert worker_heartbeat_task.expires == 60


def test_reading_an_unreachable_redis_raises_quickly(redis_server):
    closed = RedisServer()  # a free port that nothing listens on
    with (
        override_settings(CELERY_BROKER_URL=closed.url),
        pytest.raises(redis.ConnectionError),
    ):
        heartbeat.worker_heartbeat_get()
