"""Generating programs from the engine's plan, alone or in bulk, with their schedule."""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from itertools import combinations
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history

from exercises.models import Exercise
from exercises.selectors import reading_language
from planner.engine.generate.plan import generate_plan
from planner.engine.serialize import activity_to_dict
from planner.engine.types import Plan
from planner.explanations import Names, reasons_text
from planner.models import (
    OPEN_STATUSES,
    HomeSession,
    Program,
    ProgramExercise,
    ProgramStatus,
    ProgramVersion,
    SupervisedSession,
)
from planner.selectors import (
    engine_catalogue,
    engine_rules,
    patient_local_today,
    patient_profile,
    patient_profiles,
)
from planner.services.shared import SUPERVISED_TIME, SUPERVISED_WEEKDAYS, dose_of, reason_rows
from rehab.models import CareAction, ClinicSettings, Patient
from rehab.selectors import clinic_settings
from rehab.services import care_record_entry, care_records_add


def program_plan_preview(*, patient: Patient, on: date | None = None) -> Plan:
    """What the engine proposes for the patient today; writes nothing."""
    return generate_plan(
        patient_profile(patient=patient, on=on), engine_catalogue(), engine_rules()
    )


# A new program starts within this window around the patient's today: a course begun on paper
# a few weeks ago may be recorded, one may be planned up to a year ahead; anything else is a
# typing error (9999-12-25), and a date past the calendar's end breaks every page showing it.
START_DAYS_BACK = 30
START_DAYS_AHEAD = 365
# No program of this clinic can start before this day; with START_DAYS_AHEAD it bounds the
# dates an active program may have (the approval checks it, programs_repair_dates mends it).
EARLIEST_START = date(2000, 1, 1)


def program_start_check(*, start: date, today: date) -> None:
    """Raise ValidationError on `start_date` unless a new program may start on `start`, the
    patient's local date being `today`."""
    first, last = today - timedelta(days=START_DAYS_BACK), today + timedelta(days=START_DAYS_AHEAD)
    if not first <= start <= last:
        raise ValidationError(
            {
                "start_date": (
                    f"A program starts between {first.isoformat()} and {last.isoformat()} "
                    f"(at most {START_DAYS_BACK} days ago and {START_DAYS_AHEAD} days ahead), "
                    f"got {start.isoformat()}."
                )
            }
        )


def program_start_plausible(*, start: date, today: date) -> bool:
    """Whether a program may have started on `start` at all: from EARLIEST_START to
    START_DAYS_AHEAD past the patient's `today`."""
    return EARLIEST_START <= start <= today + timedelta(days=START_DAYS_AHEAD)


@dataclass(frozen=True)
class ProgramSettings:
    start_date: date
    weeks: int = 6
    supervised_per_week: int = 3
    supervised_course_length: int = 10

    def check(self) -> None:
        """Raise ValidationError with field messages for settings out of range."""
        template = Program(
            start_date=self.start_date,
            weeks=self.weeks,
            supervised_per_week=self.supervised_per_week,
            supervised_course_length=self.supervised_course_length,
        )
        template.full_clean(exclude=["patient", "created_by"], validate_constraints=False)


def _plan_problems(plan: Plan, names: Names | None = None) -> list[str]:
    """Why no program can be made, in the active language (the clinician's). `names`: the
    names inside explanations, read once for many plans."""
    if plan.status == "blocked":
        problem = _("No program while a red flag is active.")
    elif not plan.exercises:
        problem = _("The rules leave no exercise for this patient.")
    else:
        return []
    return [problem, *(row["text"] for row in reasons_text(reason_rows(plan.reasons), names=names))]


OPEN_PROGRAM_MESSAGE = gettext_lazy(
    "The patient already has an open program; pause or complete it first."
)


@transaction.atomic
def program_generate(
    *,
    patient: Patient,
    by: Any,
    start_date: date | None = None,
    weeks: int = 6,
    supervised_per_week: int | None = None,
    supervised_course_length: int | None = None,
    today: date | None = None,
) -> Program:
    """A draft program (version 1) from the engine's plan, with its explanation kept.

    The supervised course follows the patient's STarT Back risk unless the clinician sets it.
    It starts within the window of `program_start_check` around `today` (the patient's local
    date; a simulation passes the day of its own calendar); out of it nothing is written.
    """
    today = today or patient_local_today(patient=patient)
    program_start_check(start=start_date or today, today=today)
    options = ProgramSettings(
        start_date or today,
        weeks,
        supervised_per_week or 3,
        supervised_course_length or 10,
    )
    options.check()
    if Program.objects.filter(patient=patient, status__in=OPEN_STATUSES).exists():
        raise ValidationError({"patient": OPEN_PROGRAM_MESSAGE})
    plan = program_plan_preview(patient=patient, on=options.start_date)
    problems = _plan_problems(plan)
    if problems:
        raise ValidationError({"patient": problems})
    options = replace(
        options,
        supervised_per_week=supervised_per_week or plan.supervised_per_week,
        supervised_course_length=supervised_course_length or plan.supervised_sessions,
    )
    return _save_programs([(patient, plan)], by=by, options=options, approve=False)[0]


