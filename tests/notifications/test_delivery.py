"""Delivery's guarantee: a short claim, the send outside any transaction, a short mark-sent;
a send left in doubt is never repeated to a patient and always repeated to a clinician,
with the same Message-ID.

The mail server here is a real SMTP conversation over TCP (a small server in a thread that
can answer, hang or hang up at any step), not a stub of Django's mail API.
"""

import re
import socket
import socketserver
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from typing import Any, ClassVar

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as MemoryBackend
from django.db import connection

from notifications import delivery, planning
from notifications.channels import TransientDeliveryError
from notifications.models import Notification, Reminder, ReminderKind
from notifications.tasks import reminders_tick
from planner.models import Program
from rehab import services as rehab_services
from tests.conftest import make_patient, start_program

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("library")]
# Los Angeles: the patient's day is still 24 November when UTC is on the 25th.
ZONE = "America/Los_Angeles"
NOW = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)  # 19:00 on the 24th in Los Angeles
TODAY = datetime(2026, 11, 24).date()
DEADLINE = 600  # REMINDER_SEND_DEADLINE, the default


@pytest.fixture(autouse=True)
def _frozen_clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def program(clinician) -> Program:
    user = get_user_model().objects.create_user("ana-app", email="ana@mail.test")
    patient = make_patient(
        clinician, first_name="Ana", user=user, time_zone=ZONE, reminder_time=time(18, 0)
    )
    rehab_services.patient_diagnosis_add(
        patient=patient, code="sciatica", side="left", stage="subacute"
    )
    return start_program(patient, clinician.user, TODAY - timedelta(days=5), master=True)


def due_reminder(program: Program) -> Reminder:
    """Today's home reminder, due at 18:00 in Los Angeles (an hour ago)."""
    planning.reminders_plan(now=NOW)
    return Reminder.objects.get(patient=program.patient, kind=ReminderKind.DAILY_HOME)


def pain_alert(program: Program) -> Reminder:
    return Reminder.objects.create(
        kind=ReminderKind.ALERT_PAIN,
        patient=program.patient,
        for_date=TODAY,
        due_at=NOW - timedelta(minutes=1),
        context={"pain": 7},
    )


def message_ids() -> list[str]:
    return [message.extra_headers["Message-ID"] for message in mail.outbox]


class WorkerDied(BaseException):
    """What the process's death looks like from inside: nothing after it runs."""


class DyingAfterSending(MemoryBackend):
    """The mail server takes the message, then the worker dies before marking it sent."""

    def send_messages(self, messages: Any) -> int:
        super().send_messages(messages)
        raise WorkerDied


class Watching(MemoryBackend):
    """Notes, at the moment of sending, how many atomic blocks are open and the row's status.

    The test itself runs inside one (pytest-django's rolled-back transaction): delivery
    must open none of its own around the send.
    """

    seen: ClassVar[list[tuple[int, str]]] = []

    def send_messages(self, messages: Any) -> int:
        for message in messages:
            number = int(re.search(r"reminder-(\d+)@", message.extra_headers["Message-ID"])[1])
            status = Reminder.objects.values_list("status", flat=True).get(pk=number)
            Watching.seen.append((len(connection.atomic_blocks), status))
        return super().send_messages(messages)


# -- the three steps ---------------------------------------------------------------------------


def test_the_send_runs_outside_any_transaction_on_a_claimed_row(program, settings):
    settings.EMAIL_BACKEND = f"{__name__}.Watching"
    Watching.seen.clear()
    reminder = due_reminder(program)
    test_blocks = len(connection.atomic_blocks)
    assert delivery.reminder_send(reminder_id=reminder.pk) == "sent"
    assert Watching.seen == [(test_blocks, "sending")]
    reminder.refresh_from_db()
    assert reminder.status == "sent" and reminder.claimed_at == NOW and reminder.sent_at == NOW


def test_the_claim_freezes_the_message_with_its_message_id_and_topic(program):
    reminder = due_reminder(program)
    assert delivery.reminder_send(reminder_id=reminder.pk) == "sent"
    reminder.refresh_from_db()
    assert reminder.outbox["message_id"] == f"<reminder-{reminder.pk}@rehab-planner>"
    assert reminder.outbox["topic"] == f"reminder{reminder.pk}"
    assert reminder.outbox["at_most_once"] is True
    assert reminder.outbox["title"] == mail.outbox[0].subject
    [notification] = Notification.objects.filter(reminder=reminder)
    assert notification.body == reminder.outbox["body"] == mail.outbox[0].body


# -- a worker that dies during the send --------------------------------------------------------


