"""A program starts on a plausible day: a new one within 30 days back and 365 ahead of the
patient's today, nothing written otherwise; approval refuses an impossible start; and
`programs_repair_dates` mends the rows written before the check existed."""

from collections.abc import Iterator
from datetime import UTC, date, datetime
from io import StringIO

import pytest
import time_machine
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client

from planner import services
from planner.models import HomeSession, Program, ProgramStatus, SupervisedSession
from rehab import services as rehab_services
from rehab.models import Patient
from tests.conftest import PASSWORD, make_patient

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("library")]

# Noon UTC: 2026-11-26 01:00 in Auckland, 2026-11-25 04:00 in Los Angeles.
NOON = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
LA_TODAY, AUCKLAND_TODAY = date(2026, 11, 25), date(2026, 11, 26)


@pytest.fixture(autouse=True)
def _noon() -> Iterator[None]:
    with time_machine.travel(NOON, tick=False):
        yield


def sciatica(
    clinician, time_zone: str = "America/Los_Angeles", language: str = "en", **extra
) -> Patient:
    patient = make_patient(clinician, time_zone=time_zone, **extra)
    Patient.objects.filter(pk=patient.pk).update(language=language)
    patient.refresh_from_db()
    rehab_services.patient_diagnosis_add(
        patient=patient, code="sciatica", side="left", stage="subacute"
    )
    return patient


def row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


@pytest.mark.parametrize(
    "start",
    [date(9999, 12, 25), date(1, 1, 1), date(2026, 10, 25), date(2027, 11, 26)],
    ids=["year-9999", "year-1", "31-days-back", "366-days-ahead"],
)
def test_a_start_out_of_the_window_is_refused_and_writes_nothing(clinician, start):
    patient = sciatica(clinician)
    before = row_counts()
    with pytest.raises(ValidationError) as caught:
        services.program_generate(patient=patient, by=clinician.user, start_date=start)
    assert caught.value.message_dict["start_date"] == [
        "A program starts between 2026-10-26 and 2027-11-25 (at most 30 days ago and 365 "
        f"days ahead), got {start.isoformat()}."
    ]
    assert row_counts() == before


@pytest.mark.parametrize("start", [date(2026, 10, 26), LA_TODAY, date(2027, 11, 25)])
def test_the_window_edges_are_accepted(clinician, start):
    program = services.program_generate(
        patient=sciatica(clinician), by=clinician.user, start_date=start
    )
    assert program.start_date == start and program.status == ProgramStatus.DRAFT


def test_the_window_is_the_patients_own_today_on_both_sides_of_utc(clinician):
    """Auckland is already on the 26th: a year ahead is a day later there than in LA."""
    auckland = sciatica(clinician, "Pacific/Auckland", language="ru")
    los_angeles = sciatica(clinician, "America/Los_Angeles", first_name="Lou")
    far = date(2027, 11, 26)
    assert services.program_generate(patient=auckland, by=clinician.user, start_date=far)
    with pytest.raises(ValidationError, match="2026-10-26 and 2027-11-25"):
        services.program_generate(patient=los_angeles, by=clinician.user, start_date=far)
    # A month back counts from each one's today too.
    with pytest.raises(ValidationError, match="2026-10-27 and 2027-11-26"):
        services.program_generate(
            patient=sciatica(clinician, "Pacific/Auckland", first_name="Ana"),
            by=clinician.user,
            start_date=date(2026, 10, 26),
        )


def test_bulk_generation_out_of_the_window_writes_nothing(clinician):
    patients = [sciatica(clinician, first_name=name) for name in ("Ann", "Bob")]
    before = row_counts()
    with pytest.raises(ValidationError) as caught:
        services.programs_generate_bulk(
            patients=patients,
            by=clinician.user,
            options=services.ProgramSettings(date(9999, 12, 25)),
            approve=True,
        )
    assert "start_date" in caught.value.message_dict
    assert row_counts() == before


