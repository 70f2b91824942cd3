"""The clinic's workspace reads times on the clinic's clock."""

from collections.abc import Callable
from zoneinfo import ZoneInfo

from django.http import HttpRequest, HttpResponseBase
from django.urls import reverse
from django.utils import timezone

from rehab.selectors import clinic_settings


class ClinicTimeZoneMiddleware:
    """Every page of the admin shows and reads times in the clinic's time zone, once the
    clinic has said where it is (its settings): the worklist's "since", the records'
    dates, a session typed in as 10:00 are the clinic's wall-clock times, as its doctors
    and patients say them. Until then the site's zone stands (settings.TIME_ZONE).

    The patient app keeps the patient's own zone (`web.views.patient_required`).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not request.path.startswith(reverse("admin:index")):
            return self.get_response(request)
        zone = clinic_settings().time_zone
        if not zone:
            return self.get_response(request)
        with timezone.override(ZoneInfo(zone)):
            return self.get_response(request)
