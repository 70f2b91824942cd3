"""Supervised sessions at the clinic's time, on its weekdays, in its time zone; the first one
after the approval; the admin shows them at the clinic's wall-clock time.

Los Angeles springs forward on Sunday 2026-03-08 (PST -8 -> PDT -7); Auckland falls back on
Sunday 2026-04-05 (NZDT +13 -> NZST +12). The patients here live in Moscow, a zone that
changes no clocks, so a session that follows the patient's zone instead of the clinic's
shows up as a wrong hour.
"""

from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from planner import services
from planner.models import Program, SupervisedSession
from planner.services.generation import session_weekdays
from rehab import services as rehab_services
from rehab.models import ClinicSettings
from tests.conftest import make_patient

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("library")]

LA, AUCKLAND, MOSCOW = "America/Los_Angeles", "Pacific/Auckland", "Europe/Moscow"
LA_START = date(2026, 3, 2)  # Monday; the clocks change on the Sunday after
AUCKLAND_START = date(2026, 3, 30)  # Monday; the clocks change on the Sunday after


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def clinic(zone: str, **values: Any) -> ClinicSettings:
    fields: dict[str, Any] = {"name": "Spine Rehab Centre", "phone": "+7 495 123-45-67"}
    fields.update(values)
    return rehab_services.clinic_settings_save(clinic=ClinicSettings(time_zone=zone, **fields))


def approved(
    clinician: Any,
    start: date,
    *,
    at: datetime,
    per_week: int = 3,
    count: int = 10,
    zone: str = MOSCOW,
) -> Program:
    """A Moscow patient's program from `start`, generated and approved at the instant `at`."""
    with time_machine.travel(at, tick=False):
        patient = make_patient(clinician, time_zone=zone)
        rehab_services.patient_diagnosis_add(
            patient=patient, code="osteochondrosis", side="bilateral", stage="chronic"
        )
        draft = services.program_generate(
            patient=patient,
            by=clinician.user,
            start_date=start,
            supervised_per_week=per_week,
            supervised_course_length=count,
        )
        return services.program_approve(program=draft, by=clinician.user)


def sessions(program: Program) -> list[datetime]:
    return list(
        SupervisedSession.objects.filter(program=program)
        .order_by("number")
        .values_list("scheduled_for", flat=True)
    )


# -- the clinic's zone, across the change of clocks ------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "start", "expected"),
    [
        # 10:00 PST is 18:00 UTC; from Monday 9 March 10:00 PDT is 17:00 UTC.
        (
            LA,
            LA_START,
            [utc(2026, 3, 2, 18), utc(2026, 3, 4, 18), utc(2026, 3, 6, 18), utc(2026, 3, 9, 17)],
        ),
        # 10:00 NZDT is 21:00 UTC the day before; from Monday 6 April 10:00 NZST is 22:00.
        (
            AUCKLAND,
            AUCKLAND_START,
            [utc(2026, 3, 29, 21), utc(2026, 3, 31, 21), utc(2026, 4, 2, 21), utc(2026, 4, 5, 22)],
        ),
    ],
)
def test_sessions_are_at_ten_on_the_clinics_clock_on_both_sides_of_the_change(
    clinician, zone, start, expected
):
    clinic(zone)
    program = approved(clinician, start, at=utc(2026, 3, 1, 12))
    times = sessions(program)
    assert times[:4] == expected
    local = [moment.astimezone(ZoneInfo(zone)) for moment in times]
    assert {(t.hour, t.minute) for t in local} == {(10, 0)}
    assert {t.weekday() for t in local} == {0, 2, 4}  # three a week: Mon, Wed, Fri
    # In Moscow, where the patient lives, the same sessions are at another hour: not 10:00.
    assert all(t.astimezone(ZoneInfo(MOSCOW)).hour != 10 for t in times)


def test_the_clinics_time_and_weekdays_are_used(clinician):
    clinic(
        LA, session_time=time(17, 30), monday=False, wednesday=False, friday=False, saturday=True
    )
    program = approved(clinician, LA_START, at=utc(2026, 3, 1, 12), per_week=2, count=8)
    local = [t.astimezone(ZoneInfo(LA)) for t in sessions(program)]
    assert len(local) == 8
    assert {t.weekday() for t in local} == {1, 3}  # Tuesday and Thursday, both open
    assert {t.time() for t in local} == {time(17, 30)}
    assert local[0].date() == date(2026, 3, 3)


