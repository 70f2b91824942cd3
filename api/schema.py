"""OpenAPI details shared by every view: component names, tags, documented errors."""

from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ApiAutoSchema(AutoSchema):
    """Names the views' nested serializers after their view: `TodayApi.OutputSerializer`
    becomes the component `TodayOutput` and `SessionLogCreateApi.InputSerializer`
    `SessionLogCreateRequest`, so every view may call its own serializers Input and
    Output without the components colliding. Tags follow the view module (patient,
    clinician...)."""

    def get_serializer_name(self, serializer: serializers.Serializer, direction: Any) -> str:
        parts = [
            part.removesuffix("Serializer").removesuffix("Api")
            for part in type(serializer).__qualname__.split(".")
        ]
        # Request bodies get the suffix "Request" from COMPONENT_SPLIT_REQUEST.
        return "".join(part for part in parts if part != "Input")

    def get_tags(self) -> list[str]:
        module = type(self.view).__module__
        if module.startswith("api.views."):
            return [module.rsplit(".", 1)[-1]]
        return super().get_tags()


class ErrorDetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


FIELD_ERRORS_SCHEMA = {
    "type": "object",
    "description": "Messages by field; nested fields read `entries[0].pain_during`; errors not "
    "tied to one field are under `non_field_errors`.",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}

ERROR_RESPONSES: dict[int, OpenApiResponse] = {
    400: OpenApiResponse(FIELD_ERRORS_SCHEMA, "Invalid input; nothing was written."),
    401: OpenApiResponse(
        ErrorDetailSerializer, "Not signed in: send `Authorization: Token <key>` or a session."
    ),
    403: OpenApiResponse(
        ErrorDetailSerializer,
        "Signed in, but not allowed (wrong role, or a session write without its CSRF token).",
    ),
    404: OpenApiResponse(ErrorDetailSerializer, "No such object among those you may see."),
}


def responses(success: dict[int, Any], *errors: int) -> dict[int, Any]:
    """The documented responses of an operation: its successes and the listed error codes."""
    return {**success, **{code: ERROR_RESPONSES[code] for code in errors}}