@dataclass
class BulkReport:
    created: list[Program]
    skipped: dict[int, str]  # patient id -> why no program was made


@transaction.atomic
def programs_generate_bulk(
    *, patients: Sequence[Patient], by: Any, options: ProgramSettings, approve: bool = False
) -> BulkReport:
    """Programs for many patients at once (a clinic's intake, an import); a fixed number of
    queries whatever the number of patients. Patients who cannot have one are skipped, with
    the reason, and the rest go ahead. A start outside a patient's window writes nothing."""
    for patient in patients:
        program_start_check(start=options.start_date, today=patient_local_today(patient=patient))
    options.check()
    profiles = patient_profiles(patients=patients, on=options.start_date)
    catalogue, rules = engine_catalogue(), engine_rules()
    busy = set(
        Program.objects.filter(
            patient__in=[p.pk for p in patients], status__in=OPEN_STATUSES
        ).values_list("patient", flat=True)
    )
    pairs: list[tuple[Patient, Plan]] = []
    skipped: dict[int, str] = {}
    # The names inside every skipped patient's explanations, read once for all of them.
    names = Names(reading_language(translation.get_language()))
    for patient in patients:
        if patient.pk in busy:
            skipped[patient.pk] = str(OPEN_PROGRAM_MESSAGE)
            continue
        plan = generate_plan(profiles[patient.pk], catalogue, rules)
        problems = _plan_problems(plan, names)
        if problems:
            skipped[patient.pk] = " ".join(problems)
        else:
            pairs.append((patient, plan))
    return BulkReport(_save_programs(pairs, by=by, options=options, approve=approve), skipped)


def _save_programs(
    pairs: Sequence[tuple[Patient, Plan]], *, by: Any, options: ProgramSettings, approve: bool
) -> list[Program]:
    """Insert programs with their first version, exercises and (when approved) schedule."""
    now = timezone.now()
    # Their history rows too (a bulk insert bypasses simple-history's signals).
    programs = bulk_create_with_history(
        [
            Program(
                patient=patient,
                status=ProgramStatus.ACTIVE if approve else ProgramStatus.DRAFT,
                start_date=options.start_date,
                weeks=options.weeks,
                supervised_per_week=options.supervised_per_week,
                supervised_course_length=options.supervised_course_length,
                created_by=by,
                approved_by=by if approve else None,
                approved_at=now if approve else None,
            )
            for patient, _ in pairs
        ],
        Program,
        batch_size=5000,
        default_user=by if getattr(by, "pk", None) is not None else None,
        default_change_reason="approved" if approve else "drafted",
        default_date=now,
    )
    care_records_add(
        [
            care_record_entry(
                patient=patient,
                action=CareAction.PROGRAM_APPROVED if approve else CareAction.PROGRAM_CREATED,
                by=by,
                detail={"program": program.pk, "start_date": program.start_date.isoformat()},
                at=now,
            )
            for program, (patient, _) in zip(programs, pairs, strict=True)
        ]
    )
    versions = ProgramVersion.objects.bulk_create(
        ProgramVersion(
            program=program,
            number=1,
            note="Generated by the planner.",
            diff="\n".join(f"+ {e.name}: {dose_of(e.dose)}" for e in plan.exercises),
            plan_status=plan.status,
            plan_reasons=reason_rows(plan.reasons),
            activity=activity_to_dict(plan.activity) or {},
            advice=reason_rows(plan.advice),
            created_by=by,
        )
        for program, (_, plan) in zip(programs, pairs, strict=True)
    )
    slugs = {e.slug for _, plan in pairs for e in plan.exercises}
    exercises = {ex.slug: ex for ex in Exercise.objects.filter(slug__in=slugs)}
    ProgramExercise.objects.bulk_create(
        ProgramExercise(
            version=version,
            exercise=exercises[item.slug],
            position=position,
            sets=item.dose.sets,
            reps=item.dose.reps,
            hold_s=item.dose.hold_s,
            duration_s=item.dose.duration_s,
            supervised_only=item.supervised_only,
            explanation=reason_rows(item.why),
        )
        for version, (_, plan) in zip(versions, pairs, strict=True)
        for position, item in enumerate(plan.exercises, start=1)
    )
    if approve:
        lay_out_schedules(programs)
    return programs