@pytest.mark.parametrize(
    ("per_week", "open_days", "chosen"),
    [
        (3, (0, 1, 2, 3, 4), (0, 2, 4)),  # the usual days, the clinic open on all of them
        (2, (0, 1, 2, 3, 4), (1, 3)),
        (2, (0, 2, 4), (0, 4)),  # Tuesday is closed: Monday and Friday, 3 and 4 days apart
        (3, (1, 3, 5), (1, 3, 5)),
        (3, (1, 2), (1, 2)),  # fewer days than sessions a week: every one of them
        (2, (5,), (5,)),
    ],
)
def test_the_days_of_a_course_come_from_the_clinics_weekdays(per_week, open_days, chosen):
    assert session_weekdays(per_week=per_week, open_days=open_days) == chosen


# -- approval in the afternoon ------------------------------------------------------------------


def test_approved_at_three_in_the_afternoon_the_first_session_is_the_next_slot(clinician):
    clinic(LA)
    # Monday 2 March, 15:00 PST: the Monday 10:00 session has passed.
    program = approved(clinician, LA_START, at=utc(2026, 3, 2, 23))
    first = sessions(program)[0].astimezone(ZoneInfo(LA))
    assert (first.date(), first.time()) == (date(2026, 3, 4), time(10, 0))
    assert len(sessions(program)) == 10  # the course keeps its length


def test_approved_in_the_morning_the_first_session_is_that_day(clinician):
    clinic(LA)
    program = approved(clinician, LA_START, at=utc(2026, 3, 2, 16))  # 08:00 PST
    first = sessions(program)[0].astimezone(ZoneInfo(LA))
    assert (first.date(), first.time()) == (LA_START, time(10, 0))


def test_the_day_of_approval_is_the_clinics_even_where_utc_has_moved_on(clinician):
    """17:00 PST on Monday 2 March is already Tuesday in UTC; the clinic's own date decides,
    so the program counts as starting on the day of approval and 10:00 that Monday is past."""
    clinic(LA)
    program = approved(clinician, LA_START, at=utc(2026, 3, 3, 1))
    first = sessions(program)[0].astimezone(ZoneInfo(LA))
    assert (first.date(), first.time()) == (date(2026, 3, 4), time(10, 0))


def test_a_course_dated_before_the_approval_is_laid_out_from_its_start(clinician):
    """Begun on paper: its past sessions are there to be recorded."""
    clinic(LA)
    program = approved(clinician, LA_START, at=utc(2026, 3, 5, 23))  # Thursday 15:00 PST
    first = sessions(program)[0].astimezone(ZoneInfo(LA))
    assert first.date() == LA_START


def test_without_clinic_settings_the_patients_zone_stands_in(clinician):
    program = approved(clinician, LA_START, at=utc(2026, 3, 1, 12), zone=AUCKLAND)
    local = [t.astimezone(ZoneInfo(AUCKLAND)) for t in sessions(program)]
    assert {t.time() for t in local} == {time(10, 0)}


# -- the admin at the clinic's time ----------------------------------------------------------------


def test_the_session_list_and_form_show_the_clinics_wall_clock(
    client, clinician, django_assert_max_num_queries
):
    clinic(LA)
    program = approved(clinician, LA_START, at=utc(2026, 3, 1, 12))
    approved(clinician, LA_START, at=utc(2026, 3, 1, 12))  # a second patient: no N+1
    client.force_login(clinician.user)
    with django_assert_max_num_queries(12):
        page = client.get("/admin/planner/supervisedsession/").content.decode()
    assert "Mon 2 Mar 2026, 10:00" in page  # PST
    assert "Mon 9 Mar 2026, 10:00" in page  # PDT, after the change
    assert "18:00" not in page and "17:00" not in page  # not UTC
    session = SupervisedSession.objects.filter(program=program).order_by("number").first()
    assert session is not None
    form = client.get(f"/admin/planner/supervisedsession/{session.pk}/change/").content.decode()
    assert "Mon 2 Mar 2026, 10:00" in form


def test_the_list_costs_the_same_queries_for_one_patient_or_five(client, clinician):
    clinic(AUCKLAND)
    approved(clinician, AUCKLAND_START, at=utc(2026, 3, 1, 12))
    client.force_login(clinician.user)
    client.get("/admin/planner/supervisedsession/")
    with CaptureQueriesContext(connection) as one:
        client.get("/admin/planner/supervisedsession/")
    for _ in range(4):
        approved(clinician, AUCKLAND_START, at=utc(2026, 3, 1, 12))
    with CaptureQueriesContext(connection) as five:
        page = client.get("/admin/planner/supervisedsession/").content.decode()
    assert len(five) == len(one)
    assert "Mon 30 Mar 2026, 10:00" in page


def test_the_programs_schedule_shows_clinic_sessions_at_the_clinics_time(client, clinician):
    clinic(LA)
    program = approved(clinician, LA_START, at=utc(2026, 3, 1, 12))
    client.force_login(clinician.user)
    page = client.get(f"/admin/planner/program/{program.pk}/change/").content.decode()
    assert "#1 10:00" in page and "#4 10:00" in page
