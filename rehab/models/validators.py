"""Field validators of the clinical records (the migrations name them as `rehab.models.*`)."""

from datetime import date
from zoneinfo import available_timezones

from django.core.exceptions import ValidationError
from django.utils import timezone


def validate_not_future(value: date) -> None:
    if value > timezone.localdate():
        raise ValidationError("This date is in the future.")


def validate_time_zone(value: str) -> None:
    if value not in available_timezones():
        raise ValidationError(f"{value!r} is not a known time zone (for example Europe/Moscow).")