def lay_out_schedules(programs: Sequence[Program]) -> None:
    home: list[HomeSession] = []
    supervised: list[SupervisedSession] = []
    clinic = clinic_settings()
    for program in programs:
        days, sessions = schedule_rows(program, clinic=clinic)
        home.extend(days)
        supervised.extend(sessions)
    HomeSession.objects.bulk_create(home, batch_size=5000)
    SupervisedSession.objects.bulk_create(supervised, batch_size=5000)


def session_weekdays(*, per_week: int, open_days: Sequence[int]) -> tuple[int, ...]:
    """The weekdays (Monday 0) of a course of `per_week` sessions at a clinic that holds them
    on `open_days`: the usual days (SUPERVISED_WEEKDAYS) when the clinic works on them, else
    the `per_week` of its days furthest apart around the week (the earliest such), else, with
    fewer days than that, every one of them."""
    days = sorted(set(open_days))
    if not days:
        raise ValueError("The clinic holds supervised sessions on no weekday.")
    usual = SUPERVISED_WEEKDAYS.get(per_week)
    if usual is not None and set(usual) <= set(days):
        return usual
    if len(days) <= per_week:
        return tuple(days)

    def closest_gap(chosen: tuple[int, ...]) -> int:
        return min(b - a for a, b in zip(chosen, (*chosen[1:], chosen[0] + 7), strict=True))

    return max(combinations(days, per_week), key=closest_gap)


def supervised_times(
    *,
    start: date,
    per_week: int,
    count: int,
    time_zone: str,
    at: time = SUPERVISED_TIME,
    weekdays: Sequence[int] | None = None,
    after: datetime | None = None,
) -> list[datetime]:
    """`count` clinic appointments from `start`, on fixed weekdays (the usual ones for
    `per_week` unless given), at `at` local time in `time_zone`; none at or before `after`."""
    chosen = tuple(weekdays) if weekdays is not None else SUPERVISED_WEEKDAYS[per_week]
    if not chosen:
        raise ValueError("Supervised sessions need at least one weekday.")
    zone = ZoneInfo(time_zone)
    times: list[datetime] = []
    day = start
    while len(times) < count:
        if day.weekday() in chosen:
            moment = datetime.combine(day, at, tzinfo=zone)
            if after is None or moment > after:
                times.append(moment)
        day += timedelta(days=1)
    return times


def clinic_session_times(
    *,
    start: date,
    per_week: int,
    count: int,
    patient_time_zone: str,
    approved_at: datetime | None,
    clinic: ClinicSettings | None = None,
) -> list[datetime]:
    """A course's sessions at the clinic's time and on its weekdays, in its time zone (the
    patient's, before the clinic has saved its settings).

    A program that starts on the day of its approval (in the clinic's zone) or later has its
    first session at the clinic's next slot after the approval: approved at 15:00, not at
    10:00 that morning. One dated earlier is a course already under way (begun on paper):
    its sessions are laid out from its start, to be recorded.
    """
    clinic = clinic or clinic_settings()
    zone = clinic.session_time_zone(patient_time_zone)
    after = None
    if approved_at is not None and start >= approved_at.astimezone(ZoneInfo(zone)).date():
        after = approved_at
    return supervised_times(
        start=start,
        per_week=per_week,
        count=count,
        time_zone=zone,
        at=clinic.session_time,
        weekdays=session_weekdays(per_week=per_week, open_days=clinic.session_weekdays),
        after=after,
    )


def schedule_rows(
    program: Program, *, clinic: ClinicSettings | None = None
) -> tuple[list[HomeSession], list[SupervisedSession]]:
    """The unsaved rows of a program's schedule: one home day each day, the clinic course."""
    home = [
        HomeSession(program=program, day=program.start_date + timedelta(days=offset))
        for offset in range(program.weeks * 7)
    ]
    supervised = [
        SupervisedSession(program=program, number=number, scheduled_for=when)
        for number, when in enumerate(
            clinic_session_times(
                start=program.start_date,
                per_week=program.supervised_per_week,
                count=program.supervised_course_length,
                patient_time_zone=program.patient.time_zone,
                approved_at=program.approved_at,
                clinic=clinic,
            ),
            start=1,
        )
    ]
    return home, supervised
