"""Every alert to a clinician is also an in-app notification for them, made once per alert
whatever the retries, the ticks and the copies sent again; the clinician reads it in the
admin in their own language (tests/workspace/test_admin_notifications.py)."""

from collections.abc import Iterator
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as MemoryBackend

from notifications import delivery
from notifications.admin_inbox import notification_message
from notifications.alerts import ALERT_OF_EVENT, alert_raise
from notifications.models import Notification, Reminder, ReminderKind
from notifications.selectors import notifications_unread_count
from notifications.tasks import patient_event_alert_task, reminders_tick
from planner.models import EventKind, PatientEvent
from tests.conftest import make_patient

pytestmark = pytest.mark.django_db

# 03:00 UTC: still the 24th in Los Angeles, already the 25th (16:00) in Auckland.
NOW = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)
CONTEXTS = {
    EventKind.RED_FLAG_REPORTED: {"reason": "Fever"},
    EventKind.PAIN_HIGH: {"pain": 7},
    EventKind.PAIN_RISING: {"reason": "median 5 against 2."},
    EventKind.DAYS_MISSED: {},
}


@pytest.fixture(autouse=True)
def _frozen_clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def event_for(patient, kind: str) -> PatientEvent:
    day = NOW.astimezone(ZoneInfo(patient.time_zone)).date()
    return PatientEvent.objects.create(
        patient=patient, kind=kind, day=day, context=CONTEXTS[EventKind(kind)]
    )


class Unreachable(MemoryBackend):
    """The mail server refuses the connection: nothing was handed over."""

    def open(self) -> bool:
        raise OSError("connection refused")


@pytest.mark.parametrize("zone", ["America/Los_Angeles", "Pacific/Auckland"])
@pytest.mark.parametrize("kind", list(ALERT_OF_EVENT))
def test_each_alert_is_an_in_app_notification_for_the_patients_clinician(
    clinician, colleague, kind, zone
):
    patient = make_patient(clinician, first_name="Ana", time_zone=zone)
    event = event_for(patient, kind)
    assert patient_event_alert_task(event.pk) == "sent"
    alert = Reminder.objects.get(event=event)
    assert alert.kind == ALERT_OF_EVENT[kind] and alert.for_date == event.day
    [notification] = Notification.objects.all()
    assert notification.user == clinician.user and notification.reminder == alert
    assert "Ana" in notification.title
    assert notification.link == f"/admin/rehab/patient/{patient.pk}/change/"
    assert notification.read_at is None
    assert notifications_unread_count(user=clinician.user) == 1
    assert notifications_unread_count(user=colleague.user) == 0
    assert [m.subject for m in mail.outbox] == [notification.title]  # and the email, as before


def test_an_alert_raised_again_by_the_task_and_the_tick_is_one_notification(clinician):
    patient = make_patient(clinician, time_zone="Pacific/Auckland")
    event = event_for(patient, EventKind.PAIN_HIGH)
    assert patient_event_alert_task(event.pk) == "sent"
    # The task delivered twice (acks_late after a worker restart), then the minute's tick.
    assert patient_event_alert_task(event.pk) == "not-claimed"
    reminders_tick()
    assert alert_raise(event_id=event.pk, now=NOW) == Reminder.objects.get()
    assert Notification.objects.count() == 1 and len(mail.outbox) == 1


def test_a_send_retried_after_a_transient_error_makes_one_notification(clinician, settings):
    patient = make_patient(clinician, time_zone="America/Los_Angeles")
    event = event_for(patient, EventKind.RED_FLAG_REPORTED)
    alert = alert_raise(event_id=event.pk, now=NOW)
    settings.EMAIL_BACKEND = f"{__name__}.Unreachable"
    with pytest.raises(delivery.TransientDeliveryError):
        delivery.reminder_send(reminder_id=alert.pk)
    # The in-app copy is made with the claim, before the email is tried.
    assert Notification.objects.filter(user=clinician.user).count() == 1
    alert.refresh_from_db()
    assert alert.status == "pending" and alert.channels == ["in_app"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert delivery.reminder_send(reminder_id=alert.pk) == "sent"
    assert delivery.reminder_send(reminder_id=alert.pk) == "not-claimed"
    assert Notification.objects.count() == 1 and len(mail.outbox) == 1
    alert.refresh_from_db()
    assert alert.attempts == 2 and alert.channels == ["in_app", "email"]


def test_a_clinician_without_an_email_address_still_gets_the_notification(clinician):
    clinician.user.email = ""
    clinician.user.save()
    patient = make_patient(clinician, time_zone="Pacific/Auckland")
    event = event_for(patient, EventKind.DAYS_MISSED)
    assert patient_event_alert_task(event.pk) == "sent"
    assert Notification.objects.filter(user=clinician.user).count() == 1
    assert not mail.outbox


def test_the_weekly_digest_is_a_notification_too(clinician, colleague):
    digest = Reminder.objects.create(
        kind=ReminderKind.WEEKLY_DIGEST,
        clinician=clinician,
        for_date=NOW.date(),
        due_at=NOW,
        context={"pending": 2, "patients": ["Ana Ient", "Олег Иванов"]},
    )
    assert delivery.reminder_send(reminder_id=digest.pk) == "sent"
    [notification] = Notification.objects.all()
    assert notification.user == clinician.user
    assert notification.link == "/admin/planner/reviewproposal/?status__exact=pending"


def test_the_notification_reads_in_the_readers_language(clinician):
    patient = make_patient(clinician, first_name="Олег", time_zone="Pacific/Auckland")
    event = event_for(patient, EventKind.PAIN_HIGH)
    patient_event_alert_task(event.pk)
    notification = Notification.objects.get()
    assert notification.title.startswith("Pain of 7/10")  # frozen in the clinic's language
    russian = notification_message(notification, "ru")
    assert russian.title.startswith("Боль 7/10") and "Олег" in russian.title
    assert notification_message(notification, "en").title == notification.title


def test_a_notification_from_no_reminder_reads_as_stored(clinician):
    plain = Notification.objects.create(user=clinician.user, title="Привет", body="Текст")
    assert notification_message(plain, "en").title == "Привет"
