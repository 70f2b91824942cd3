"""Delivery: claim a due row, send it outside any transaction, mark it sent.

Three steps, and never a database transaction held open across a network call:

1. Claim (one short transaction): PENDING -> SENDING by a conditional update, going on
   only when it changed the row; the message is frozen on the row (text, recipient,
   channels, its stable Message-ID and push Topic) and the in-app notification is made.
2. Send, with timeouts, on the channels still to do; each one done is recorded at once.
3. Mark SENT where the claim still matches.

A worker that dies during step 2 leaves the row SENDING, and nobody can know whether the
mail server or the push service took the message. Past `REMINDER_SEND_DEADLINE` such a
row is in doubt, and its kind decides (`reminders_recover_in_doubt`): a reminder to a
patient is sent at most once, so it is given up; a message to a clinician (an alert, the
weekly digest) is sent at least once, so it is sent again with the same Message-ID and
Topic, which mail clients and push services use to show one copy.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from notifications.channels import (
    InDoubtDeliveryError,
    PermanentDeliveryError,
    TransientDeliveryError,
)
from notifications.channels.email import email_deliver
from notifications.channels.in_app import in_app_deliver
from notifications.channels.push import push_configured, push_deliver
from notifications.messages import Message, clinic_signature, render_message
from notifications.models import (
    PATIENT_KINDS,
    PushSubscription,
    Reminder,
    ReminderKind,
    ReminderStatus,
)
from notifications.selectors import reminder_preferences_get
from notifications.timing import ChannelChoice, after_quiet_hours, channels_for, local_date
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


def reminders_recover_in_doubt(*, now: datetime) -> dict[str, int]:
    """Settle the rows left SENDING past the deadline: a worker died during their send.

    Patient reminders are given up (IN_DOUBT): sent at most once. Clinician messages go
    back to PENDING, keeping their frozen message: sent at least once, with the same
    Message-ID. Returns how many of each.
    """
    deadline = now - timedelta(seconds=settings.REMINDER_SEND_DEADLINE)
    stuck = Reminder.objects.filter(status=ReminderStatus.SENDING, claimed_at__lt=deadline)
    given_up = stuck.filter(kind__in=PATIENT_KINDS).update(
        status=ReminderStatus.IN_DOUBT,
        in_doubt_at=now,
        last_error=(
            "The send was interrupted and may or may not have reached the patient; a patient "
            "reminder is never sent twice, so it is not sent again."
        ),
    )
    again = stuck.exclude(kind__in=PATIENT_KINDS).update(
        status=ReminderStatus.PENDING,
        in_doubt_at=now,
        claimed_at=None,
        queued_at=None,
        last_error=(
            "The send was interrupted; a message to the clinician is sent again, with the "
            "same Message-ID, so that it is not lost."
        ),
    )
    return {"given_up": given_up, "sent_again": again}


@dataclass(frozen=True)
class _Claim:
    reminder_id: int
    claimed_at: datetime

    def rows(self) -> Any:
        """The row, only while this claim still holds it."""
        return Reminder.objects.filter(
            pk=self.reminder_id, status=ReminderStatus.SENDING, claimed_at=self.claimed_at
        )


def reminder_send(*, reminder_id: int, now: datetime | None = None) -> str:
    """Send one reminder if nobody has: 'sent', 'skipped', 'failed', 'in-doubt' or
    'not-claimed'.

    Raises TransientDeliveryError after handing the row back (PENDING, the channels
    already done kept), so the caller retries.
    """
    moment = now or timezone.now()
    rows = _due_with_recipients([reminder_id], moment)
    return _send(rows[0], moment) if rows else "not-claimed"


def reminders_send(*, reminder_ids: list[int], now: datetime | None = None) -> dict[int, str]:
    """Send a batch, each reminder claimed and sent on its own; the rows and their recipients
    are read once for the batch. Each id's outcome, as `reminder_send` gives it, or
    'transient' for one handed back after a transient error (the caller retries it alone).
    """
    outcomes = dict.fromkeys(reminder_ids, "not-claimed")
    for reminder in _due_with_recipients(reminder_ids, now or timezone.now()):
        try:
            outcomes[reminder.pk] = _send(reminder, now or timezone.now())
        except TransientDeliveryError:
            outcomes[reminder.pk] = "transient"
    return outcomes


def _send(reminder: Reminder, now: datetime) -> str:
    claimed = _claim(reminder, now)
    if isinstance(claimed, str):
        return claimed
    claim, outbox = claimed
    done: list[str] = list(outbox["done"])
    try:
        if "push" in outbox["channels"] and "push" not in done:
            subscriptions = list(
                PushSubscription.objects.filter(pk__in=outbox["push"], is_active=True)
            )
            if push_deliver(outbox["topic"], subscriptions, _message(outbox)):
                done.append("push")
                claim.rows().update(channels=done, outbox={**outbox, "done": done})
        # The email goes last: it is the one channel that cannot be taken back.
        if "email" in outbox["channels"] and "email" not in done:
            email_deliver(outbox["message_id"], _message(outbox), outbox["email"])
            done.append("email")
    except InDoubtDeliveryError as error:
        if outbox["at_most_once"]:
            claim.rows().update(
                status=ReminderStatus.IN_DOUBT,
                in_doubt_at=timezone.now(),
                channels=done,
                last_error=f"{error} A patient reminder is never sent twice: not sent again.",
            )
            return "in-doubt"
        claim.rows().update(
            status=ReminderStatus.PENDING,
            claimed_at=None,
            in_doubt_at=timezone.now(),
            last_error=str(error),
        )
        raise
    except TransientDeliveryError as error:
        claim.rows().update(status=ReminderStatus.PENDING, claimed_at=None, last_error=str(error))
        raise
    except PermanentDeliveryError as error:
        claim.rows().update(status=ReminderStatus.FAILED, channels=done, last_error=str(error))
        return "failed"
    claim.rows().update(status=ReminderStatus.SENT, sent_at=timezone.now(), channels=done)
    return "sent"


def reminder_give_up(*, reminder_id: int, error: str) -> None:
    """After the last retry: the row is failed, with its last error."""
    Reminder.objects.filter(pk=reminder_id, status=ReminderStatus.PENDING).update(
        status=ReminderStatus.FAILED, last_error=error[:1000]
    )


@transaction.atomic
def _claim(reminder: Reminder, now: datetime) -> tuple[_Claim, dict[str, Any]] | str:
    """Step 1, one short transaction: the row is ours, its message frozen, in-app made.

    The row and its recipient were read before (`_due_with_recipients`) and the message is
    frozen from them; the conditional update then claims the row and stores the message at
    once. A worker that loses the race has only read.
    """
    pending = Reminder.objects.filter(pk=reminder.pk, status=ReminderStatus.PENDING)
    reason = _no_longer_needed(reminder, now)
    if reason:
        skipped = pending.update(status=ReminderStatus.SKIPPED, last_error=reason)
        return "skipped" if skipped else "not-claimed"
    # Claimed before and handed back (a transient error, or in doubt): the same message.
    outbox, user = (reminder.outbox, None) if reminder.outbox else _freeze(reminder)
    if user is not None:
        outbox["done"] = ["in_app"]
    claimed = pending.update(
        status=ReminderStatus.SENDING,
        claimed_at=now,
        attempts=F("attempts") + 1,
        outbox=outbox,
        channels=outbox["done"],
    )
    if not claimed:
        return "not-claimed"
    if user is not None:
        in_app_deliver(reminder, _message(outbox), user)
    return _Claim(reminder.pk, now), outbox


def _due_with_recipients(reminder_ids: list[int], now: datetime) -> list[Reminder]:
    """The due, pending rows among `reminder_ids`, in that order, each with its recipient.

    A query for the rows and one for each kind of recipient, with only the joins it needs
    (one query joining all five tables costs more to build than the round trips it saves).
    """
    rows = Reminder.objects.filter(
        pk__in=reminder_ids, status=ReminderStatus.PENDING, due_at__lte=now
    ).in_bulk()
    reminders = [rows[pk] for pk in reminder_ids if pk in rows]
    to_patients = {r.patient_id for r in reminders if r.kind in PATIENT_KINDS}
    about_patients = {r.patient_id for r in reminders if r.kind not in PATIENT_KINDS} - {None}
    clinicians = {r.clinician_id for r in reminders} - {None}
    readers = (
        Patient.objects.select_related("user", "reminder_preferences").in_bulk(to_patients)
        if to_patients
        else {}
    )
    subjects = (
        Patient.objects.select_related("clinician__user").in_bulk(about_patients)
        if about_patients
        else {}
    )
    doctors = Clinician.objects.select_related("user").in_bulk(clinicians) if clinicians else {}
    for reminder in reminders:
        if reminder.clinician_id is not None:
            reminder.clinician = doctors[reminder.clinician_id]
        elif reminder.kind in PATIENT_KINDS:
            reminder.patient = readers[reminder.patient_id]
        else:
            reminder.patient = subjects[reminder.patient_id]
    return reminders


def _freeze(reminder: Reminder) -> tuple[dict[str, Any], Any]:
    """The message as it will be sent, whatever happens to the records meanwhile."""
    push: list[int] = []
    if reminder.patient is not None and reminder.kind in PATIENT_KINDS:
        patient = reminder.patient
        preferences = reminder_preferences_get(patient=patient)
        user = patient.user
        email = patient.email or (user.email if user is not None else "")
        language = patient.language
        if user is not None and push_configured():
            push = list(
                PushSubscription.objects.filter(user=user, is_active=True).values_list(
                    "pk", flat=True
                )
            )
        wanted = channels_for(
            ChannelChoice(email=preferences.email, push=preferences.push),
            has_email=bool(email),
            push_subscriptions=len(push),
        )
        signature = clinic_signature(language)
    else:
        clinician = _alerted_clinician(reminder)
        user = clinician.user
        email = user.email
        language = settings.LANGUAGE_CODE
        wanted = ("in_app", "email") if email else ("in_app",)
        signature = ""  # a colleague's alert, not a letter from the clinic
    message = render_message(reminder, language)
    outbox = {
        "title": message.title,
        "body": message.body,
        "link": message.link,
        "signature": signature,
        "channels": [channel for channel in wanted if channel != "in_app"],
        "email": email if "email" in wanted else "",
        "push": push if "push" in wanted else [],
        # Stable for the row: a copy sent again is recognised as the same message.
        "message_id": f"<reminder-{reminder.pk}@rehab-planner>",
        "topic": f"reminder{reminder.pk}",
        "at_most_once": reminder.kind in PATIENT_KINDS,
        "done": [],
    }
    return outbox, user


def _message(outbox: dict[str, Any]) -> Message:
    # Messages frozen before emails were signed have no signature.
    return Message(outbox["title"], outbox["body"], outbox["link"], outbox.get("signature", ""))


def _no_longer_needed(reminder: Reminder, now: datetime) -> str:
    """Why a patient reminder should not go out after all, or '' when it should."""
    patient = reminder.patient
    if patient is None or reminder.kind not in PATIENT_KINDS:
        return ""
    program = Program.objects.filter(patient=patient, status=ProgramStatus.ACTIVE).first()
    if program is None:
        return "The program is not active (paused or completed)."
    quiet = reminder_preferences_get(patient=patient).quiet_hours
    if after_quiet_hours(now, patient.time_zone, quiet) > now:
        # Due before the quiet hours but reached only now (planned late, or a backlog).
        return "It is the patient's quiet hours: a reminder is never sent into them."
    if reminder.kind in (ReminderKind.SUPERVISED_24H, ReminderKind.SUPERVISED_2H):
        starts = (
            SupervisedSession.objects.filter(
                pk=reminder.context.get("session"), status=SupervisedStatus.PLANNED
            )
            .values_list("scheduled_for", flat=True)
            .first()
        )
        if starts is None:
            return "The clinic session is no longer planned."
        if now >= starts:
            return "The clinic session has begun."
        if reminder.kind == ReminderKind.SUPERVISED_24H and local_date(
            now, patient.time_zone
        ) >= local_date(starts, patient.time_zone):
            return "The clinic session is today: a reminder that says tomorrow would be wrong."
        return ""
    if ExerciseLog.objects.filter(
        home_session__program=program, home_session__day=reminder.for_date, done=True
    ).exists():
        return "The day is already logged."
    if local_date(now, patient.time_zone) > reminder.for_date:
        return "The day is over."
    return ""


def _alerted_clinician(reminder: Reminder) -> Clinician:
    if reminder.clinician is not None:
        return reminder.clinician
    if reminder.patient is None:
        raise ValueError(f"Reminder {reminder.pk} has no recipient.")
    return reminder.patient.clinician
