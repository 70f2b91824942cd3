"""The demo that `make db` seeds shows the doctor every reason of the worklist, today's clinic
sessions and unread notifications, and never starts home training before the first
supervised session."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command

from notifications.models import ALERT_KINDS, Notification
from notifications.selectors import notifications_unread_count
from planner.models import Program, SupervisedSession, SupervisedStatus, WorklistKind
from planner.selectors.worklist import worklist_rows
from tests.conftest import same_on_every_database
from tests.demo_world import DEMO_COMMANDS

pytestmark = pytest.mark.django_db


def seed() -> None:
    for command in DEMO_COMMANDS:
        call_command(command, verbosity=0)


def doctor(username: str = "doctor"):
    return get_user_model().objects.get(username=username)


def kinds_on_the_worklist(user) -> set[str]:
    return {reason.kind for row in worklist_rows(user=user) for reason in row.reasons}


def test_the_demo_doctors_worklist_has_a_patient_for_every_reason():
    seed()
    # Read from the worklist's vocabulary when the test runs: a new kind must be seeded too.
    assert kinds_on_the_worklist(doctor()) == set(WorklistKind.values)
    # The colleague's patient is not on it.
    names = {row.patient.last_name for row in worklist_rows(user=doctor())}
    assert "Popov" not in names and "Morozov" in names


# Seeded on any day the clinic holds sessions (Monday to Friday; courses of 3 a week on
# Mondays, Wednesdays and Fridays, of 2 on Tuesdays and Thursdays), in the morning in
# Moscow where the demo's clinic and patients are, today's clinic sessions are there too.
@same_on_every_database  # the demo's clinical days; the worklist's SQL is in test_worklist
@pytest.mark.parametrize(
    "moment",
    [
        datetime(2026, 11, 30, 5, 0, tzinfo=UTC),  # Monday, 08:00 in Moscow
        datetime(2026, 12, 1, 6, 0, tzinfo=UTC),  # Tuesday
        datetime(2026, 12, 3, 6, 0, tzinfo=UTC),  # Thursday
        datetime(2026, 12, 4, 12, 0, tzinfo=UTC),  # Friday afternoon
    ],
)
def test_every_reason_on_other_days_too(moment):
    with time_machine.travel(moment, tick=False):
        seed()
        assert kinds_on_the_worklist(doctor()) == set(WorklistKind.values)


def test_the_demo_doctor_has_unread_alerts_of_their_own_patients_only():
    seed()
    assert notifications_unread_count(user=doctor()) >= 2
    mine = Notification.objects.filter(user=doctor()).select_related("reminder__patient")
    assert {n.reminder.kind for n in mine} <= set(ALERT_KINDS)
    assert {n.reminder.patient.clinician.user.username for n in mine} == {"doctor"}
    assert {n.reminder.patient.last_name for n in mine} >= {"Zaitseva", "Novikov"}
    assert not Notification.objects.filter(user=doctor("doctor2")).exists()


def test_home_training_never_starts_before_the_first_supervised_session():
    seed()
    at_home = Program.objects.filter(home_started_on__isnull=False).select_related("patient")
    assert at_home.count() >= 4
    for program in at_home:
        first = SupervisedSession.objects.filter(program=program).order_by("scheduled_for")[0]
        assert first.status == SupervisedStatus.DONE
        first_day = first.scheduled_for.astimezone(ZoneInfo(program.patient.time_zone)).date()
        assert program.home_started_on >= first_day, program.patient


def test_seeding_again_changes_nothing():
    seed()
    before = {model._meta.label: model.objects.count() for model in apps.get_models()}
    seed()
    after = {model._meta.label: model.objects.count() for model in apps.get_models()}
    assert after == before