def broken_draft(clinician, start: date = date(9999, 12, 25), **extra) -> Program:
    """A draft as the unchecked service wrote it: generated, then its start set directly."""
    patient = sciatica(clinician, **extra)
    program = services.program_generate(patient=patient, by=clinician.user)
    Program.objects.filter(pk=program.pk).update(start_date=start)
    program.refresh_from_db()
    return program


def test_approval_refuses_an_impossible_start_and_lays_out_nothing(clinician):
    draft = broken_draft(clinician)
    with pytest.raises(ValidationError) as caught:
        services.program_approve(program=draft, by=clinician.user)
    assert caught.value.message_dict["start_date"] == [
        "Not approved: a program cannot start on 9999-12-25 (at most 365 days ahead). "
        "Correct the start date or generate the draft again."
    ]
    draft.refresh_from_db()
    assert draft.status == ProgramStatus.DRAFT and draft.approved_at is None
    assert not HomeSession.objects.filter(program=draft).exists()
    assert not SupervisedSession.objects.filter(program=draft).exists()


def test_approval_of_a_draft_begun_weeks_ago_still_works(clinician):
    """Only the start a program cannot have is refused, not an old draft."""
    draft = broken_draft(clinician, start=date(2026, 9, 1))
    assert services.program_approve(program=draft, by=clinician.user).status == "active"


def test_repair_moves_broken_drafts_to_the_patients_today_and_leaves_the_rest(clinician):
    far = broken_draft(clinician)
    ancient = broken_draft(clinician, start=date(1, 1, 1), time_zone="Pacific/Auckland")
    sane = services.program_generate(
        patient=sciatica(clinician), by=clinician.user, start_date=LA_TODAY
    )
    approved = services.program_approve(
        program=broken_draft(clinician, start=LA_TODAY), by=clinician.user
    )
    # An active program from the far future cannot be moved without its schedule and logs.
    Program.objects.filter(pk=approved.pk).update(start_date=date(3000, 1, 1))
    out = StringIO()
    call_command("programs_repair_dates", stdout=out)
    far.refresh_from_db()
    ancient.refresh_from_db()
    sane.refresh_from_db()
    approved.refresh_from_db()
    assert far.start_date == LA_TODAY and far.status == ProgramStatus.DRAFT
    assert ancient.start_date == AUCKLAND_TODAY
    assert sane.start_date == LA_TODAY
    assert approved.start_date == date(3000, 1, 1) and approved.status == ProgramStatus.ACTIVE
    text = out.getvalue()
    assert f"program #{far.pk} (" in text and "draft moved from 9999-12-25 to 2026-11-25" in text
    assert "draft moved from 0001-01-01 to 2026-11-26" in text
    assert f"program #{approved.pk} (" in text and "left for its clinician" in text
    assert "2 draft(s) moved, 1 approved program(s) left for a clinician." in text
    # The repaired draft can now be approved; a second run finds nothing more to move.
    assert services.program_approve(program=far, by=clinician.user).end_date == date(2027, 1, 5)
    again = StringIO()
    call_command("programs_repair_dates", stdout=again)
    assert "0 draft(s) moved, 1 approved" in again.getvalue()


def test_repair_dry_run_writes_nothing(clinician):
    far = broken_draft(clinician)
    before = row_counts()
    out = StringIO()
    call_command("programs_repair_dates", "--dry-run", stdout=out)
    assert "would be program #" in out.getvalue() and "1 draft(s) to move" in out.getvalue()
    assert row_counts() == before
    far.refresh_from_db()
    assert far.start_date == date(9999, 12, 25)


def test_after_the_repair_the_russian_patients_pages_answer(clinician):
    draft = broken_draft(clinician, language="ru", time_zone="Europe/Moscow")
    user = get_user_model().objects.create_user("vera", password=PASSWORD)
    Patient.objects.filter(pk=draft.patient_id).update(user=user)
    call_command("programs_repair_dates", stdout=StringIO())
    services.program_approve(program=Program.objects.get(pk=draft.pk), by=clinician.user)
    client = Client()
    client.force_login(user)
    for path in ("/app/today/", "/app/history/", "/app/progress/"):
        assert client.get(path).status_code == 200, path
