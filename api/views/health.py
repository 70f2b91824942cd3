"""A trivial endpoint: the health check, and the floor of the API benchmark."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView


class HealthApi(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    class OutputSerializer(serializers.Serializer):
        status = serializers.CharField()

    @extend_schema(
        operation_id="health_retrieve",
        summary="Is the API up?",
        auth=[],
        responses={200: OutputSerializer},
    )
    def get(self, request: Request) -> Response:
        return Response({"status": "ok"})
