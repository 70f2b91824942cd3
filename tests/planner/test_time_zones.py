"""The patient's own date, on both sides of UTC and across daylight saving: weekly reviews,
Today and the History calendar.

Los Angeles springs forward on 2026-03-08 (02:00 PST -> 03:00 PDT: a 23-hour day);
Auckland falls back on 2026-04-05 (03:00 NZDT -> 02:00 NZST: a 25-hour day). The clock is
frozen at instants where the date in UTC is not the patient's date.
"""

import logging
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django_celery_beat.models import PeriodicTask

from planner import selectors, services
from planner.models import Program, ReviewItem, ReviewProposal
from planner.services import reviews
from rehab import services as rehab_services
from rehab.models import Patient
from tests.conftest import log_home_days, make_patient, start_program

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("library")]

LA, AUCKLAND = "America/Los_Angeles", "Pacific/Auckland"
# Each program's first week holds its zone's change of clocks.
LA_START = date(2026, 3, 2)  # Monday; the week ends on Sunday 8 March, 23 hours long
AUCKLAND_START = date(2026, 3, 30)  # Monday; the week ends on Sunday 5 April, 25 hours long


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def at_home(clinician, zone: str, start: date, **patient: object) -> Program:
    """A patient in `zone` whose program starts on `start`, every exercise mastered that day
    (set up with the clock at 09:00 of that day where the patient lives)."""
    morning = datetime.combine(start, time(9, 0), tzinfo=ZoneInfo(zone))
    with time_machine.travel(morning, tick=False):
        person = make_patient(clinician, time_zone=zone, **patient)
        rehab_services.patient_diagnosis_add(
            patient=person, code="osteochondrosis", side="bilateral", stage="chronic"
        )
        return start_program(person, clinician.user, start, master=True)


def log_first_week(program: Program) -> None:
    """Every home day of the first week logged easy and painless, on its last evening."""
    evening = datetime.combine(
        program.start_date + timedelta(days=6),
        time(20, 0),
        tzinfo=ZoneInfo(program.patient.time_zone),
    )
    with time_machine.travel(evening, tick=False):
        log_home_days(program, program.start_date, 7)


@pytest.fixture
def frozen() -> Iterator[None]:
    with time_machine.travel(utc(2026, 3, 1, 12, 0), tick=False):
        yield


# -- weekly reviews ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "start", "local_midnight"),
    [
        # 9 March 00:00 PDT: the UTC date turned 9 March seven hours earlier.
        (LA, LA_START, utc(2026, 3, 9, 7, 0)),
        # 6 April 00:00 NZST: still 5 April in UTC for another twelve hours.
        (AUCKLAND, AUCKLAND_START, utc(2026, 4, 5, 12, 0)),
    ],
)
def test_the_hourly_run_proposes_the_review_once_the_patients_own_week_is_over(
    clinician, zone, start, local_midnight
):
    program = at_home(clinician, zone, start)
    log_first_week(program)
    assert local_midnight.astimezone(ZoneInfo(zone)).replace(tzinfo=None) == datetime.combine(
        start + timedelta(days=7), time(0, 0)
    )
    proposed_at = []
    # The beat's runs at :15 of every hour, from half a day before to half a day after.
    for hour in range(-12, 12):
        run = local_midnight + timedelta(hours=hour, minutes=15)
        with time_machine.travel(run, tick=False):
            due = services.reviews_propose_due()
        assert due.failures == {}
        if due:
            assert [(p.program_id, p.week_start) for p in due] == [(program.pk, start)]
            proposed_at.append(run)
        else:
            assert not ReviewProposal.objects.exists(), run
    # The first run of the patient's new day proposes it; each later run finds the same one.
    assert proposed_at[0] == local_midnight + timedelta(minutes=15)
    assert len(proposed_at) == 12
    proposal = ReviewProposal.objects.get()
    assert (proposal.program_id, proposal.week_start, proposal.status) == (
        program.pk,
        start,
        "pending",
    )
    assert "progress" in {item.action for item in proposal.items.all()}


def test_the_runs_a_day_before_the_fix_missed_are_not_an_error(clinician):
    """At 01:15 UTC, the old daily run, it is still Sunday in Los Angeles: the week is not
    over there, so nothing is due; a day later the run proposes it (no week is skipped)."""
    program = at_home(clinician, LA, LA_START)
    log_first_week(program)
    with time_machine.travel(utc(2026, 3, 9, 1, 15), tick=False):
        assert services.reviews_propose_due() == []
    with time_machine.travel(utc(2026, 3, 10, 1, 15), tick=False):
        due = services.reviews_propose_due()
    assert [(p.program_id, p.week_start) for p in due] == [(program.pk, LA_START)]


