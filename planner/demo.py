"""Demonstration programs for `make run`, on top of rehab's demo patients.

Idempotent: a patient who already has a program is left as is. Shows the
planner's stages side by side: a draft waiting for approval, a program in
supervised sessions (home not yet unlocked), and one at home for a week with a
weekly review waiting for the doctor. A few patients' courses (`_STORIES`) give the
doctor's worklist its other reasons: a red flag reported from the app, pain flaring and
rising at home, home days missed and questionnaires overdue. Home training always starts
at the first supervised session, never before it.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from planner import selectors, services
from planner.models import Program, SupervisedSession
from rehab.models import Patient
from rehab.questionnaires.services import questionnaire_schedules_default

# Days before today that the demo programs started: long enough for one full week at home.
STARTED_DAYS_AGO = 10
# Every demo patient can sign in to the mobile app as their last name, lower case.
DEMO_PATIENT_PASSWORD = "demo-patient-2026"
# Examined, no program yet: the README's "Generate a draft program" is tried on them.
NO_PROGRAM_YET = ("Fedorov",)
# Patients whose course shows the rest of the doctor's worklist, each told by a function
# below (`_STORIES`); the others take the stages above in turn.
PAIN_FLARE_STARTED_DAYS_AGO = 24  # home training long enough for the pain to rise over baseline
MISSED_STARTED_DAYS_AGO = 14
MISSED_LOGGED_DAYS = 4  # logged the first home days, then stopped
# A red flag recorded at the examination: no program (generation would refuse it).
NO_PROGRAM_BESIDE = ("Lebedev",)


@dataclass
class DemoProgramsReport:
    created: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


@transaction.atomic
def demo_programs_seed() -> DemoProgramsReport:
    report = DemoProgramsReport()
    today = timezone.localdate()
    start = today - timedelta(days=STARTED_DAYS_AGO)
    patients = list(
        Patient.objects.filter(clinician__user__username__in=["doctor", "doctor2"])
        .select_related("clinician__user")
        .order_by("last_name", "first_name")
    )
    for patient in patients:
        _demo_login(patient)
    stories = [p for p in patients if p.last_name in _STORIES]
    for patient in stories:
        if Program.objects.filter(patient=patient).exists():
            report.skipped.append(f"{patient}: has a program")
            continue
        try:
            _STORIES[patient.last_name](patient, today)
        except ValidationError as error:
            report.skipped.append(f"{patient}: {' '.join(error.messages)}")
            continue
        report.created.append(patient.full_name)
    # The stages in turn, over the same patients as before the stories were added.
    in_turn = [p for p in patients if p.last_name not in (*_STORIES, *NO_PROGRAM_BESIDE)]
    for index, patient in enumerate(in_turn):
        if Program.objects.filter(patient=patient).exists():
            report.skipped.append(f"{patient}: has a program")
            continue
        if patient.last_name in NO_PROGRAM_YET:
            report.skipped.append(f"{patient}: no program yet, for the doctor to generate")
            continue
        doctor = patient.clinician.user
        try:
            program = services.program_generate(patient=patient, by=doctor, start_date=start)
        except ValidationError as error:
            report.skipped.append(f"{patient}: {' '.join(error.messages)}")
            continue
        report.created.append(patient.full_name)
        stage = index % 3
        if stage == 0:
            continue  # a draft for the doctor to review and approve
        services.program_approve(program=program, by=doctor)
        first_session = SupervisedSession.objects.filter(program=program).order_by("number")[0]
        items = selectors.program_exercises(
            version=selectors.program_current_version(program=program)
        )
        technique = 5 if stage == 2 else 3
        entries = [services.SupervisedEntry(item.pk, technique=technique) for item in items]
        services.supervised_session_record(session=first_session, by=doctor, entries=entries)
        if stage == 2:
            _master_at_first_session(program, first_session, items)
            _a_week_at_home(program)
    return report


def _first_session_recorded(patient: Patient, start: date, *, technique: int) -> Program:
    """Generated from `start`, approved, and its first clinic session recorded."""
    doctor = patient.clinician.user
    program = services.program_generate(patient=patient, by=doctor, start_date=start)
    services.program_approve(program=program, by=doctor)
    first_session = SupervisedSession.objects.filter(program=program).order_by("number")[0]
    items = selectors.program_exercises(version=selectors.program_current_version(program=program))
    entries = [services.SupervisedEntry(item.pk, technique=technique) for item in items]
    services.supervised_session_record(session=first_session, by=doctor, entries=entries)
    if technique == 5:
        _master_at_first_session(program, first_session, items)
    return program


def _master_at_first_session(
    program: Program, first_session: SupervisedSession, items: Any
) -> None:
    """Signed off at the first supervised session, so home training starts that day, never
    before it."""
    mastered_on = first_session.scheduled_for.astimezone(ZoneInfo(program.patient.time_zone)).date()
    for item in items:
        services.mastery_sign_off(
            program_exercise=item, by=program.patient.clinician.user, on=mastered_on
        )
    program.refresh_from_db()


def _reports_a_red_flag(patient: Patient, today: date) -> None:
    """In clinic sessions, then reports a fever from the app: the program pauses, the
    doctor is alerted."""
    _first_session_recorded(patient, today - timedelta(days=STARTED_DAYS_AGO), technique=3)
    services.symptom_red_flag_report(patient=patient, codes=["fever"], note="38.4 since Sunday.")


def _pain_flares(patient: Patient, today: date) -> None:
    """Three weeks at home, easy at first (pain 2), then rising to 5 over the last week and
    7 yesterday: pain of 6 or more, and rising 2 or more over the first week's."""
    program = _first_session_recorded(
        patient, today - timedelta(days=PAIN_FLARE_STARTED_DAYS_AGO), technique=5
    )
    first = program.home_started_on or program.start_date
    days = (today - first).days  # up to yesterday
    for offset in range(days):
        pain = 2 if offset < 7 else (5 if offset < days - 1 else 7)
        _log_day(program, first + timedelta(days=offset), pain=pain)


