"""Reminders and alerts: what is planned, when, and that each goes out exactly once."""

import base64
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import http_ece
import pytest
import time_machine
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_celery_beat.models import PeriodicTask
from py_vapid import Vapid01

from notifications import delivery, planning
from notifications import services as notification_services
from notifications.channels import TransientDeliveryError
from notifications.models import Notification, PushSubscription, Reminder, ReminderPreferences
from notifications.tasks import patient_event_alert_task
from notifications.timing import due_at, local_date
from planner import selectors, services
from planner.explanations import reason_text
from planner.models import PatientEvent, Program, SupervisedSession
from rehab import services as rehab_services
from tests.conftest import PASSWORD, make_patient, start_program
from tests.notifications.push_keys import AUTH, OTHER_P256DH, P256DH
from testsupport.processes import free_port

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("library")]
ZONE = "Europe/Moscow"
NOW = datetime(2026, 11, 25, 6, 30, tzinfo=UTC)  # 09:30 in Moscow; the clock is frozen here
TODAY = local_date(NOW, ZONE)
START = TODAY - timedelta(days=10)
NINE = due_at(TODAY, time(9, 0), ZONE)


@pytest.fixture(autouse=True)
def _frozen_clock() -> Iterator[None]:
    with time_machine.travel(NOW):
        yield


def make_program(clinician, *, name: str = "Vera", mastered: bool = True, start=START) -> Program:
    user = get_user_model().objects.create_user(f"{name.lower()}-app", email=f"{name}@mail.test")
    patient = make_patient(
        clinician, first_name=name, user=user, time_zone=ZONE, reminder_time=time(9, 0)
    )
    rehab_services.patient_diagnosis_add(
        patient=patient, code="osteochondrosis", side="bilateral", stage="chronic"
    )
    return start_program(patient, clinician.user, start, master=mastered)


@pytest.fixture
def program(clinician) -> Program:
    return make_program(clinician)


def log_day(program: Program, day, pain: int = 1) -> None:
    entries = [
        services.LogEntry(item.exercise.slug, True, pain_during=pain, pain_after=pain)
        for item in selectors.home_session_exercises(program=program, day=day)
    ]
    services.session_log_record(
        patient=program.patient, day=day, client_key=f"{program.pk}-{day}", entries=entries
    )


def log_all_but(program: Program, missed: int) -> None:
    """Log every day from the start until `missed` days before today."""
    day = program.start_date
    while day < TODAY - timedelta(days=missed):
        log_day(program, day)
        day += timedelta(days=1)


CLINIC_KINDS = ("supervised_24h", "supervised_2h")


def kinds(**filters) -> list[str]:
    """Kinds of the rows planned, leaving out the clinic-session ones (tested on their own)."""
    rows = Reminder.objects.filter(**filters).exclude(kind__in=CLINIC_KINDS)
    return sorted(rows.values_list("kind", flat=True))


# -- planning -----------------------------------------------------------------------------------


def test_the_daily_reminder_is_planned_at_the_patients_local_time_once(program, settings):
    settings.EVENING_NUDGE_TIME = None
    log_all_but(program, missed=0)
    planning.reminders_plan(now=NOW)
    planning.reminders_plan(now=NOW)  # a second beat, the same minute
    assert kinds(patient=program.patient) == ["daily_home"]
    daily = Reminder.objects.get(kind="daily_home")
    assert daily.for_date == TODAY and daily.due_at == NINE
    assert daily.context["exercises"] == len(
        selectors.home_session_exercises(program=program, day=TODAY)
    )
    assert daily.context["minutes"] > 0


def test_quiet_hours_move_the_reminder_to_their_end(program):
    log_all_but(program, missed=0)
    ReminderPreferences.objects.create(
        patient=program.patient, quiet_start=time(8, 0), quiet_end=time(10, 30)
    )
    planning.reminders_plan(now=NOW)
    daily = Reminder.objects.get(kind="daily_home")
    assert daily.due_at == due_at(TODAY, time(10, 30), ZONE)


