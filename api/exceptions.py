"""One error format for the whole API: a flat map from field to messages.

Services raise Django's ValidationError with keys such as `entries[0].pain_during`;
serializers raise DRF's with nested dicts and lists. Both leave here as
`{"entries[0].pain_during": ["Pain is a whole number from 0 to 10, got 11."]}`, so a
client reads every 400 the same way, a body that is not JSON included (under
`non_field_errors`). Other errors keep DRF's `{"detail": "..."}`, and so do the 404 and 500
of paths under /api/ that no view answers (`api_not_found`, `api_server_error`).
"""

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.defaults import page_not_found, server_error
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, plus Django's ValidationError as a 400 with flat field messages."""
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=as_serializer_error(exc))
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.ValidationError):
        response.data = field_errors(response.data)
    elif response is not None and isinstance(exc, exceptions.ParseError):
        # A body that is not JSON (or nests too deep) is a 400 like any other: the documented
        # field format, the message not tied to a field.
        response.data = {api_settings.NON_FIELD_ERRORS_KEY: [str(exc.detail)]}
    return response


def field_errors(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """Flatten DRF error details into `{"a.b[0].c": ["message", ...]}`."""
    if isinstance(detail, Mapping):
        flat: dict[str, list[str]] = {}
        for key, value in detail.items():
            if isinstance(key, int):  # ListField reports its items' errors by index
                name = f"{prefix}[{key}]"
            elif key in (NON_FIELD_ERRORS, api_settings.NON_FIELD_ERRORS_KEY):
                # A nested object's own errors (a list that is empty, say) are its field's.
                name = prefix or api_settings.NON_FIELD_ERRORS_KEY
            else:
                name = f"{prefix}.{key}" if prefix else str(key)
            flat.update(field_errors(value, name))
        return flat
    if isinstance(detail, list | tuple):
        if any(isinstance(item, Mapping | list | tuple) for item in detail):
            flat = {}
            for index, item in enumerate(detail):  # a many=True serializer: one entry per item
                flat.update(field_errors(item, f"{prefix}[{index}]"))
            return flat
        return {prefix or api_settings.NON_FIELD_ERRORS_KEY: [str(item) for item in detail]}
    return {prefix or api_settings.NON_FIELD_ERRORS_KEY: [str(detail)]}


@contextmanager
def fields_renamed(names: Mapping[str, str]) -> Iterator[None]:
    """Report a service's field under the name the client sent it as (a header, say)."""
    try:
        yield
    except DjangoValidationError as error:
        if not hasattr(error, "error_dict"):
            raise
        raise DjangoValidationError(
            {names.get(key, key): value for key, value in error.error_dict.items()}
        ) from None


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def api_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler404: JSON under /api/ (`{"detail": "Not found."}`), the site's page elsewhere."""
    if _is_api(request):
        return JsonResponse({"detail": str(exceptions.NotFound.default_detail)}, status=404)
    return page_not_found(request, exception or Http404())


def api_server_error(request: HttpRequest) -> HttpResponse:
    """handler500: JSON under /api/, the site's page elsewhere."""
    if _is_api(request):
        return JsonResponse({"detail": "A server error occurred."}, status=500)
    return server_error(request)
