"""Tokens for clients that are not the web app: obtain one with a password, revoke it."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle, ScopedRateThrottle
from rest_framework.views import APIView

from api.schema import ErrorDetailSerializer, responses
from api.services import auth_token_obtain, auth_token_revoke


class TokenApi(APIView):
    # Password guessing is slowed down per client address (REST_FRAMEWORK's rate for it).
    throttle_scope = "auth-token"

    class InputSerializer(serializers.Serializer):
        username = serializers.CharField()
        password = serializers.CharField(style={"input_type": "password"})

    class OutputSerializer(serializers.Serializer):
        token = serializers.CharField(help_text="Send as `Authorization: Token <token>`.")

    def get_permissions(self) -> list[BasePermission]:
        if self.request.method == "DELETE":
            return [IsAuthenticated()]
        return [AllowAny()]

    def get_throttles(self) -> list[BaseThrottle]:
        return [ScopedRateThrottle()] if self.request.method == "POST" else []

    @extend_schema(
        operation_id="auth_token_create",
        summary="Obtain my API token (the same one until it is revoked)",
        request=InputSerializer,
        responses=responses(
            {
                200: OutputSerializer,
                429: OpenApiResponse(ErrorDetailSerializer, "Too many attempts; wait a minute."),
            },
            400,
        ),
    )
    def post(self, request: Request) -> Response:
        credentials = AuthTokenSerializer(data=request.data, context={"request": request})
        credentials.is_valid(raise_exception=True)
        token = auth_token_obtain(user=credentials.validated_data["user"])
        return Response(self.OutputSerializer({"token": token.key}).data)

    @extend_schema(
        operation_id="auth_token_destroy",
        summary="Revoke my API token; the next request with it is refused",
        request=None,
        responses=responses({204: OpenApiResponse(description="Revoked.")}, 401, 403),
    )
    def delete(self, request: Request) -> Response:
        auth_token_revoke(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