def test_a_patient_reminder_left_in_doubt_is_never_sent_again(program, settings):
    reminder = due_reminder(program)
    settings.EMAIL_BACKEND = f"{__name__}.DyingAfterSending"
    with pytest.raises(WorkerDied):
        delivery.reminder_send(reminder_id=reminder.pk)
    reminder.refresh_from_db()
    assert reminder.status == "sending" and len(mail.outbox) == 1
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    # Before the deadline the send may still be running: nothing is touched.
    just_before = NOW + timedelta(seconds=DEADLINE - 1)
    assert delivery.reminders_recover_in_doubt(now=just_before) == {"given_up": 0, "sent_again": 0}
    after = NOW + timedelta(seconds=DEADLINE + 1)
    assert delivery.reminders_recover_in_doubt(now=after) == {"given_up": 1, "sent_again": 0}
    reminder.refresh_from_db()
    assert reminder.status == "in_doubt" and reminder.in_doubt_at == after
    assert "not sent again" in reminder.last_error
    assert delivery.reminder_send(reminder_id=reminder.pk, now=after) == "not-claimed"
    assert reminder.pk not in delivery.reminders_queue_due(now=after)
    assert len(mail.outbox) == 1
    assert Notification.objects.filter(reminder=reminder).count() == 1


def test_a_clinician_alert_left_in_doubt_is_sent_again_with_the_same_message_id(program, settings):
    alert = pain_alert(program)
    settings.EMAIL_BACKEND = f"{__name__}.DyingAfterSending"
    with pytest.raises(WorkerDied):
        delivery.reminder_send(reminder_id=alert.pk)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    program.patient.first_name = "Renamed"  # the copy sent again is the frozen message
    program.patient.save()

    after = NOW + timedelta(seconds=DEADLINE + 1)
    assert delivery.reminders_recover_in_doubt(now=after) == {"given_up": 0, "sent_again": 1}
    assert delivery.reminders_queue_due(now=after) == [alert.pk]
    assert delivery.reminder_send(reminder_id=alert.pk, now=after) == "sent"
    assert message_ids() == [f"<reminder-{alert.pk}@rehab-planner>"] * 2
    assert mail.outbox[0].body == mail.outbox[1].body and "Renamed" not in mail.outbox[1].body
    alert.refresh_from_db()
    assert alert.status == "sent" and alert.attempts == 2 and alert.in_doubt_at == after
    assert Notification.objects.filter(reminder=alert).count() == 1


def test_the_tick_settles_what_a_dead_worker_left(program, settings):
    reminder, alert = due_reminder(program), pain_alert(program)
    settings.EMAIL_BACKEND = f"{__name__}.DyingAfterSending"
    for row in (reminder, alert):
        with pytest.raises(WorkerDied):
            delivery.reminder_send(reminder_id=row.pk)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with time_machine.travel(NOW + timedelta(seconds=DEADLINE + 60), tick=False):
        reminders_tick()
    reminder.refresh_from_db()
    alert.refresh_from_db()
    assert (reminder.status, alert.status) == ("in_doubt", "pending")


# -- a real mail server over TCP ---------------------------------------------------------------


