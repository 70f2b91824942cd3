"""Demonstration data of notifications for `make run`: quiet nights for every demo patient,
and the demo doctors' alerts waiting for them in the admin."""

from datetime import datetime, time

from django.conf import settings
from django.db import transaction

from notifications.alerts import alerts_raise_missing
from notifications.channels.in_app import in_app_deliver
from notifications.messages import render_message
from notifications.models import ALERT_KINDS, Reminder
from notifications.services import reminder_preferences_update
from rehab.models import Patient

DEMO_DOCTORS = ("doctor", "doctor2")


@transaction.atomic
def demo_preferences_seed() -> int:
    """Idempotent: a patient whose preferences exist is left as is. Returns how many were set."""
    patients = Patient.objects.filter(
        clinician__user__username__in=DEMO_DOCTORS, reminder_preferences__isnull=True
    )
    count = 0
    for patient in patients:
        reminder_preferences_update(patient=patient, quiet_start=time(22, 0), quiet_end=time(7, 30))
        count += 1
    return count


@transaction.atomic
def demo_alerts_seed(*, now: datetime) -> int:
    """The alerts of what the demo patients did (a red flag reported from the app, pain of 7),
    raised from the planner's events as the minute's tick raises them, each with the doctor's
    unread in-app copy, written as the send writes it. The worker sends their emails when it
    starts (the copy is not made twice). Idempotent; returns how many copies were made."""
    alerts_raise_missing(now=now)
    alerts = Reminder.objects.filter(
        kind__in=ALERT_KINDS,
        patient__clinician__user__username__in=DEMO_DOCTORS,
        notifications__isnull=True,
    ).select_related("patient__clinician__user")
    count = 0
    for alert in alerts:
        if alert.patient is None:  # never: an alert is about a patient
            continue
        doctor = alert.patient.clinician.user
        in_app_deliver(alert, render_message(alert, settings.LANGUAGE_CODE), doctor)
        count += 1
    return count
