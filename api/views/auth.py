"""Tokens for clients that are not the web app: obtain one with a password, revoke it."""

from django.contrib.auth import authenticate, user_logged_in
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

from api.schema import ErrorDetailSerializer, responses
from api.services import auth_token_obtain, auth_token_revoke
from api.throttles import AddressScopedRateThrottle
from config.lockout import lockout_message


class AccountLocked(exceptions.APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "account_locked"


class TokenApi(APIView):
    # Password guessing is slowed down per client address (REST_FRAMEWORK's rate for it),
    # and each account is locked after AXES_FAILURE_LIMIT failures, as on the sign-in pages.
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
        return [AddressScopedRateThrottle()] if self.request.method == "POST" else []

    @extend_schema(
        operation_id="auth_token_create",
        summary="Obtain my API token (the same one until it is revoked)",
        request=InputSerializer,
        responses=responses(
            {
                200: OutputSerializer,
                429: OpenApiResponse(
                    ErrorDetailSerializer,
                    "Too many attempts from this address (wait a minute), or too many failed "
                    "sign-ins for this account (it is locked for a while).",
                ),
            },
            400,
        ),
    )
    def post(self, request: Request) -> Response:
        credentials = self.InputSerializer(data=request.data)
        credentials.is_valid(raise_exception=True)
        # Django's own request, so that the lockout (django-axes) counts this attempt
        # against the account and sees a locked one, as on the sign-in pages.
        django_request = request._request
        user = authenticate(
            django_request,
            username=credentials.validated_data["username"],
            password=credentials.validated_data["password"],
        )
        if user is None:
            if getattr(django_request, "axes_locked_out", False):
                raise AccountLocked(lockout_message())
            raise exceptions.ValidationError(
                {"non_field_errors": [_("Unable to log in with provided credentials.")]},
                code="authorization",
            )
        # A sign-in like any other: the account's count of failures starts again.
        user_logged_in.send(sender=user.__class__, request=django_request, user=user)
        token = auth_token_obtain(user=user)
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
