"""What a locked account is told (django-axes' AXES_LOCKOUT_CALLABLE).

The same words wherever the sign-in was tried: on the patient app's and the admin's sign-in
pages the page comes back with the message in place of "wrong password", and the API
answers JSON in its error format. The status is 429 everywhere.
"""

from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS
from django.forms.utils import ErrorDict
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.utils.translation import ngettext

LOCKOUT_STATUS = 429


def cooloff_minutes() -> int:
    """The lockout's length in whole minutes (AXES_COOLOFF_TIME), at least 1."""
    return max(1, round(settings.AXES_COOLOFF_TIME.total_seconds() / 60))


def lockout_message() -> str:
    minutes = cooloff_minutes()
    return ngettext(
        "Too many failed sign-ins for this account. Try again in %(minutes)d minute, "
        "or reset your password.",
        "Too many failed sign-ins for this account. Try again in %(minutes)d minutes, "
        "or reset your password.",
        minutes,
    ) % {"minutes": minutes}


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """The answer to a sign-in refused because the account is locked."""
    message = lockout_message()
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=LOCKOUT_STATUS)
    context = getattr(original_response, "context_data", None)
    form = context.get("form") if isinstance(context, dict) else None
    if (
        isinstance(original_response, TemplateResponse)
        and context is not None
        and form is not None
        and hasattr(form, "_errors")
    ):
        # The sign-in page again, the user name kept, the lockout instead of "wrong password".
        form._errors = ErrorDict(
            {NON_FIELD_ERRORS: form.error_class([message], error_class="nonfield")}
        )
        page = TemplateResponse(
            request, original_response.template_name, context, status=LOCKOUT_STATUS
        )
        # Rendered here: the middleware that calls this runs after Django renders responses.
        return page.render()
    return HttpResponse(message, status=LOCKOUT_STATUS, content_type="text/plain; charset=utf-8")
