"""Readiness checks: the database, Redis (the broker) and a recent worker heartbeat.

The checks are django-health-check's (its Database and Redis, and the heartbeat written as
one of its checks), run side by side, each within its own time budget; a failing check is
reported by name. The worker is not pinged from here: that would hold a web worker for the
ping's whole timeout whenever the workers are down. Beat has a worker write a heartbeat into
Redis every minute (notifications.heartbeat), and this reads how old it is.
"""

import asyncio
import dataclasses
import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import redis
import redis.asyncio
from django.conf import settings
from django.utils import timezone
from health_check.base import HealthCheck, HealthCheckResult
from health_check.checks import Database
from health_check.contrib.redis import Redis
from health_check.exceptions import ServiceUnavailable

from notifications.heartbeat import REDIS_TIMEOUT_S, worker_heartbeat_get

logger = logging.getLogger(__name__)


@dataclasses.dataclass
class DatabaseCheck(Database):
    """`SELECT 1`, answered publicly without the driver's message (it may name hosts)."""

    def run(self) -> None:
        try:
            super().run()
        except ServiceUnavailable as error:
            logger.warning("Health: the database check failed: %s", error.message)
            raise ServiceUnavailable("the database did not answer SELECT 1") from error


@dataclasses.dataclass
class WorkerHeartbeatCheck(HealthCheck):
    """A worker ran the heartbeat task within `max_age` (beat queues it every minute)."""

    max_age: timedelta = timedelta(seconds=180)

    def run(self) -> None:
        try:
            last = worker_heartbeat_get()
        except redis.RedisError as error:
            raise ServiceUnavailable("cannot read the heartbeat: Redis did not answer") from error
        if last is None:
            raise ServiceUnavailable("no heartbeat yet: are a Celery worker and beat running?")
        age = max((timezone.now() - last).total_seconds(), 0.0)
        if age > self.max_age.total_seconds():
            raise ServiceUnavailable(f"no heartbeat for {age:.0f} s")


def _checks() -> dict[str, HealthCheck]:
    # Made per request: the settings (the broker's URL, the age allowed) are read now.
    return {
        "database": DatabaseCheck(),
        "redis": Redis(
            client_factory=lambda: redis.asyncio.Redis.from_url(
                settings.CELERY_BROKER_URL,
                socket_connect_timeout=REDIS_TIMEOUT_S,
                socket_timeout=REDIS_TIMEOUT_S,
            )
        ),
        "worker": WorkerHeartbeatCheck(max_age=timedelta(seconds=settings.HEALTH_WORKER_MAX_AGE)),
    }


def health_run() -> dict[str, str | None]:
    """Each check's error message, or None when it passed."""
    checks = _checks()

    async def gather(executor: ThreadPoolExecutor) -> list[HealthCheckResult]:
        return await asyncio.gather(*(check.get_result(executor) for check in checks.values()))

    # The synchronous checks run in threads of this executor, and a check that outlives its
    # budget is left behind rather than waited for: a probe must answer in time.
    executor = ThreadPoolExecutor(max_workers=len(checks), thread_name_prefix="health")
    try:
        results = asyncio.run(gather(executor))
    finally:
        executor.shutdown(wait=False, cancel_futures=True)
    return {
        name: None if result.error is None else str(result.error)
        for name, result in zip(checks, results, strict=True)
    }
