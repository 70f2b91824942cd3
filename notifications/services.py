"""Writes of the notifications app: preferences, push endpoints, the calendar address,
the invitation email, and marking in-app notifications read."""

from collections.abc import Collection
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from notifications.messages import clinic_signature, signed
from notifications.models import (
    PATIENT_KINDS,
    Notification,
    PushSubscription,
    Reminder,
    ReminderPreferences,
    ReminderStatus,
    new_calendar_token,
)
from notifications.push_endpoints import push_subscription_check
from notifications.selectors import reminder_preferences_get
from notifications.timing import local_date
from rehab.models import Patient
from rehab.services import INVITE_VALID_FOR, patient_invite_create

# Ids a single call may mark read (a page of the list is at most 100).
MARK_READ_MAX_IDS = 100

# Settings the patient changes in the app that live on the patient record itself.
PATIENT_REMINDER_FIELDS = ("reminder_time", "time_zone", "language")
# What decides when a patient's reminders fall due.
TIMING_FIELDS = {"reminder_time", "time_zone", "quiet_start", "quiet_end"}


@transaction.atomic
def reminder_preferences_update(*, patient: Patient, **changes: Any) -> ReminderPreferences:
    """Change how and when the patient hears from the clinic; field errors write nothing.

    Besides the preferences row this takes the daily reminder time, the time zone and
    the language, which are kept on the patient.
    """
    allowed = {"email", "push", "quiet_start", "quiet_end", *PATIENT_REMINDER_FIELDS}
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise ValidationError({name: "Not a reminder preference." for name in unknown})
    preferences = reminder_preferences_get(patient=patient)
    patient_changes = {k: v for k, v in changes.items() if k in PATIENT_REMINDER_FIELDS}
    retimed = any(
        getattr(patient if name in PATIENT_REMINDER_FIELDS else preferences, name) != value
        for name, value in changes.items()
        if name in TIMING_FIELDS
    )
    for name, value in changes.items():
        setattr(patient if name in PATIENT_REMINDER_FIELDS else preferences, name, value)
    errors: dict[str, str] = {}
    if (preferences.quiet_start is None) != (preferences.quiet_end is None):
        errors["quiet_end"] = "Give both the start and the end of the quiet hours, or neither."
    try:
        preferences.full_clean(exclude=["patient", "calendar_token"])
    except ValidationError as error:
        errors.update({k: " ".join(v) for k, v in error.message_dict.items()})
    if patient_changes:
        try:
            patient.clean_fields(
                exclude=[f.name for f in patient._meta.fields if f.name not in patient_changes]
            )
        except ValidationError as error:
            errors.update({k: " ".join(v) for k, v in error.message_dict.items()})
    if errors:
        if patient_changes:
            patient.refresh_from_db(fields=list(patient_changes))
        raise ValidationError(errors)
    if patient_changes:
        patient.save(update_fields=list(patient_changes))
    preferences.save()
    if retimed:
        # Today's rows not sent, planned or passed over with the old time, zone or quiet
        # hours, are planned again by the next tick (within a minute) with the new ones,
        # if they are still wanted (the planner and the send ask again).
        Reminder.objects.filter(
            patient=patient,
            kind__in=PATIENT_KINDS,
            status__in=[ReminderStatus.PENDING, ReminderStatus.SKIPPED],
            for_date__gte=local_date(timezone.now(), patient.time_zone),
        ).delete()
    return preferences


class PushEndpointTaken(ValidationError):
    """The endpoint is registered to another account: it stays theirs."""


