"""Health: readiness (`/api/v1/health/`: the database, Redis and a recent worker heartbeat) and
liveness (`/api/v1/health/live/`: the process answers; also the floor of the API benchmark).

The checks are django-health-check's (its Database and Redis, and our heartbeat written as one
of its checks), run side by side, each within its own time budget; a failing check is
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
from drf_spectacular.utils import OpenApiResponse, extend_schema
from health_check.base import HealthCheck, HealthCheckResult
from health_check.checks import Database
from health_check.contrib.redis import Redis
from health_check.exceptions import ServiceUnavailable
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

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


class HealthApi(APIView):
    """Readiness: 200 when the database, Redis and a worker are all fine, else 503."""

    authentication_classes = []
    permission_classes = [AllowAny]

    class OutputSerializer(serializers.Serializer):
        status = serializers.CharField(help_text="`ok`")
        checks = serializers.DictField(
            child=serializers.CharField(),
            help_text="Each check (`database`, `redis`, `worker`) and `ok`.",
        )

    class UnavailableSerializer(serializers.Serializer):
        status = serializers.CharField(help_text="`unavailable`")
        failed = serializers.ListField(
            child=serializers.CharField(), help_text="The checks that failed."
        )
        checks = serializers.DictField(
            child=serializers.CharField(),
            help_text="Each check and `ok`, or why it failed "
            "(`worker`: `Unavailable: no heartbeat for 600 s`).",
        )

    @extend_schema(
        operation_id="health_retrieve",
        summary="Is the service ready: the database, Redis and a Celery worker?",
        description="For a load balancer's readiness probe. The worker counts as fine when it "
        "ran the heartbeat that beat queues every minute within `HEALTH_WORKER_MAX_AGE` "
        "seconds. Answers within a few seconds even when a dependency hangs.",
        auth=[],
        responses={
            200: OutputSerializer,
            503: OpenApiResponse(UnavailableSerializer, "At least one check failed."),
        },
    )
    def get(self, request: Request) -> Response:
        errors = health_run()
        checks = {name: error or "ok" for name, error in errors.items()}
        failed = [name for name, error in errors.items() if error is not None]
        if failed:
            body = {"status": "unavailable", "failed": failed, "checks": checks}
            return Response(body, status=503, headers={"Cache-Control": "no-store"})
        return Response({"status": "ok", "checks": checks}, headers={"Cache-Control": "no-store"})


class HealthLiveApi(APIView):
    """Liveness: the process answers. Checks nothing, touches no database."""

    authentication_classes = []
    permission_classes = [AllowAny]

    class OutputSerializer(serializers.Serializer):
        status = serializers.CharField()

    @extend_schema(
        operation_id="health_live_retrieve",
        summary="Is the process alive? (checks nothing else)",
        auth=[],
        responses={200: OutputSerializer},
    )
    def get(self, request: Request) -> Response:
        return Response({"status": "ok"})