def test_a_week_whose_runs_were_missed_is_proposed_later_and_the_next_week_in_turn(clinician):
    program = at_home(clinician, AUCKLAND, AUCKLAND_START)
    log_first_week(program)
    # The beat was down for three days after the week ended (6 April, NZST).
    with time_machine.travel(utc(2026, 4, 8, 21, 15), tick=False):  # 9 April, 09:15 NZST
        late = services.reviews_propose_due()
    assert [p.week_start for p in late] == [AUCKLAND_START]
    # 13 April 00:15 NZST, still 12 April in UTC: the second week is over.
    with time_machine.travel(utc(2026, 4, 12, 12, 15), tick=False):
        second = services.reviews_propose_due()
    assert [p.week_start for p in second] == [AUCKLAND_START + timedelta(days=7)]
    assert ReviewProposal.objects.count() == 2


def test_one_programs_failure_is_recorded_and_the_others_get_their_reviews(clinician, caplog):
    """A patient row holding a time zone nobody knows (an import wrote "America/Los Angeles"
    past the form's check) fails its own review only."""
    broken = at_home(clinician, LA, LA_START, first_name="Broken")
    Patient.objects.filter(pk=broken.patient_id).update(time_zone="America/Los Angeles")
    la = at_home(clinician, LA, LA_START, first_name="Lou")
    auckland = at_home(clinician, AUCKLAND, LA_START + timedelta(days=1), first_name="Aroha")
    for program in (la, auckland):
        log_first_week(program)
    # 05:00 PDT on Monday 9 March; 01:00 NZDT on Tuesday 10 March.
    with (
        time_machine.travel(utc(2026, 3, 9, 12, 0), tick=False),
        caplog.at_level(logging.ERROR),
    ):
        due = services.reviews_propose_due()
    assert list(due.failures) == [broken.pk]
    assert "America/Los Angeles" in due.failures[broken.pk]
    assert any(
        record.getMessage() == f"Reviewing program {broken.pk} failed" and record.exc_info
        for record in caplog.records
    )
    assert sorted((p.program_id, p.week_start) for p in due) == [
        (la.pk, LA_START),
        (auckland.pk, LA_START + timedelta(days=1)),
    ]
    assert not ReviewProposal.objects.filter(program=broken).exists()


def test_a_review_refused_half_way_leaves_nothing_and_is_proposed_again_later(
    clinician, settings, monkeypatch
):
    """With REVIEW_AUTO_APPLY the proposal and its items are written before the approval;
    when the approval refuses (a ValidationError), that program's review is undone whole,
    the others are proposed and approved, and the next run proposes it again."""
    settings.REVIEW_AUTO_APPLY = True
    refused = at_home(clinician, AUCKLAND, LA_START, first_name="Refused")
    la = at_home(clinician, LA, LA_START, first_name="Lou")
    for program in (refused, la):
        log_first_week(program)
    approve = reviews._approve

    def refusing(proposal, **kwargs):  # type: ignore[no-untyped-def]
        if proposal.program_id == refused.pk:
            assert proposal.items.exists()  # written by then: the savepoint must undo it
            raise ValidationError({"status": "The program changed after this review."})
        return approve(proposal, **kwargs)

    # Patched where review_propose looks it up: its own module (the automatic approval
    # goes through the approval's body directly, to be recorded as automatic).
    monkeypatch.setattr(reviews, "_approve", refusing)
    run = utc(2026, 3, 9, 8, 15)  # 01:15 PDT on 9 March; 21:15 NZDT on 9 March
    with time_machine.travel(run, tick=False):
        due = services.reviews_propose_due()
    assert list(due.failures) == [refused.pk]
    assert "changed after this review" in due.failures[refused.pk]
    assert [(p.program_id, p.status) for p in due] == [(la.pk, "approved")]
    assert not ReviewProposal.objects.filter(program=refused).exists()
    assert not ReviewItem.objects.filter(proposal__program=refused).exists()
    assert selectors.program_current_version(program=refused).number == 1
    assert selectors.program_current_version(program=la).number == 2

    monkeypatch.setattr(reviews, "_approve", approve)
    with time_machine.travel(run + timedelta(hours=1), tick=False):
        again = services.reviews_propose_due()
    assert again.failures == {}
    assert {p.program_id: p.status for p in again} == {la.pk: "approved", refused.pk: "approved"}
    assert selectors.program_current_version(program=refused).number == 2


