"""Delivery: claiming a due row once and sending it on the reader's channels.

Sending claims a row with a conditional update inside a transaction and delivers
inside the same transaction: a crash or a transient error rolls the claim back and
the row is tried again, a second worker finds it claimed and does nothing.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from notifications.channels import PermanentDeliveryError, TransientDeliveryError
from notifications.channels.email import email_deliver
from notifications.channels.in_app import in_app_deliver
from notifications.channels.push import push_configured, push_deliver
from notifications.messages import render_message
from notifications.models import (
    ALERT_KINDS,
    PushSubscription,
    Reminder,
    ReminderKind,
    ReminderStatus,
)
from notifications.selectors import reminder_preferences_get
from notifications.timing import ChannelChoice, channels_for, local_date
from planner.models import ExerciseLog, Program, ProgramStatus, SupervisedSession, SupervisedStatus
from rehab.models import Clinician, Patient


def reminders_queue_due(*, now: datetime, limit: int = 100_000) -> list[int]:
    """Ids of due rows to hand to the workers, each handed out once every few minutes.

    Handing a row out twice is harmless (the send claims it), but a backlog should not
    grow the queue with copies each minute.
    """
    stale = now - timedelta(seconds=settings.REMINDER_REQUEUE_AFTER)
    candidates = list(
        Reminder.objects.filter(status=ReminderStatus.PENDING, due_at__lte=now)
        .filter(Q(queued_at__isnull=True) | Q(queued_at__lt=stale))
        .order_by("due_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    if not candidates:
        return []
    with transaction.atomic():
        Reminder.objects.filter(pk__in=candidates).update(queued_at=now)
    return candidates


def reminder_send(*, reminder_id: int, now: datetime | None = None) -> str:
    """Send one reminder if nobody has: 'sent', 'skipped', 'failed' or 'not-claimed'.

    Raises TransientDeliveryError after rolling the claim back, so the caller retries.
    """
    moment = now or timezone.now()
    try:
        with transaction.atomic():
            claimed = Reminder.objects.filter(
                pk=reminder_id,
                status=ReminderStatus.PENDING,
                sent_at__isnull=True,
                due_at__lte=moment,
            ).update(sent_at=moment, attempts=F("attempts") + 1)
            if not claimed:
                return "not-claimed"
            # Only the joins this kind needs: the big four-way join cost more to build than
            # the two small queries it saves.
            reminder = Reminder.objects.get(pk=reminder_id)
            if reminder.patient_id is not None:
                related = (
                    ("clinician__user",)
                    if reminder.kind in ALERT_KINDS
                    else ("user", "reminder_preferences")
                )
                reminder.patient = Patient.objects.select_related(*related).get(
                    pk=reminder.patient_id
                )
            elif reminder.clinician_id is not None:
                reminder.clinician = Clinician.objects.select_related("user").get(
                    pk=reminder.clinician_id
                )
            reason = _no_longer_needed(reminder, moment)
            if reason:
                reminder.status = ReminderStatus.SKIPPED
                reminder.last_error = reason
                reminder.save(update_fields=["status", "last_error"])
                return "skipped"
            try:
                _deliver(reminder)
            except PermanentDeliveryError as error:
                reminder.status = ReminderStatus.FAILED
                reminder.last_error = str(error)
                reminder.save(update_fields=["status", "last_error"])
                return "failed"
            return "sent"
    except TransientDeliveryError as error:
        # The claim is rolled back with the transaction; keep the trace for the clinic.
        Reminder.objects.filter(pk=reminder_id).update(
            attempts=F("attempts") + 1, last_error=str(error)[:1000]
        )
        raise


def reminder_give_up(*, reminder_id: int, error: str) -> None:
    """After the last retry: the row is failed, with its last error."""
    Reminder.objects.filter(pk=reminder_id, status=ReminderStatus.PENDING).update(
        status=ReminderStatus.FAILED, last_error=error[:1000]
    )


def _no_longer_needed(reminder: Reminder, now: datetime) -> str:
    """Why a patient reminder should not go out after all, or '' when it should."""
    patient = reminder.patient
    if patient is None or reminder.kind in ALERT_KINDS:
        return ""
    program = Program.objects.filter(patient=patient, status=ProgramStatus.ACTIVE).first()
    if program is None:
        return "The program is not active (paused or completed)."
    if reminder.kind in (ReminderKind.SUPERVISED_24H, ReminderKind.SUPERVISED_2H):
        planned = SupervisedSession.objects.filter(
            pk=reminder.context.get("session"), status=SupervisedStatus.PLANNED
        ).exists()
        return "" if planned else "The clinic session is no longer planned."
    if ExerciseLog.objects.filter(
        home_session__program=program, home_session__day=reminder.for_date, done=True
    ).exists():
        return "The day is already logged."
    if local_date(now, patient.time_zone) > reminder.for_date:
        return "The day is over."
    return ""


def _deliver(reminder: Reminder) -> None:
    """Send on each channel the reader has and mark the row sent, in the caller's transaction.

    The email goes last, right before the commit: it is the one channel that cannot be
    taken back, so a crash before it leaves nothing sent, and a crash after it can only
    fall in the moment the commit takes.
    """
    if reminder.patient is not None and reminder.kind not in ALERT_KINDS:
        patient = reminder.patient
        preferences = reminder_preferences_get(patient=patient)
        user = patient.user
        email = patient.email or (user.email if user is not None else "")
        language = patient.language
        subscriptions = (
            list(PushSubscription.objects.filter(user=user, is_active=True))
            if user is not None and push_configured()
            else []
        )
        wanted = channels_for(
            ChannelChoice(email=preferences.email, push=preferences.push),
            has_email=bool(email),
            push_subscriptions=len(subscriptions),
        )
    else:
        clinician = _alerted_clinician(reminder)
        user = clinician.user
        email = user.email
        language = settings.LANGUAGE_CODE
        subscriptions = []
        wanted = ("in_app", "email") if email else ("in_app",)
    message = render_message(reminder, language)
    used: list[str] = []
    # Push first: it is the channel most likely to fail for a while, and its Topic lets
    # the push service replace a copy a retry sends again.
    if "push" in wanted and push_deliver(reminder, subscriptions, message):
        used.append("push")
    if user is not None:
        in_app_deliver(reminder, message, user)
        used.append("in_app")
    if "email" in wanted:
        used.append("email")
    Reminder.objects.filter(pk=reminder.pk).update(status=ReminderStatus.SENT, channels=used)
    if "email" in wanted:
        email_deliver(reminder, message, email)


def _alerted_clinician(reminder: Reminder) -> Clinician:
    if reminder.clinician is not None:
        return reminder.clinician
    if reminder.patient is None:
        raise ValueError(f"Reminder {reminder.pk} has no recipient.")
    return reminder.patient.clinician