def push_subscription_register(
    *, user: Any, endpoint: str, p256dh: str, auth: str
) -> PushSubscription:
    """Remember a browser's push endpoint (registering it again re-activates it).

    Field errors (`endpoint`, `p256dh`, `auth`) write nothing. An endpoint already
    registered to another account is not moved: PushEndpointTaken, and their row is left
    as it is. The same account registering it again updates the keys and turns it on.
    """
    errors = push_subscription_check(endpoint=endpoint, p256dh=p256dh, auth=auth)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # get_or_create, not a read then an insert: two first registrations of one endpoint
        # at once (two tabs, a retry) both find no row; the unique endpoint lets one insert
        # win, and get_or_create then reads the winner's row instead of failing.
        subscription, created = PushSubscription.objects.select_for_update().get_or_create(
            endpoint=endpoint, defaults={"user": user, "p256dh": p256dh, "auth": auth}
        )
        if created:
            return subscription
        if subscription.user_id != user.pk:
            raise PushEndpointTaken(
                {
                    "endpoint": _(
                        "This phone's notifications are registered to another account. "
                        "Sign in there and turn them off, or turn notifications off and on "
                        "again in the browser."
                    )
                }
            )
        subscription.p256dh = p256dh
        subscription.auth = auth
        subscription.is_active = True
        subscription.disabled_at = None
        subscription.disabled_reason = ""
        subscription.save()
    return subscription


def push_subscription_forget(*, user: Any, endpoint: str) -> int:
    """Forget this browser's push endpoint for the account signing out of it (a shared or
    handed-on phone must not keep showing their reminders); only the account's own row.
    Returns how many rows went (0 or 1)."""
    longest = PushSubscription._meta.get_field("endpoint").max_length or 0
    if not endpoint or len(endpoint) > longest or "\x00" in endpoint:
        return 0  # no stored row can hold it (and PostgreSQL refuses a NUL in a query)
    deleted, _ = PushSubscription.objects.filter(user=user, endpoint=endpoint).delete()
    return deleted


def calendar_token_reset(*, patient: Patient) -> str:
    """A new secret address for the patient's calendar; the old one stops working at once."""
    preferences = reminder_preferences_get(patient=patient)
    preferences.calendar_token = new_calendar_token()
    preferences.save()
    return preferences.calendar_token


def patient_invite_send(*, patient: Patient, by: Any, base_url: str) -> str:
    """Make a new invitation link, mail it when the patient has an address, and return it.

    The email is written in the patient's language; earlier links stop working.
    """
    _invite, token = patient_invite_create(patient=patient, by=by)
    link = base_url.rstrip("/") + reverse("web:invite", args=[token])
    if patient.email:
        with translation.override(patient.language):
            send_mail(
                subject=_("Your exercise program is ready in the app"),
                message=signed(
                    _(
                        "Hello %(name)s,\n\nyour clinic invites you to follow your home "
                        "exercise program in the app. Open this link on your phone to choose "
                        "your password (it works once, for %(days)s days):\n\n%(link)s\n\nThen "
                        "add the app to your home screen from the browser's menu."
                    )
                    % {"name": patient.first_name, "days": INVITE_VALID_FOR.days, "link": link},
                    clinic_signature(patient.language),
                ),
                from_email=getattr(settings, "DEFAULT_FROM_EMAIL", None),
                recipient_list=[patient.email],
            )
    return link


def notifications_mark_read(
    *,
    user: Any,
    ids: Collection[int] | None = None,
    up_to: int | None = None,
    now: datetime | None = None,
) -> int:
    """Mark the person's own unread notifications read; returns how many changed.

    Either `ids` (those rows) or `up_to` (every row with an id up to it: what a list showed,
    and nothing that arrived after it). Another person's ids are passed over as if they did
    not exist; a row already read keeps the time it was first read, so calling again
    changes nothing. Bad input raises ValidationError and writes nothing.
    """
    if (ids is None) == (up_to is None):
        raise ValidationError({"ids": "Give either the ids to mark read or up_to, not both."})
    rows = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        ids = list(ids)
        if not ids or len(ids) > MARK_READ_MAX_IDS:
            raise ValidationError({"ids": f"Give 1 to {MARK_READ_MAX_IDS} ids."})
        if not all(_is_id(value) for value in ids):
            raise ValidationError({"ids": "Each id is a whole number from 1."})
        rows = rows.filter(pk__in=ids)
    else:
        if not _is_id(up_to):
            raise ValidationError({"up_to": "A whole number from 1."})
        rows = rows.filter(pk__lte=up_to)
    return rows.update(read_at=now or timezone.now())


# The largest id any database here stores (a signed 64-bit integer).
MAX_ID = 2**63 - 1


def _is_id(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ID