def test_no_daily_reminder_before_home_unlock_when_paused_or_once_logged(clinician, settings):
    settings.EVENING_NUDGE_TIME = None
    supervised = make_program(clinician, name="Early", mastered=False)
    paused = make_program(clinician, name="Paused")
    services.program_pause(program=paused, by=clinician.user, reason="Flare-up.")
    logged = make_program(clinician, name="Done")
    log_all_but(logged, missed=-1)  # today included
    planning.reminders_plan(now=NOW)
    for program in (supervised, paused, logged):
        assert "daily_home" not in kinds(patient=program.patient)


def test_evening_nudge_follows_the_clinic_setting(program, settings):
    log_all_but(program, missed=0)
    settings.EVENING_NUDGE_TIME = time(19, 30)
    planning.reminders_plan(now=NOW)
    nudge = Reminder.objects.get(kind="evening_nudge")
    assert nudge.due_at == due_at(TODAY, time(19, 30), ZONE)
    Reminder.objects.all().delete()
    settings.EVENING_NUDGE_TIME = None
    planning.reminders_plan(now=NOW)
    assert kinds() == ["daily_home"]


def test_two_missed_days_bring_an_encouraging_nudge_three_alert_the_clinician(clinician, settings):
    settings.EVENING_NUDGE_TIME = None
    two = make_program(clinician, name="Two")
    log_all_but(two, missed=2)
    three = make_program(clinician, name="Three")
    log_all_but(three, missed=3)
    planning.reminders_plan(now=NOW)
    assert kinds(patient=two.patient) == ["daily_home", "missed_two_days"]
    assert kinds(patient=three.patient) == ["alert_missed_three_days", "daily_home"]


def test_clinic_sessions_are_reminded_a_day_and_two_hours_before(clinician):
    program = make_program(clinician, name="Clinic", mastered=False, start=TODAY)
    session = SupervisedSession.objects.filter(program=program).order_by("scheduled_for")[0]
    before = session.scheduled_for - timedelta(hours=25)
    planning.reminders_plan(now=before)
    rows = {r.kind: r for r in Reminder.objects.filter(patient=program.patient)}
    assert set(rows) == {"supervised_24h", "supervised_2h"}
    assert rows["supervised_24h"].due_at == session.scheduled_for - timedelta(hours=24)
    assert rows["supervised_2h"].due_at == session.scheduled_for - timedelta(hours=2)
    assert rows["supervised_2h"].context["time"] == "10:00"


def test_planning_costs_the_same_queries_for_one_or_many_programs(clinician):
    make_program(clinician, name="A")
    with CaptureQueriesContext(connection) as one:
        planning.reminders_plan(now=NOW)
    for n in range(4):
        make_program(clinician, name=f"B{n}")
    with CaptureQueriesContext(connection) as many:
        planning.reminders_plan(now=NOW)
    assert len(many.captured_queries) == len(one.captured_queries)


# -- sending ------------------------------------------------------------------------------------


def due_daily(program: Program) -> Reminder:
    log_all_but(program, missed=0)
    planning.reminders_plan(now=NOW)
    return Reminder.objects.get(patient=program.patient, kind="daily_home")


def test_a_reminder_goes_out_once_by_email_and_in_app(program):
    reminder = due_daily(program)
    assert delivery.reminder_send(reminder_id=reminder.pk, now=NINE) == "sent"
    assert delivery.reminder_send(reminder_id=reminder.pk, now=NINE) == "not-claimed"
    reminder.refresh_from_db()
    assert reminder.status == "sent" and reminder.channels == ["in_app", "email"]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["Vera@mail.test"]
    assert message.subject == "Time for today's exercises"
    assert message.extra_headers["Message-ID"] == f"<reminder-{reminder.pk}@rehab-planner>"
    notification = Notification.objects.get()
    assert notification.user == program.patient.user and notification.link == "/app/today/"


