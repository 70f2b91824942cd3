"""Field validators of the clinical records (the migrations name them as `rehab.models.*`)."""

import re
from datetime import date
from zoneinfo import available_timezones

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def validate_not_future(value: date) -> None:
    if value > timezone.localdate():
        raise ValidationError("This date is in the future.")


def validate_time_zone(value: str) -> None:
    if value not in available_timezones():
        raise ValidationError(f"{value!r} is not a known time zone (for example Europe/Moscow).")


# A number as people write it: an optional leading +, digits, spaces, dots, hyphens and
# brackets; 5 to 15 digits (E.164 allows 15), so a typo of letters or a stray digit is caught.
_PHONE_CHARS = re.compile(r"\+?[0-9 ().\-]+")


def validate_phone(value: str) -> None:
    digits = sum(char.isdigit() for char in value)
    if not _PHONE_CHARS.fullmatch(value.strip()) or not 5 <= digits <= 15:
        raise ValidationError(
            _("Enter a phone number of 5 to 15 digits, for example +7 495 123-45-67."),
            code="invalid_phone",
        )
