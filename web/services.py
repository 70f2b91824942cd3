"""Writes of the patient app that are not another app's: signing up from an invitation."""

from typing import Any

from django.db import transaction

from notifications.models import ReminderPreferences
from notifications.services import reminder_preferences_update
from rehab.services import patient_invite_accept


@transaction.atomic
def patient_sign_up(*, token: str, username: str, password: str, language: str) -> Any:
    """Accept an invitation (rehab.services.patient_invite_accept) and start the app's settings.

    Reminders start in the language the patient signed up in, and the settings page
    has a calendar address from the first visit. All or nothing.
    """
    user = patient_invite_accept(token=token, username=username, password=password)
    if not ReminderPreferences.objects.filter(patient=user.patient).exists():
        reminder_preferences_update(patient=user.patient, language=language)
    return user
