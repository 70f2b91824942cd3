"""A pain-rising alert carries the weekly review's reasons as data (`context["reasons"]`)
and says them in the reader's language: a Russian-speaking clinician reads why the pain
is creeping up in Russian, in the admin's notifications and in an email of a clinic whose
language is Russian. An alert raised before the reasons were kept as data shows its
English text, as it was."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from notifications.messages import render_message
from notifications.models import Notification, Reminder, ReminderKind
from notifications.tasks import patient_event_alert_task
from planner import services
from planner.engine.review.week import review_week
from planner.models import EventKind, PatientEvent
from planner.services.shared import reason_rows
from tests.conftest import PASSWORD, log_home_days, make_patient
from tests.planner.engine.weeks import reps_exercise, steady_week
from tests.planner.test_review_services import TODAY, home_program

pytestmark = pytest.mark.django_db

CREEPING_EN = "pain is creeping up"
CREEPING_RU = "боль понемногу нарастает"


@pytest.fixture(autouse=True)
def _frozen_clock() -> Iterator[None]:
    with time_machine.travel(datetime(TODAY.year, TODAY.month, TODAY.day, 12, 0, tzinfo=UTC)):
        yield


def creeping_reasons() -> list[dict]:
    """The engine's V-CREEP reason of a week 3 points over a baseline of 1, as stored."""
    exercise = reps_exercise(baseline=1, logs=steady_week(during=4, after=1))
    review = review_week([exercise])
    assert [r.rule for r in review.alert_reasons] == ["V-CREEP"]
    return reason_rows(review.alert_reasons)


def pain_rising_alert(patient, context: dict) -> Reminder:
    return Reminder.objects.create(
        kind=ReminderKind.ALERT_PAIN_RISING,
        patient=patient,
        for_date=timezone.localdate(),
        due_at=timezone.now(),
        context=context,
    )


@pytest.mark.parametrize("zone", ["America/Los_Angeles", "Pacific/Auckland"])
def test_the_reason_of_a_pain_rising_alert_is_said_in_the_readers_language(clinician, zone):
    patient = make_patient(clinician, first_name="Ольга", time_zone=zone)
    rows = creeping_reasons()
    alert = pain_rising_alert(patient, {"reason": rows[0]["text"], "reasons": rows})

    russian = render_message(alert, "ru").body
    assert CREEPING_RU in russian and CREEPING_EN not in russian
    assert "Медиана боли во время упражнений на этой неделе — 4 из 10, на 3 выше исходной (1)" in (
        russian
    )
    english = render_message(alert, "en").body
    assert CREEPING_EN in english and CREEPING_RU not in english
    assert rows[0]["text"] in english  # the English reads as the engine wrote it


def test_an_alert_raised_before_the_reasons_were_data_shows_its_english_text(clinician):
    patient = make_patient(clinician)
    alert = pain_rising_alert(patient, {"reason": "Median 5 against 2."})
    assert "Median 5 against 2." in render_message(alert, "ru").body
    assert "Median 5 against 2." in render_message(alert, "en").body


def test_a_russian_speaking_clinician_reads_the_review_s_reason_in_russian(
    client, clinician, settings
):
    """From the weekly review to the clinician: the review keeps its reasons with the alert
    (and their English for older readers); the email of a Russian clinic and the admin's
    notifications read in Russian say them in Russian."""
    settings.LANGUAGE_CODE = "ru"  # the clinic's language: its alert emails are in Russian
    first = TODAY - timedelta(days=15)
    program = home_program(clinician, first)
    log_home_days(program, first, 7, pain=1, difficulty="easy")
    services.review_propose(program=program, week_start=first)
    log_home_days(program, first + timedelta(days=7), 7, pain=4, difficulty="right")
    services.review_propose(program=program, week_start=first + timedelta(days=7))

    event = PatientEvent.objects.get(patient=program.patient, kind=EventKind.PAIN_RISING)
    assert {row["rule"] for row in event.context["reasons"]} == {"V-CREEP"}
    assert CREEPING_EN in event.context["reason"]

    assert patient_event_alert_task(event.pk) == "sent"
    [email] = mail.outbox
    assert CREEPING_RU in email.body and CREEPING_EN not in email.body

    [notification] = Notification.objects.filter(user=clinician.user)
    assert client.login(username=clinician.user.username, password=PASSWORD)
    page = reverse("admin:notifications_notification_changelist")
    html = client.get(page, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert CREEPING_RU in html and CREEPING_EN not in html
    assert notification.reminder.context["reasons"] == event.context["reasons"]