def test_the_command_runs_at_an_instant_or_as_if_on_a_date(clinician):
    program = at_home(clinician, LA, LA_START)
    log_first_week(program)
    with time_machine.travel(utc(2026, 3, 20, 12, 0), tick=False):
        out = StringIO()
        # Still Sunday 8 March in Los Angeles: not due.
        call_command("propose_reviews", "--now", "2026-03-09T06:59Z", stdout=out)
        assert out.getvalue().strip() == "Weekly reviews: 0 due, 0 waiting for approval."
        call_command("propose_reviews", "--now", "2026-03-09T07:00", stdout=out)  # UTC
        assert out.getvalue().splitlines()[-1] == "Weekly reviews: 1 due, 1 waiting for approval."
        call_command("propose_reviews", "--today", "2026-03-09", stdout=out)
        assert out.getvalue().splitlines()[-1] == "Weekly reviews: 1 due, 1 waiting for approval."
        with pytest.raises(CommandError, match="not a date and time"):
            call_command("propose_reviews", "--now", "soon")
        with pytest.raises(CommandError):
            call_command("propose_reviews", "--now", "2026-03-09T07:00Z", "--today", "2026-03-09")
    assert ReviewProposal.objects.count() == 1


def test_the_command_names_the_programs_that_failed(clinician, frozen):
    broken = at_home(clinician, LA, LA_START - timedelta(days=7))
    Patient.objects.filter(pk=broken.patient_id).update(time_zone="America/Los Angeles")
    err = StringIO()
    with pytest.raises(CommandError, match="1 program"):
        call_command("propose_reviews", stdout=StringIO(), stderr=err)
    assert f"Program {broken.pk}: failed" in err.getvalue()


def test_the_review_task_runs_every_hour():
    task = PeriodicTask.objects.get(task="planner.tasks.reviews_propose_due_task")
    assert task.enabled and task.crontab is not None
    assert (task.crontab.minute, task.crontab.hour, str(task.crontab.timezone)) == (
        "15",
        "*",
        "UTC",
    )


# -- Today and History ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "start", "change_day", "first_instant", "next_day_instant"),
    [
        # 8 March in Los Angeles runs from 08:00 UTC (PST) to 07:00 UTC next day (PDT).
        (LA, LA_START, date(2026, 3, 8), utc(2026, 3, 8, 8, 0), utc(2026, 3, 9, 7, 0)),
        # 5 April in Auckland runs from 11:00 UTC the day before (NZDT) to 12:00 UTC (NZST).
        (
            AUCKLAND,
            AUCKLAND_START,
            date(2026, 4, 5),
            utc(2026, 4, 4, 11, 0),
            utc(2026, 4, 5, 12, 0),
        ),
    ],
)
def test_today_and_the_calendar_follow_the_patients_day_across_the_change_of_clocks(
    clinician, zone, start, change_day, first_instant, next_day_instant
):
    program = at_home(clinician, zone, start)
    assert (next_day_instant - first_instant) == timedelta(hours=23 if zone == LA else 25)
    # Every exercise of the day of the change logged, late that evening (the next UTC date).
    with time_machine.travel(next_day_instant - timedelta(minutes=30), tick=False):
        log_home_days(program, change_day, 1)
    minute = timedelta(minutes=1)
    before, after = change_day - timedelta(days=1), change_day + timedelta(days=1)
    for instant, shown in [
        (first_instant - minute, before),
        (first_instant, change_day),
        (next_day_instant - minute, change_day),
        (next_day_instant, after),
    ]:
        with time_machine.travel(instant, tick=False):
            assert selectors.patient_local_today(patient=program.patient) == shown, instant
            day = selectors.patient_today(patient=program.patient)
            cached = selectors.patient_day_cached(
                patient=program.patient, variant="test", render=lambda d: (d.day, d.all_logged)
            )
            calendar = {
                entry.day: entry.status
                for entry in selectors.patient_calendar(
                    patient=program.patient, first=before - timedelta(days=1), last=after
                )
            }
        assert (day.day, day.state) == (shown, "home"), instant
        assert cached == (shown, shown == change_day), instant
        assert day.all_logged == (shown == change_day), instant
        assert [entry.logged for entry in day.home] == [shown == change_day] * len(day.home)
        assert calendar[change_day] == "done", instant
        assert calendar[shown] == ("done" if shown == change_day else "today"), instant
        assert all(calendar[d] == "missed" for d in calendar if d < min(shown, change_day))
        assert all(calendar[d] == "upcoming" for d in calendar if d > max(shown, change_day))


def test_progress_counts_the_week_by_the_patients_days(clinician):
    """Adherence of the first week, read late on Sunday 5 April in Auckland (already the
    UTC afternoon): seven planned days so far, the three logged ones done."""
    program = at_home(clinician, AUCKLAND, AUCKLAND_START)
    sunday_night = utc(2026, 4, 5, 11, 30)  # 23:30 NZST
    with time_machine.travel(sunday_night, tick=False):
        log_home_days(program, date(2026, 4, 3), 3)  # Friday to Sunday
        progress = selectors.patient_progress(patient=program.patient)
    week = progress.adherence[0]
    assert (week.week_start, week.planned_days, week.done_days) == (AUCKLAND_START, 7, 3)
    assert [point.day for point in progress.pain] == [
        date(2026, 4, 3),
        date(2026, 4, 4),
        date(2026, 4, 5),
    ]