def test_not_before_it_is_due(program):
    reminder = due_daily(program)
    assert delivery.reminder_send(reminder_id=reminder.pk, now=NINE - timedelta(minutes=1)) == (
        "not-claimed"
    )
    assert mail.outbox == []


def test_russian_speakers_get_russian(program):
    program.patient.language = "ru"
    program.patient.save(update_fields=["language"])
    reminder = due_daily(program)
    delivery.reminder_send(reminder_id=reminder.pk, now=NINE)
    assert mail.outbox[0].subject == "Пора сделать упражнения"
    assert "Здравствуйте, Vera!" in mail.outbox[0].body


def test_a_day_logged_after_planning_is_not_reminded(program):
    reminder = due_daily(program)
    log_day(program, TODAY)
    assert delivery.reminder_send(reminder_id=reminder.pk, now=NINE) == "skipped"
    reminder.refresh_from_db()
    assert reminder.status == "skipped" and "already logged" in reminder.last_error
    assert mail.outbox == [] and not Notification.objects.exists()


def test_email_can_be_switched_off_in_app_always_keeps_a_copy(program):
    ReminderPreferences.objects.create(patient=program.patient, email=False)
    reminder = due_daily(program)
    delivery.reminder_send(reminder_id=reminder.pk, now=NINE)
    assert mail.outbox == []
    assert Notification.objects.filter(reminder=reminder).count() == 1


def test_due_rows_are_handed_out_once_every_few_minutes(program):
    reminder = due_daily(program)
    assert reminder.pk in delivery.reminders_queue_due(now=NINE)
    assert reminder.pk not in delivery.reminders_queue_due(now=NINE + timedelta(minutes=1))
    assert reminder.pk in delivery.reminders_queue_due(now=NINE + timedelta(minutes=6))


# -- alerts -------------------------------------------------------------------------------------


def test_pain_of_six_alerts_the_clinician_and_pauses_progression(program, clinician):
    log_day(program, TODAY - timedelta(days=1), pain=7)
    event = PatientEvent.objects.get(kind="pain_high")  # the planner's record
    program.refresh_from_db()
    assert "Pain of 7" in program.progression_paused_reason
    (because,) = program.progression_paused_because  # the same, as data, for any reader
    assert reason_text(because, language="ru") == "24 ноября отмечена боль 7 из 10."
    assert patient_event_alert_task(event.pk) == "sent"  # what the worker does on commit
    alert = Reminder.objects.get(kind="alert_pain")
    assert alert.patient == program.patient and alert.context["pain"] == 7
    assert alert.event == event
    assert mail.outbox[0].to == [clinician.user.email]
    assert "7/10" in mail.outbox[0].subject
    assert Notification.objects.get().user == clinician.user


def test_a_reported_red_flag_pauses_the_program_and_alerts_at_once(program, clinician):
    raised = services.symptom_red_flag_report(
        patient=program.patient, codes=["saddle_anesthesia"], note="numb since morning"
    )
    assert raised == ["saddle_anesthesia"]
    program.refresh_from_db()
    assert program.status == "paused" and "contact you" in program.paused_reason
    event = PatientEvent.objects.get(kind="red_flag_reported")
    assert patient_event_alert_task(event.pk) == "sent"
    assert "please contact the patient today" in mail.outbox[0].body
    assert patient_event_alert_task(event.pk) == "not-claimed"  # a redelivered task: no copy
    assert len(mail.outbox) == 1


def test_an_unknown_red_flag_is_refused_and_nothing_changes(program):
    before = {m._meta.label: m.objects.count() for m in apps.get_models()}
    with pytest.raises(ValidationError, match="Unknown red flag headache; valid: "):
        services.symptom_red_flag_report(patient=program.patient, codes=["headache"])
    assert {m._meta.label: m.objects.count() for m in apps.get_models()} == before


# -- Web Push, against a local stand-in of a push service ---------------------------------------


