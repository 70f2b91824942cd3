"""The workers' heartbeat: proof, readable by any web process, that a Celery worker took a task
off the queue recently.

Beat queues `notifications.tasks.worker_heartbeat_task` every minute (beat_schedule.py); the
worker that runs it (and every worker as it starts) writes the time into the broker's Redis;
the readiness check (`/api/v1/health/`) reads how old that time is instead of pinging the
workers, so a health request never waits on them. The message expires unless taken within a
minute, so the heartbeat stays fresh only while beat runs and the queue is served promptly.
"""

from datetime import UTC, datetime

import redis
from django.conf import settings

KEY = "rehab-planner:worker-heartbeat"
# A heartbeat or a health check must not hang on an unreachable Redis.
REDIS_TIMEOUT_S = 2.0
# The key outlives any sensible HEALTH_WORKER_MAX_AGE, and then goes: a day without a worker
# reads as "no heartbeat", not as a heartbeat from last month.
KEEP_S = 24 * 3600


def _client() -> redis.Redis:
    # The broker's Redis: the one the workers serve, whatever REDIS_URL says.
    return redis.Redis.from_url(
        settings.CELERY_BROKER_URL,
        socket_connect_timeout=REDIS_TIMEOUT_S,
        socket_timeout=REDIS_TIMEOUT_S,
    )


def worker_heartbeat_record(*, now: datetime) -> None:
    """Write `now` as the time a worker last ran a task."""
    with _client() as client:
        client.set(KEY, repr(now.timestamp()), ex=KEEP_S)


def worker_heartbeat_get() -> datetime | None:
    """When a worker last wrote its heartbeat; None if none has in the last day.

    Raises redis.RedisError when Redis cannot be reached."""
    with _client() as client:
        raw = client.get(KEY)
    if raw is None:
        return None
    return datetime.fromtimestamp(float(raw), tz=UTC)
