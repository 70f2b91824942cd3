"""The calendar feed: the one page of the notifications app outside the admin."""

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from notifications.selectors import calendar_feed_render


@require_GET
def calendar_view(request: HttpRequest, token: str) -> HttpResponse:
    """The patient's calendar feed: the secret token in the address is the only key."""
    text = calendar_feed_render(token=token)
    if text is None:
        raise Http404("No calendar at this address.")
    response = HttpResponse(text, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=900"
    return response