class SmtpServer(socketserver.ThreadingTCPServer):
    """Speaks SMTP on 127.0.0.1; `behaviour` says what it does at the end of DATA."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), SmtpHandler)
        self.behaviour = "accept"  # or "hang" (never answers), "hang_up", "refuse", "greet_never"
        self.accepted: list[str] = []
        self.release = threading.Event()

    @property
    def port(self) -> int:
        return self.server_address[1]


class SmtpHandler(socketserver.StreamRequestHandler):
    server: SmtpServer

    def reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())
        self.wfile.flush()

    def handle(self) -> None:
        if self.server.behaviour == "greet_never":
            self.server.release.wait(10)
            return
        self.reply("220 clinic-mail ESMTP")
        while line := self.rfile.readline():
            command = line.decode().strip().upper()
            if command.startswith(("EHLO", "HELO")):
                self.reply("250 clinic-mail")
            elif command.startswith(("MAIL", "RCPT", "RSET", "NOOP")):
                self.reply("250 OK")
            elif command == "DATA":
                self.reply("354 go ahead")
                body = []
                while (data := self.rfile.readline()) not in (b".\r\n", b""):
                    body.append(data.decode())
                if self.server.behaviour == "hang":
                    self.server.release.wait(10)
                    return
                if self.server.behaviour == "hang_up":
                    return
                if self.server.behaviour == "refuse":
                    self.reply("550 no such mailbox")
                    continue
                self.server.accepted.append("".join(body))
                self.reply("250 queued")
            elif command == "QUIT":
                self.reply("221 bye")
                return


@pytest.fixture
def smtp(settings) -> Iterator[SmtpServer]:
    server = SmtpServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 1
    yield server
    server.release.set()
    server.shutdown()
    server.server_close()


def test_a_real_mail_server_gets_the_message_with_its_message_id(program, smtp):
    reminder = due_reminder(program)
    assert delivery.reminder_send(reminder_id=reminder.pk) == "sent"
    [message] = smtp.accepted
    assert f"Message-ID: <reminder-{reminder.pk}@rehab-planner>" in message


def test_a_mail_server_that_never_answers_is_given_up_quickly_and_retried(program, smtp):
    smtp.behaviour = "greet_never"
    alert = pain_alert(program)
    with pytest.raises(TransientDeliveryError, match="unreachable"):
        delivery.reminder_send(reminder_id=alert.pk)
    alert.refresh_from_db()
    # Nothing was handed over: the row goes back for a retry, not in doubt.
    assert alert.status == "pending" and alert.in_doubt_at is None and alert.claimed_at is None
    smtp.behaviour = "accept"
    assert delivery.reminder_send(reminder_id=alert.pk) == "sent"
    assert len(smtp.accepted) == 1


def test_a_closed_port_is_a_transient_error(program, settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", closed_port, 1
    reminder = due_reminder(program)
    with pytest.raises(TransientDeliveryError):
        delivery.reminder_send(reminder_id=reminder.pk)
    reminder.refresh_from_db()
    assert reminder.status == "pending" and reminder.attempts == 1


@pytest.mark.parametrize("behaviour", ["hang", "hang_up"])
def test_a_patient_reminder_broken_off_mid_send_is_in_doubt_and_not_repeated(
    program, smtp, behaviour
):
    smtp.behaviour = behaviour
    reminder = due_reminder(program)
    assert delivery.reminder_send(reminder_id=reminder.pk) == "in-doubt"
    reminder.refresh_from_db()
    assert reminder.status == "in_doubt" and reminder.in_doubt_at == NOW
    smtp.behaviour = "accept"
    assert delivery.reminder_send(reminder_id=reminder.pk) == "not-claimed"
    assert smtp.accepted == []


@pytest.mark.parametrize("behaviour", ["hang", "hang_up"])
def test_a_clinician_alert_broken_off_mid_send_is_retried_with_the_same_message_id(
    program, smtp, behaviour
):
    smtp.behaviour = behaviour
    alert = pain_alert(program)
    with pytest.raises(TransientDeliveryError, match="broke"):
        delivery.reminder_send(reminder_id=alert.pk)
    alert.refresh_from_db()
    assert alert.status == "pending" and alert.in_doubt_at == NOW
    smtp.behaviour = "accept"
    assert delivery.reminder_send(reminder_id=alert.pk) == "sent"
    [message] = smtp.accepted
    assert f"Message-ID: <reminder-{alert.pk}@rehab-planner>" in message


def test_a_refused_address_fails_the_row_for_good(program, smtp):
    smtp.behaviour = "refuse"
    reminder = due_reminder(program)
    assert delivery.reminder_send(reminder_id=reminder.pk) == "failed"
    reminder.refresh_from_db()
    assert reminder.status == "failed" and "550" in reminder.last_error
    assert reminder.channels == ["in_app"]


# -- a batch -----------------------------------------------------------------------------------


def test_a_batch_reads_its_rows_and_recipients_once_then_claims_each_alone(
    clinician, django_assert_max_num_queries
):
    alerts = [
        Reminder.objects.create(
            kind=ReminderKind.ALERT_PAIN,
            patient=make_patient(clinician, first_name=f"P{n}", time_zone=ZONE),
            for_date=TODAY,
            due_at=NOW - timedelta(minutes=1),
            context={"pain": 7},
        )
        for n in range(10)
    ]
    ids = [alert.pk for alert in alerts]
    # Two reads for the batch; then for each alert its claim with the in-app copy (in a
    # transaction: two more statements here, where it is a savepoint) and its mark-sent.
    with django_assert_max_num_queries(2 + 5 * len(ids)):
        outcomes = delivery.reminders_send(reminder_ids=[*ids, 999_999])
    assert outcomes == {**dict.fromkeys(ids, "sent"), 999_999: "not-claimed"}
    assert len(mail.outbox) == 10 and Notification.objects.count() == 10
    assert delivery.reminders_send(reminder_ids=ids) == dict.fromkeys(ids, "not-claimed")
