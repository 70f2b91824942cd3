"""Writes of the patient app that are not the planner's or the records': invitations by email."""

from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from planner.models import ReminderPreferences
from planner.reminders import preferences_of, reminder_preferences_update
from rehab.models import Patient
from rehab.services import INVITE_VALID_FOR, patient_invite_accept, patient_invite_create


def patient_invite_send(*, patient: Patient, by: Any, base_url: str) -> str:
    """Make a new invitation link, mail it when the patient has an address, and return it.

    The email is written in the patient's language; earlier links stop working.
    """
    _invite, token = patient_invite_create(patient=patient, by=by)
    link = base_url.rstrip("/") + reverse("web:invite", args=[token])
    if patient.email:
        with translation.override(preferences_of(patient).language):
            send_mail(
                subject=_("Your exercise program is ready in the app"),
                message=_(
                    "Hello %(name)s,\n\nyour clinic invites you to follow your home exercise "
                    "program in the app. Open this link on your phone to choose your password "
                    "(it works once, for %(days)s days):\n\n%(link)s\n\nThen add the app to "
                    "your home screen from the browser's menu."
                )
                % {"name": patient.first_name, "days": INVITE_VALID_FOR.days, "link": link},
                from_email=getattr(settings, "DEFAULT_FROM_EMAIL", None),
                recipient_list=[patient.email],
            )
    return link


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
