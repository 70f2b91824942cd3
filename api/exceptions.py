"""One error format for the whole API: a flat map from field to messages.

Services raise Django's ValidationError with keys such as `entries[0].pain_during`;
serializers raise DRF's with nested dicts and lists. Both leave here as
`{"entries[0].pain_during": ["Pain is a whole number from 0 to 10, got 11."]}`, so a
client reads every 400 the same way. Other errors keep DRF's `{"detail": "..."}`.
"""

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
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
