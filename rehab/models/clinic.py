"""The clinic itself: one record of its name, address, phone, time zone and the days and
time of its supervised sessions."""

from datetime import time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rehab.models.validators import validate_phone, validate_time_zone

# Monday is 0, as `date.weekday()` counts.
WEEKDAY_FIELDS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

DEFAULT_SESSION_TIME = time(10, 0)


def default_clinic_time_zone() -> str:
    return str(settings.TIME_ZONE)


class ClinicSettings(models.Model):
    """The one row of the clinic's settings (a database constraint refuses a second)."""

    # Always True and unique: the constraint that makes this table hold one row at most.
    singleton = models.BooleanField(default=True, editable=False)
    name = models.CharField(
        _("clinic name"),
        max_length=200,
        help_text=_("As patients know it; shown in the app, in emails and in their calendar."),
    )
    address = models.CharField(
        _("address"),
        max_length=300,
        blank=True,
        help_text=_("Street, building, city: where patients come for their sessions."),
    )
    phone = models.CharField(
        _("phone"),
        max_length=32,
        validators=[validate_phone],
        help_text=_(
            "The number patients call, with the country code, for example +7 495 123-45-67."
        ),
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default=default_clinic_time_zone,
        validators=[validate_time_zone],
        help_text=_(
            "Where the clinic is, for example Europe/Moscow. Session times are in this zone, "
            "for doctors and patients alike."
        ),
    )
    session_time = models.TimeField(
        _("supervised sessions start at"),
        default=DEFAULT_SESSION_TIME,
        help_text=_("The clinic's local time."),
    )
    monday = models.BooleanField(_("Monday"), default=True)
    tuesday = models.BooleanField(_("Tuesday"), default=True)
    wednesday = models.BooleanField(_("Wednesday"), default=True)
    thursday = models.BooleanField(_("Thursday"), default=True)
    friday = models.BooleanField(_("Friday"), default=True)
    saturday = models.BooleanField(_("Saturday"), default=False)
    sunday = models.BooleanField(_("Sunday"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("clinic settings")
        verbose_name_plural = _("clinic settings")
        constraints = [
            models.UniqueConstraint(fields=["singleton"], name="clinic_settings_one_row"),
            models.CheckConstraint(condition=Q(singleton=True), name="clinic_settings_singleton"),
            models.CheckConstraint(
                condition=Q(monday=True)
                | Q(tuesday=True)
                | Q(wednesday=True)
                | Q(thursday=True)
                | Q(friday=True)
                | Q(saturday=True)
                | Q(sunday=True),
                name="clinic_settings_a_session_weekday",
                violation_error_message=_("Choose at least one weekday for supervised sessions."),
            ),
        ]

    def __str__(self) -> str:
        return self.name or str(_("Clinic settings"))

    @property
    def session_weekdays(self) -> tuple[int, ...]:
        """The weekdays of supervised sessions, Monday 0."""
        return tuple(n for n, field in enumerate(WEEKDAY_FIELDS) if getattr(self, field))

    def session_time_zone(self, patient_time_zone: str) -> str:
        """The zone of a patient's clinic sessions: the clinic's. Until the clinic has saved
        its settings there is none, and each patient's own zone stands in for it, as it did
        before the clinic had settings (rehab.selectors.clinic_settings)."""
        return self.time_zone or patient_time_zone

    def session_zone(self, patient_time_zone: str) -> ZoneInfo:
        return ZoneInfo(self.session_time_zone(patient_time_zone))

    @property
    def phone_uri(self) -> str:
        """The phone as a tel: link wants it: the leading + and the digits."""
        digits = "".join(char for char in self.phone if char.isdigit())
        return ("+" if self.phone.strip().startswith("+") else "") + digits

    @property
    def location(self) -> str:
        """Name and address on one line, as a calendar shows where an event is."""
        return ", ".join(part for part in (self.name, self.address) if part)
