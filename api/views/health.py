"""Health: readiness (`/api/v1/health/`: the database, Redis and a recent worker heartbeat, as
notifications.health checks them) and liveness (`/api/v1/health/live/`: the process answers;
also the floor of the API benchmark).
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from notifications.health import health_run


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
