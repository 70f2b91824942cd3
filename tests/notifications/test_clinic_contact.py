"""The clinic in what patients receive: emails signed with its name and phone (in the
patient's language), and its name and address as the LOCATION of clinic sessions in the
calendar feed, escaped as RFC 5545 asks."""

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail

from notifications import delivery, planning
from notifications.ical import CalendarEvent, calendar_text
from notifications.models import Notification, Reminder, ReminderKind, ReminderPreferences
from notifications.selectors import calendar_feed_render
from notifications.services import patient_invite_send
from planner.models import Program
from rehab import services as rehab_services
from rehab.models import ClinicSettings
from tests.conftest import make_patient, start_program

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("library")]

# Los Angeles and Auckland: the patient's date is not UTC's at this instant.
NOW = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)  # 19:00 on the 24th in Los Angeles
TODAY = date(2026, 11, 24)
ADDRESS = "12 Lenina St, bldg. 2; 3rd floor, Moscow"
SIGNATURE = "\n\n-- \nSpine Rehab Centre\nPhone: +7 495 123-45-67"
PHONE_RU = "Телефон"
SIGNATURE_RU = "\n\n-- \nSpine Rehab Centre\n" + PHONE_RU + ": +7 495 123-45-67"


@pytest.fixture(autouse=True)
def _frozen_clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def clinic() -> ClinicSettings:
    return rehab_services.clinic_settings_save(
        clinic=ClinicSettings(
            name="Spine Rehab Centre",
            address=ADDRESS,
            phone="+7 495 123-45-67",
            time_zone="America/Los_Angeles",
        )
    )


def program_for(clinician, *, language: str = "en", zone: str = "America/Los_Angeles") -> Program:
    user = get_user_model().objects.create_user("ana-app", email="ana@mail.test")
    patient = make_patient(
        clinician,
        first_name="Ana",
        user=user,
        time_zone=zone,
        reminder_time=time(18, 0),
    )
    patient.language = language
    patient.save(update_fields=["language"])
    rehab_services.patient_diagnosis_add(
        patient=patient, code="sciatica", side="left", stage="subacute"
    )
    return start_program(patient, clinician.user, TODAY - timedelta(days=5), master=True)


def sent_daily_reminder(program: Program) -> Reminder:
    planning.reminders_plan(now=NOW)
    reminder = Reminder.objects.get(patient=program.patient, kind=ReminderKind.DAILY_HOME)
    assert delivery.reminder_send(reminder_id=reminder.pk, now=NOW) == "sent"
    reminder.refresh_from_db()
    return reminder


# -- emails ----------------------------------------------------------------------------------------


def test_a_reminder_email_is_signed_with_the_clinics_name_and_phone(clinician, clinic):
    reminder = sent_daily_reminder(program_for(clinician))
    [message] = mail.outbox
    assert message.body == reminder.outbox["body"] + SIGNATURE
    # The in-app message is the clinic's own app: no signature there.
    assert Notification.objects.get(reminder=reminder).body == reminder.outbox["body"]
    # Frozen with the message, so a copy sent again after a crash is the same email.
    assert reminder.outbox["signature"] == SIGNATURE.removeprefix("\n\n-- \n")


def test_a_russian_speakers_email_is_signed_in_russian(clinician, clinic):
    sent_daily_reminder(program_for(clinician, language="ru"))
    body = mail.outbox[0].body
    assert body.startswith("Здравствуйте, Ana!")
    assert body.endswith(SIGNATURE_RU)


def test_before_the_clinic_has_settings_emails_go_unsigned(clinician):
    reminder = sent_daily_reminder(program_for(clinician))
    assert mail.outbox[0].body == reminder.outbox["body"]
    assert "-- " not in mail.outbox[0].body


def test_a_clinicians_alert_is_not_signed_as_a_letter_from_the_clinic(clinician, clinic):
    program = program_for(clinician)
    alert = Reminder.objects.create(
        kind=ReminderKind.ALERT_PAIN,
        patient=program.patient,
        for_date=TODAY,
        due_at=NOW - timedelta(minutes=1),
        context={"pain": 7},
    )
    assert delivery.reminder_send(reminder_id=alert.pk, now=NOW) == "sent"
    [message] = mail.outbox
    assert message.to == [clinician.user.email]
    assert "-- " not in message.body and "+7 495" not in message.body


@pytest.mark.parametrize(
    ("language", "ending"),
    [
        ("en", SIGNATURE),
        ("ru", SIGNATURE_RU),
    ],
)
def test_the_invitation_email_is_signed(clinician, clinic, language, ending):
    patient = make_patient(clinician, email="new@mail.test")
    patient.language = language
    patient.save(update_fields=["language"])
    link = patient_invite_send(patient=patient, by=clinician.user, base_url="https://clinic.test")
    [message] = mail.outbox
    assert link in message.body
    assert message.body.endswith(ending)


# -- the calendar feed -----------------------------------------------------------------------------


def unfolded_events(text: str) -> list[str]:
    return text.replace("\r\n ", "").split("BEGIN:VEVENT\r\n")[1:]


def test_an_events_location_is_escaped_as_rfc_5545_asks():
    event = CalendarEvent(
        uid="clinic-1@rehab-planner",
        start=datetime(2026, 12, 1, 18, 0, tzinfo=UTC),
        duration=timedelta(hours=1),
        summary="Session at the clinic (#1)",
        location='Spine Rehab, 12 Lenina St; back\\door\n"Gate 2"',
    )
    text = calendar_text("Exercises", [event], now=NOW)
    [body] = unfolded_events(text)
    assert 'LOCATION:Spine Rehab\\, 12 Lenina St\\; back\\\\door\\n"Gate 2"\r\n' in body
    without = CalendarEvent(
        uid="home-1@rehab-planner", start=event.start, duration=event.duration, summary="Home"
    )
    assert "LOCATION" not in calendar_text("Exercises", [without], now=NOW)


@pytest.mark.parametrize("zone", ["America/Los_Angeles", "Pacific/Auckland"])
def test_clinic_sessions_in_the_feed_say_where_the_clinic_is(
    clinician, clinic, zone, django_assert_max_num_queries
):
    program = program_for(clinician, zone=zone)
    token = ReminderPreferences.objects.create(patient=program.patient).calendar_token
    with django_assert_max_num_queries(12):
        text = calendar_feed_render(token=token, now=NOW) or ""
    events = unfolded_events(text)
    clinic_events = [e for e in events if "UID:clinic-" in e]
    home_events = [e for e in events if "UID:home-" in e]
    assert len(clinic_events) == 10 and home_events
    location = "LOCATION:Spine Rehab Centre\\, 12 Lenina St\\, bldg. 2\\; 3rd floor\\, Moscow\r\n"
    assert all(location in event for event in clinic_events)
    assert not any("LOCATION" in event for event in home_events)  # done at home


def test_without_clinic_settings_the_feed_has_no_location(clinician):
    program = program_for(clinician)
    token = ReminderPreferences.objects.create(patient=program.patient).calendar_token
    assert "LOCATION" not in (calendar_feed_render(token=token, now=NOW) or "")