def _misses_days(patient: Patient, today: date) -> None:
    """Questionnaires scheduled from the start and never answered (overdue), a few home days
    logged, then none: days missed in a row."""
    start = today - timedelta(days=MISSED_STARTED_DAYS_AGO)
    # Before the approval, which would schedule them from today (a schedule set is kept).
    questionnaire_schedules_default(patient=patient, starts_on=start)
    program = _first_session_recorded(patient, start, technique=5)
    first = program.home_started_on or program.start_date
    for offset in range(MISSED_LOGGED_DAYS):
        _log_day(program, first + timedelta(days=offset), pain=2)


_STORIES: dict[str, Callable[[Patient, date], None]] = {
    "Zaitseva": _reports_a_red_flag,
    "Novikov": _pain_flares,
    "Pavlova": _misses_days,
}


def _log_day(program: Program, day: date, *, pain: int) -> None:
    entries = [
        services.LogEntry(
            item.exercise.slug,
            done=True,
            sets_done=item.sets,
            reps_done=item.reps,
            pain_during=pain,
            pain_after=max(pain - 1, 0),
            difficulty="right",
        )
        for item in selectors.home_session_exercises(program=program, day=day)
    ]
    if entries:
        services.session_log_record(
            patient=program.patient,
            day=day,
            client_key=f"demo-{program.pk}-{day.isoformat()}",
            entries=entries,
        )


def _demo_login(patient: Patient) -> None:
    """The patient's own app login (never staff), made once."""
    if patient.user_id is not None:
        return
    user = get_user_model().objects.create_user(
        patient.last_name.lower(),
        email=patient.email,
        password=DEMO_PATIENT_PASSWORD,
        first_name=patient.first_name,
        last_name=patient.last_name,
    )
    patient.user = user
    patient.save(update_fields=["user"])


def _a_week_at_home(program: Program) -> None:
    """A calm, easy first week logged from the phone, and the review it leads to."""
    first = program.home_started_on or program.start_date
    for offset in range(7):
        day = first + timedelta(days=offset)
        entries = [
            services.LogEntry(
                item.exercise.slug,
                done=True,
                sets_done=item.sets,
                reps_done=item.reps,
                pain_during=2,
                pain_after=1,
                difficulty="easy" if offset >= 3 else "right",
            )
            for item in selectors.home_session_exercises(program=program, day=day)
        ]
        services.session_log_record(
            patient=program.patient,
            day=day,
            client_key=f"demo-{program.pk}-{day.isoformat()}",
            entries=entries,
        )
    services.review_propose(program=program, week_start=first)