class PushService:
    """Records what a browser's push service would receive; answers with `status`."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.status = 201
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers["Content-Length"])
                service.requests.append(
                    {
                        "path": self.path,
                        "headers": dict(self.headers),
                        "body": self.rfile.read(length),
                    }
                )
                self.send_response(service.status)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()


@pytest.fixture
def push_service(settings):
    vapid = Vapid01()
    vapid.generate_keys()
    raw = vapid.private_key.private_numbers().private_value.to_bytes(32, "big")
    settings.VAPID_PRIVATE_KEY = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    settings.VAPID_SUBJECT = "mailto:clinic@example.org"
    service = PushService()
    # The stand-in is plain http on loopback: allowed by its exact origin, as a clinic's
    # own push service would be (the defaults allow only the browsers' push services).
    settings.PUSH_SERVICE_HOSTS = [*settings.PUSH_SERVICE_HOSTS, service.url]
    yield service
    service.close()


def browser_subscription(user, service: PushService, name: str = "phone"):
    """A subscription as a browser makes it: its own key pair and auth secret."""
    private = ec.generate_private_key(ec.SECP256R1())
    public = private.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    auth = os.urandom(16)

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).decode().rstrip("=")

    subscription = PushSubscription.objects.create(
        user=user, endpoint=f"{service.url}/push/{name}", p256dh=b64(public), auth=b64(auth)
    )
    return subscription, private, auth


def test_push_is_encrypted_for_the_browser_and_signed_with_vapid(program, push_service):
    _, private, auth = browser_subscription(program.patient.user, push_service)
    reminder = due_daily(program)
    assert delivery.reminder_send(reminder_id=reminder.pk, now=NINE) == "sent"
    reminder.refresh_from_db()
    assert reminder.channels == ["in_app", "push", "email"]
    [request] = push_service.requests
    headers = request["headers"]
    assert headers["content-encoding"] == "aes128gcm"
    assert headers["authorization"].startswith("vapid t=")
    assert headers["topic"] == f"reminder{reminder.pk}"
    payload = json.loads(
        http_ece.decrypt(
            request["body"], private_key=private, auth_secret=auth, version="aes128gcm"
        )
    )
    assert payload == {
        "title": "Time for today's exercises",
        "body": mail.outbox[0].body,
        "link": "/app/today/",
    }


def test_a_subscription_the_push_service_says_is_gone_is_disabled_not_retried(
    program, push_service
):
    subscription, _, _ = browser_subscription(program.patient.user, push_service)
    push_service.status = 410
    reminder = due_daily(program)
    assert delivery.reminder_send(reminder_id=reminder.pk, now=NINE) == "sent"
    subscription.refresh_from_db()
    assert not subscription.is_active and "gone" in subscription.disabled_reason
    reminder.refresh_from_db()
    assert reminder.channels == ["in_app", "email"]


def test_a_push_service_error_hands_the_row_back_for_a_retry_of_what_is_left(program, push_service):
    browser_subscription(program.patient.user, push_service)
    push_service.status = 503
    reminder = due_daily(program)
    with pytest.raises(TransientDeliveryError):
        delivery.reminder_send(reminder_id=reminder.pk, now=NINE)
    reminder.refresh_from_db()
    assert reminder.status == "pending" and reminder.sent_at is None
    assert reminder.attempts == 1 and "503" in reminder.last_error
    # The in-app copy was made with the claim; nothing went by email.
    assert mail.outbox == [] and Notification.objects.count() == 1
    push_service.status = 201
    assert delivery.reminder_send(reminder_id=reminder.pk, now=NINE) == "sent"
    assert len(mail.outbox) == 1 and Notification.objects.count() == 1
    reminder.refresh_from_db()
    assert reminder.channels == ["in_app", "push", "email"] and reminder.attempts == 2


def test_register_a_subscription_checks_its_fields(program):
    user = program.patient.user
    with pytest.raises(ValidationError) as error:
        notification_services.push_subscription_register(
            user=user, endpoint="http://insecure.test/x", p256dh="", auth=""
        )
    assert set(error.value.message_dict) == {"endpoint", "p256dh", "auth"}
    assert not PushSubscription.objects.exists()
    endpoint = "https://fcm.googleapis.com/fcm/send/abc"
    first = notification_services.push_subscription_register(
        user=user, endpoint=endpoint, p256dh=P256DH, auth=AUTH
    )
    first.is_active = False
    first.save()
    again = notification_services.push_subscription_register(
        user=user, endpoint=endpoint, p256dh=OTHER_P256DH, auth=AUTH
    )
    assert again.pk == first.pk and again.is_active and again.p256dh == OTHER_P256DH


# -- the beat schedule --------------------------------------------------------------------------


def test_periodic_tasks_are_created_by_the_migration_and_kept_by_sync_beat():
    expected = {
        "reminders: plan and send due": "planner.tasks.reminders_tick",
        "reviews: propose the weeks that ended": "planner.tasks.reviews_propose_due_task",
        "programs: re-check against the rules in force": "planner.tasks.programs_recheck_task",
        "health: worker heartbeat": "notifications.tasks.worker_heartbeat_task",
    }
    assert dict(PeriodicTask.objects.values_list("name", "task")) == expected
    tick = PeriodicTask.objects.get(task="planner.tasks.reminders_tick")
    assert (tick.interval.every, tick.interval.period) == (60, "seconds")
    tick.enabled = False
    tick.save()
    call_command("sync_beat", verbosity=0)
    call_command("sync_beat", verbosity=0)
    assert PeriodicTask.objects.filter(enabled=True).count() == 4
    assert dict(PeriodicTask.objects.values_list("name", "task")) == expected


# -- the calendar feed --------------------------------------------------------------------------


def feed_url(patient) -> str:
    preferences, _ = ReminderPreferences.objects.get_or_create(patient=patient)
    return f"/calendar/{preferences.calendar_token}.ics"


def test_the_calendar_feed_lists_home_and_clinic_sessions(client, program):
    response = client.get(feed_url(program.patient))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    text = response.content.decode()
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert text.endswith("END:VCALENDAR\r\n")
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    # Mastered on the first day: each of the 42 days has its home session.
    assert text.count("SUMMARY:Home exercises") == 42
    assert text.count("SUMMARY:Session at the clinic") == 10
    nine_local = due_at(START, time(9, 0), ZONE).strftime("%Y%m%dT%H%M%SZ")
    assert f"DTSTART:{nine_local}" in text


def test_an_unknown_or_reset_address_shows_nothing(client, program):
    old = feed_url(program.patient)
    assert client.get("/calendar/not-a-token.ics").status_code == 404
    new_token = notification_services.calendar_token_reset(patient=program.patient)
    assert client.get(old).status_code == 404
    assert client.get(f"/calendar/{new_token}.ics").status_code == 200


def test_the_feed_is_read_only_and_costs_few_queries(
    client, program, django_assert_max_num_queries
):
    url = feed_url(program.patient)
    assert client.post(url).status_code == 405
    with django_assert_max_num_queries(8):
        assert client.get(url).status_code == 200


# -- preferences and the clinic's view ----------------------------------------------------------


def test_preferences_are_validated_before_anything_is_saved(program):
    patient = program.patient
    with pytest.raises(ValidationError) as error:
        notification_services.reminder_preferences_update(
            patient=patient, language="fr", colour="blue"
        )
    assert set(error.value.message_dict) == {"colour"}
    with pytest.raises(ValidationError) as error:
        notification_services.reminder_preferences_update(patient=patient, language="fr")
    assert "language" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        notification_services.reminder_preferences_update(patient=patient, quiet_start=time(22, 0))
    assert "quiet_end" in error.value.message_dict
    assert not ReminderPreferences.objects.exists()
    saved = notification_services.reminder_preferences_update(
        patient=patient, language="ru", quiet_start=time(22, 0), quiet_end=time(7, 0)
    )
    patient.refresh_from_db()
    assert (patient.language, saved.quiet_end) == ("ru", time(7, 0))


def test_reminder_time_and_time_zone_are_saved_on_the_patient_with_the_rest(program):
    patient = program.patient
    before = (patient.reminder_time, patient.time_zone)
    with pytest.raises(ValidationError) as error:
        notification_services.reminder_preferences_update(
            patient=patient, time_zone="Mars/Olympus", reminder_time=time(7, 15), email=False
        )
    assert set(error.value.message_dict) == {"time_zone"}
    patient.refresh_from_db()
    assert (patient.reminder_time, patient.time_zone) == before
    assert not ReminderPreferences.objects.exists()

    notification_services.reminder_preferences_update(
        patient=patient, time_zone="Asia/Tokyo", reminder_time=time(7, 15), email=False
    )
    patient.refresh_from_db()
    assert (patient.reminder_time, patient.time_zone) == (time(7, 15), "Asia/Tokyo")
    assert ReminderPreferences.objects.get(patient=patient).email is False


def test_the_clinic_sees_its_own_patients_reminders_only(client, program, colleague):
    due_daily(program)
    url = "/admin/notifications/reminder/"
    assert client.login(username=program.patient.clinician.user.username, password=PASSWORD)
    assert "Vera" in client.get(url).content.decode()
    client.logout()
    assert client.login(username=colleague.user.username, password=PASSWORD)
    assert "Vera" not in client.get(url).content.decode()


def test_an_event_is_announced_by_task_name_once_its_transaction_commits(
    program, monkeypatch, django_capture_on_commit_callbacks
):
    from celery import current_app

    sent: list[tuple[str, tuple[object, ...]]] = []

    def send_task(name: str, args: tuple[object, ...], ignore_result: bool) -> None:
        assert ignore_result  # no result store is asked (see the next test)
        sent.append((name, args))

    monkeypatch.setattr(current_app, "send_task", send_task)
    with django_capture_on_commit_callbacks(execute=True):
        log_day(program, TODAY - timedelta(days=1), pain=8)
    event = PatientEvent.objects.get(kind="pain_high")
    # The planner names the task; notifications registers it under that very name.
    assert sent == [(patient_event_alert_task.name, (event.pk,))]


def test_an_unreachable_redis_gives_the_announcement_up_without_asking_the_result_store():
    """The real Celery send, in a process of its own, with nothing at Redis's address: it
    gives up after its short publish retries and never asks the result store, whose
    reconnection (20 attempts a second apart) held a request, or `make db` run before Redis
    starts, for 20 s an event."""
    closed = f"redis://127.0.0.1:{free_port()}/0"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CELERY_", "REDIS_"))}
    env |= {"DJANGO_SETTINGS_MODULE": "config.settings.test", "REDIS_URL": closed}
    script = (
        "import django; django.setup(); import logging; logging.basicConfig(); "
        "from planner.services.events import _announce; _announce(1)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Event 1 waits for the next tick: broker unreachable." in done.stderr
    assert "result store" not in done.stderr + done.stdout
    assert "Retry (" not in done.stderr + done.stdout


def test_an_alert_survives_an_unreachable_broker_for_the_next_tick(
    program, monkeypatch, django_capture_on_commit_callbacks
):
    from celery import current_app
    from kombu.exceptions import OperationalError

    def broker_down(*args: object, **kwargs: object) -> None:
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(current_app, "send_task", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        log_day(program, TODAY - timedelta(days=1), pain=8)  # the patient's request succeeds
    assert not Reminder.objects.filter(kind="alert_pain").exists()
    now = timezone.now()
    planning.reminders_plan(now=now)  # the next tick turns the waiting event into its alert
    planning.reminders_plan(now=now)  # and a second tick makes no second one
    alert = Reminder.objects.get(kind="alert_pain")
    assert alert.status == "pending" and alert.event == PatientEvent.objects.get()
    assert alert.pk in delivery.reminders_queue_due(now=now)
