"""Demonstration reminder preferences for `make run`: quiet nights for every demo patient."""

from datetime import time

from django.db import transaction

from notifications.services import reminder_preferences_update
from rehab.models import Patient


@transaction.atomic
def demo_preferences_seed() -> int:
    """Idempotent: a patient whose preferences exist is left as is. Returns how many were set."""
    patients = Patient.objects.filter(
        clinician__user__username__in=["doctor", "doctor2"], reminder_preferences__isnull=True
    )
    count = 0
    for patient in patients:
        reminder_preferences_update(patient=patient, quiet_start=time(22, 0), quiet_end=time(7, 30))
        count += 1
    return count
