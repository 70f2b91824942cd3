"""Writes of the planner: programs, versions, schedule, supervised sessions, logs, reviews.

Every function checks its input first and raises ValidationError with field
messages before it writes anything; each runs in one transaction.
"""

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from exercises.models import Exercise
from planner.engine.dose import ExactDose
from planner.engine.generate import StartingForm, generate_plan
from planner.engine.review import ExerciseLog as ReviewLog
from planner.engine.review import ExerciseUnderReview, Proposal, baseline_pain, review_week
from planner.engine.serialize import activity_to_dict, dose_text
from planner.engine.types import Dose, Exclusion, Plan, Reason
from planner.events import patient_event_record
from planner.models import (
    OPEN_STATUSES,
    EventKind,
    ExerciseLog,
    ExerciseState,
    Feeling,
    HomeSession,
    Program,
    ProgramExercise,
    ProgramStatus,
    ProgramVersion,
    ReviewItem,
    ReviewProposal,
    ReviewStatus,
    SessionLog,
    SupervisedExerciseRecord,
    SupervisedSession,
    SupervisedStatus,
)
from planner.safety import Rules, enforce, findings_for, row_findings, rules_on
from planner.selectors import (
    engine_catalogue,
    engine_rules,
    home_session_exercises,
    patient_local_today,
    patient_profile,
    patient_profiles,
    program_current_version,
    program_exercises,
)
from rehab.models import PainAssessment, Patient, PatientRedFlag, RedFlag
from rehab.services import red_flag_raise

logger = logging.getLogger(__name__)
HOME_UNLOCK_POLICIES = ("all", "each")
# A logged pain of this or more alerts the clinician at once (CLINICAL.md, progression).
ALERT_PAIN_FROM = 6
# Supervised sessions fall on these weekdays (Monday is 0), at this local time.
SUPERVISED_WEEKDAYS = {2: (1, 3), 3: (0, 2, 4)}
SUPERVISED_TIME = time(10, 0)


def home_unlock_policy() -> str:
    policy = getattr(settings, "HOME_UNLOCK", "all")
    if policy not in HOME_UNLOCK_POLICIES:
        raise ValueError(f"HOME_UNLOCK must be one of {', '.join(HOME_UNLOCK_POLICIES)}.")
    return str(policy)


def _reasons(plan_reasons: Sequence[Reason]) -> list[dict[str, str]]:
    return [{"rule": r.rule, "text": r.text} for r in plan_reasons]


# -- Generating and approving -------------------------------------------------------------------


def program_plan_preview(*, patient: Patient, on: date | None = None) -> Plan:
    """What the engine proposes for the patient today; writes nothing."""
    return generate_plan(
        patient_profile(patient=patient, on=on), engine_catalogue(), engine_rules()
    )


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


def _plan_problems(plan: Plan) -> list[str]:
    if plan.status == "blocked":
        return ["No program while a red flag is active.", *(r.text for r in plan.reasons)]
    if not plan.exercises:
        return ["The rules leave no exercise for this patient.", *(r.text for r in plan.reasons)]
    return []


OPEN_PROGRAM_MESSAGE = "The patient already has an open program; pause or complete it first."


@transaction.atomic
def program_generate(
    *,
    patient: Patient,
    by: Any,
    start_date: date | None = None,
    weeks: int = 6,
    supervised_per_week: int | None = None,
    supervised_course_length: int | None = None,
) -> Program:
    """A draft program (version 1) from the engine's plan, with its explanation kept.

    The supervised course follows the patient's STarT Back risk unless the clinician sets it.
    """
    options = ProgramSettings(
        start_date or patient_local_today(patient=patient),
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
    the reason, and the rest go ahead."""
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
    for patient in patients:
        if patient.pk in busy:
            skipped[patient.pk] = OPEN_PROGRAM_MESSAGE
            continue
        plan = generate_plan(profiles[patient.pk], catalogue, rules)
        problems = _plan_problems(plan)
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
    programs = Program.objects.bulk_create(
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
    )
    versions = ProgramVersion.objects.bulk_create(
        ProgramVersion(
            program=program,
            number=1,
            note="Generated by the planner.",
            diff="\n".join(f"+ {e.name}: {_dose_of(e.dose)}" for e in plan.exercises),
            plan_status=plan.status,
            plan_reasons=_reasons(plan.reasons),
            activity=activity_to_dict(plan.activity) or {},
            advice=_reasons(plan.advice),
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
            explanation=_reasons(item.why),
        )
        for version, (_, plan) in zip(versions, pairs, strict=True)
        for position, item in enumerate(plan.exercises, start=1)
    )
    if approve:
        _lay_out_schedules(programs)
    return programs


def _lay_out_schedules(programs: Sequence[Program]) -> None:
    home: list[HomeSession] = []
    supervised: list[SupervisedSession] = []
    for program in programs:
        days, sessions = schedule_rows(program)
        home.extend(days)
        supervised.extend(sessions)
    HomeSession.objects.bulk_create(home, batch_size=5000)
    SupervisedSession.objects.bulk_create(supervised, batch_size=5000)


def _dose_of(dose: Dose) -> str:
    return dose_text(dose.sets, dose.reps, dose.hold_s, dose.duration_s)


def supervised_times(*, start: date, per_week: int, count: int, time_zone: str) -> list[datetime]:
    """`count` clinic appointments from `start`, on fixed weekdays, at 10:00 local time."""
    weekdays = SUPERVISED_WEEKDAYS[per_week]
    zone = ZoneInfo(time_zone)
    times: list[datetime] = []
    day = start
    while len(times) < count:
        if day.weekday() in weekdays:
            times.append(datetime.combine(day, SUPERVISED_TIME, tzinfo=zone))
        day += timedelta(days=1)
    return times


def schedule_rows(program: Program) -> tuple[list[HomeSession], list[SupervisedSession]]:
    """The unsaved rows of a program's schedule: one home day each day, the clinic course."""
    home = [
        HomeSession(program=program, day=program.start_date + timedelta(days=offset))
        for offset in range(program.weeks * 7)
    ]
    supervised = [
        SupervisedSession(program=program, number=number, scheduled_for=when)
        for number, when in enumerate(
            supervised_times(
                start=program.start_date,
                per_week=program.supervised_per_week,
                count=program.supervised_course_length,
                time_zone=program.patient.time_zone,
            ),
            start=1,
        )
    ]
    return home, supervised


def _program_in(program: Program, allowed: Sequence[str], verb: str) -> Program:
    """The program locked for update, if its status allows the change."""
    program = Program.objects.select_for_update().select_related("patient").get(pk=program.pk)
    if program.status not in allowed:
        names = " or ".join(allowed)
        article = "an" if names[0] in "aeiou" else "a"
        raise ValidationError(
            {
                "status": f"Only {article} {names} program can be {verb}; "
                f"this one is {program.status}."
            }
        )
    return program


@transaction.atomic
def program_approve(*, program: Program, by: Any) -> Program:
    """Draft to active: the clinician signs the program and its schedule is laid out."""
    program = _program_in(program, [ProgramStatus.DRAFT], "approved")
    version = program_current_version(program=program)
    rows = program_exercises(version=version)
    if not rows:
        raise ValidationError({"exercises": "A program needs at least one exercise."})
    if version.plan_status == "blocked":
        raise ValidationError({"status": "A blocked plan cannot be approved."})
    # The draft may be days old: it is signed against the rules in force when it starts.
    day = max(program.start_date, patient_local_today(patient=program.patient))
    problems = findings_for(rules_on(patient=program.patient, day=day), rows)
    if problems:
        raise ValidationError(
            {
                "status": [
                    f"Not approved: on {day} the rules in force do not allow this draft."
                    " Generate it again or edit it.",
                    *(f"[{f.rule}] {f.slug + ': ' if f.slug else ''}{f.text}" for f in problems),
                ]
            }
        )
    program.status = ProgramStatus.ACTIVE
    program.approved_by = by
    program.approved_at = timezone.now()
    program.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
    _lay_out_schedules([program])
    return program


@transaction.atomic
def program_pause(*, program: Program, by: Any, reason: str) -> Program:
    if not reason.strip():
        raise ValidationError({"reason": "Say why the program is paused; the patient sees it."})
    program = _program_in(program, [ProgramStatus.ACTIVE], "paused")
    program.status = ProgramStatus.PAUSED
    program.paused_reason = reason.strip()
    program.save(update_fields=["status", "paused_reason", "updated_at"])
    return program


@transaction.atomic
def program_resume(*, program: Program, by: Any, on: date | None = None) -> Program:
    """Back to active once the red flags are resolved; the program is re-checked against the
    rules in force on the day it resumes (a pregnancy may have advanced meanwhile)."""
    program = _program_in(program, [ProgramStatus.PAUSED], "resumed")
    day = on or patient_local_today(patient=program.patient)
    flags = sorted(
        PatientRedFlag.objects.filter(
            patient=program.patient, status=PatientRedFlag.Status.ACTIVE
        ).values_list("red_flag__name", flat=True)
    )
    if flags:
        raise ValidationError(
            {
                "status": "A program cannot resume while a red flag is active: "
                f"{', '.join(flags)}. Resolve it in the patient's record first."
            }
        )
    program.status = ProgramStatus.ACTIVE
    program.paused_reason = ""
    program.save(update_fields=["status", "paused_reason", "updated_at"])
    program_recheck(program=program, by=by, on=day)
    return program


@transaction.atomic
def program_recheck(
    *, program: Program, by: Any = None, on: date | None = None
) -> ProgramVersion | None:
    """Re-check the program against the rules in force on `on` (by default the patient's
    today) and, when they no longer allow something, make the version that they allow:
    an exercise now blocked gives way to its allowed easier variant (supervised first) or is
    paused, doses come within the caps. None when nothing needed to change.

    Run on resume and every day for every running program (CLINICAL.md: gestational weeks
    advance, an age band changes on a birthday, a comorbidity counts from when recorded).
    """
    program = Program.objects.select_related("patient").get(pk=program.pk)
    if program.status not in (ProgramStatus.ACTIVE, ProgramStatus.PAUSED):
        return None
    day = on or patient_local_today(patient=program.patient)
    current = program_current_version(program=program)
    if not row_findings(
        rules_on(patient=program.patient, day=day), program_exercises(version=current)
    ):
        return None
    author = by or program.approved_by or program.created_by
    return _new_version(
        program=program,
        by=author,
        note=f"Re-checked against the rules in force on {day}.",
        changes=(),
        on=day,
    )


def programs_recheck_due(*, now: datetime | None = None) -> dict[int, str]:
    """`program_recheck` for every running program on its patient's own date; one program's
    failure is recorded and the rest go on. Returns program id -> what happened."""
    moment = now or timezone.now()
    report: dict[int, str] = {}
    programs = Program.objects.filter(
        status__in=(ProgramStatus.ACTIVE, ProgramStatus.PAUSED)
    ).select_related("patient")
    for program in programs:
        day = timezone.localtime(moment, ZoneInfo(program.patient.time_zone)).date()
        try:
            version = program_recheck(program=program, on=day)
        except Exception as error:  # one broken program must not stop the others' re-check
            logger.exception("Re-checking program %s failed", program.pk)
            report[program.pk] = f"failed: {error}"
            continue
        if version is not None:
            report[program.pk] = f"version {version.number}"
    return report


def draft_exercises_check(
    *, program: Program, rows: Sequence[ProgramExercise]
) -> dict[str, list[str]]:
    """What the rules in force when the draft starts say against its edited rows, by exercise
    slug (empty when nothing): a draft edit in the admin is held to the same check as every
    other change."""
    day = max(program.start_date, patient_local_today(patient=program.patient))
    problems: dict[str, list[str]] = {}
    for finding in row_findings(rules_on(patient=program.patient, day=day), rows):
        problems.setdefault(finding.slug, []).append(f"[{finding.rule}] {finding.text}")
    return problems


@transaction.atomic
def patient_records_changed(*, patient: Patient, by: Any) -> None:
    """A clinician changed the patient's records (a red flag, a comorbidity, a pregnancy):
    they count from now. An active red flag pauses home training at once; otherwise the
    running programs are re-checked against the rules in force today."""
    if red_flags_pause_programs(patient=patient, by=by):
        return
    for program in Program.objects.filter(
        patient=patient, status__in=(ProgramStatus.ACTIVE, ProgramStatus.PAUSED)
    ):
        program_recheck(program=program, by=by)


@transaction.atomic
def red_flags_pause_programs(*, patient: Patient, by: Any, reason: str = "") -> list[Program]:
    """A red flag recorded by a clinician stops home training at once (CLINICAL.md): every
    active program of the patient is paused, with the flags as the reason."""
    flags = sorted(
        PatientRedFlag.objects.filter(
            patient=patient, status=PatientRedFlag.Status.ACTIVE
        ).values_list("red_flag__name", flat=True)
    )
    if not flags:
        return []
    with translation.override(patient.language):
        text = reason or _(
            "Paused by your clinic because of: %(symptoms)s. Do not restart the exercises "
            "until your clinic has seen you."
        ) % {"symptoms": ", ".join(_(name) for name in flags)}
    paused = []
    for program in Program.objects.filter(patient=patient, status=ProgramStatus.ACTIVE):
        paused.append(program_pause(program=program, by=by, reason=text))
    return paused


@transaction.atomic
def program_complete(*, program: Program, by: Any) -> Program:
    program = _program_in(program, [ProgramStatus.ACTIVE, ProgramStatus.PAUSED], "completed")
    program.status = ProgramStatus.COMPLETED
    program.save(update_fields=["status", "updated_at"])
    return program


# -- New versions -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExerciseChange:
    """One change to one exercise of the current version.

    `dose` sets a new dose; `replace_with` swaps in another exercise (it starts
    supervised); `state` moves it to paused or retired.
    """

    program_exercise_id: int
    dose: Dose | None = None
    replace_with: Exercise | None = None
    state: str | None = None
    exact: ExactDose | None = None  # a review's exact dose behind `dose` (one decimal)


def dose_problems(exercise: Exercise, dose: Dose, field: str) -> dict[str, str]:
    """What is wrong with a dose for this exercise, by field; empty when it is fine."""
    errors: dict[str, str] = {}
    if dose.sets < 1:
        errors[field] = "At least one set."
    elif exercise.is_timed and (dose.reps or dose.duration_s < 1):
        errors[field] = f"{exercise.name} is timed: give a duration and no repetitions."
    elif not exercise.is_timed and (dose.duration_s or dose.reps < 1):
        errors[field] = f"{exercise.name} is counted in repetitions: give reps and no duration."
    else:
        bounds = (
            ("sets", exercise.min_sets, exercise.max_sets),
            ("reps", exercise.min_reps, exercise.max_reps),
            ("hold_s", exercise.min_hold_s, exercise.max_hold_s),
            ("duration_s", exercise.min_duration_s, exercise.max_duration_s),
        )
        for name, low, high in bounds:
            value = getattr(dose, name)
            if not low <= value <= high:
                errors[field] = (
                    f"{exercise.name}: {name.replace('_s', ' (s)')} must be between {low} and "
                    f"{high}, got {value}."
                )
                break
    return errors


@transaction.atomic
def program_revise(
    *,
    program: Program,
    by: Any,
    note: str,
    changes: Sequence[ExerciseChange],
    on: date | None = None,
) -> ProgramVersion:
    """A new version: the current one with `changes` applied, and a readable diff.

    The new version is checked against the rules in force on `on` (the day it takes effect,
    by default the patient's today): a change the rules block is held back, and the diff
    says what and why.
    """
    if not changes:
        raise ValidationError({"changes": "Nothing to change."})
    return _new_version(program=program, by=by, note=note, changes=changes, on=on)


def _new_version(
    *,
    program: Program,
    by: Any,
    note: str,
    changes: Sequence[ExerciseChange],
    on: date | None,
) -> ProgramVersion:
    program = Program.objects.select_for_update().select_related("patient").get(pk=program.pk)
    if program.status == ProgramStatus.COMPLETED:
        raise ValidationError({"status": "A completed program cannot change."})
    if not note.strip():
        raise ValidationError({"note": "Say why the program changes."})
    day = on or patient_local_today(patient=program.patient)
    rules = rules_on(patient=program.patient, day=day)
    current = program_current_version(program=program)
    items = {item.pk: item for item in program_exercises(version=current)}
    errors: dict[str, str] = {}
    by_id: dict[int, ExerciseChange] = {}
    for index, change in enumerate(changes):
        field = f"changes[{index}]"
        item = items.get(change.program_exercise_id)
        if item is None:
            errors[field] = "Not an exercise of the current version of this program."
            continue
        if change.program_exercise_id in by_id:
            errors[field] = "Two changes for one exercise in one version."
            continue
        by_id[change.program_exercise_id] = change
        target = change.replace_with or item.exercise
        if change.replace_with is not None:
            present = {i.exercise_id for i in items.values() if i.pk != item.pk}
            if change.replace_with.pk in present:
                errors[field] = f"{change.replace_with.name} is already in the program."
            elif not change.replace_with.is_active:
                errors[field] = f"{change.replace_with.name} is not an active exercise."
        if change.dose is not None:
            errors.update(dose_problems(target, change.dose, field))
        if change.state is not None and change.state not in (
            ExerciseState.PAUSED,
            ExerciseState.RETIRED,
            ExerciseState.SUPERVISED,
        ):
            errors[field] = "A change may pause, retire or return an exercise to supervision."
    if errors:
        raise ValidationError(errors)

    version = ProgramVersion.objects.create(
        program=program,
        number=current.number + 1,
        note=note.strip()[:300],
        plan_status=current.plan_status,
        plan_reasons=current.plan_reasons,
        activity=current.activity,
        advice=current.advice,
        created_by=by,
    )
    rows: list[ProgramExercise] = []
    diff: list[str] = []
    for item in items.values():
        wanted = by_id.get(item.pk)
        row = ProgramExercise(
            version=version,
            exercise=item.exercise,
            position=item.position,
            sets=item.sets,
            reps=item.reps,
            hold_s=item.hold_s,
            duration_s=item.duration_s,
            state=item.state,
            supervised_only=item.supervised_only,
            explanation=item.explanation,
            exact_dose=item.exact_dose,
            mastered_on=item.mastered_on,
            mastered_by=item.mastered_by,
        )
        if wanted is not None:
            diff.extend(_apply(row, item, wanted, note, rules))
        rows.append(row)
    diff.extend(enforce(rules, rows, before={item.position: item for item in items.values()}))
    ProgramExercise.objects.bulk_create(rows)
    version.diff = "\n".join(diff)
    version.save(update_fields=["diff"])
    return version


def _apply(
    row: ProgramExercise, old: ProgramExercise, change: ExerciseChange, note: str, rules: Rules
) -> list[str]:
    lines: list[str] = []
    if change.replace_with is not None:
        row.exercise = change.replace_with
        row.state = ExerciseState.SUPERVISED  # new to the patient: supervised first
        row.mastered_on = None
        row.mastered_by = None
        row.explanation = [*old.explanation, {"rule": "CHANGE", "text": note}]
        lines.append(f"~ {old.exercise.name} -> {change.replace_with.name} (starts supervised)")
    if change.dose is not None:
        row.sets, row.reps = change.dose.sets, change.dose.reps
        row.hold_s, row.duration_s = change.dose.hold_s, change.dose.duration_s
        row.exact_dose = _exact_json(change.exact, change.dose) if change.exact else {}
        before = dose_text(old.sets, old.reps, old.hold_s, old.duration_s)
        lines.append(f"~ {row.exercise.name}: {before} -> {row.dose_text}")
    elif change.replace_with is not None:
        # The patient's own starting dose with the cautions in force, as in a new plan (not
        # the library's default); a form the rules refuse is held back by `enforce`.
        form = rules.starting_form(change.replace_with.slug)
        if isinstance(form, StartingForm):
            dose = form.dose
            row.supervised_only = form.supervised_only
            row.explanation = [
                *row.explanation,
                *({"rule": r.rule, "text": r.text} for r in form.why),
            ]
        else:
            dose = change.replace_with.default_dose
        row.sets, row.reps, row.hold_s, row.duration_s = (
            dose.sets,
            dose.reps,
            dose.hold_s,
            dose.duration_s,
        )
    if change.state is not None and change.state != old.state:
        row.state = change.state
        if change.state != ExerciseState.MASTERED:
            row.mastered_on, row.mastered_by = None, None
        lines.append(
            f"~ {row.exercise.name}: {old.get_state_display()} -> {row.get_state_display()}"
        )
    return lines


# -- Supervised sessions and mastery ------------------------------------------------------------


def _unlock_home(program: Program, items: Sequence[ProgramExercise], on: date) -> None:
    """Start home training when the clinic's policy allows (CLINICAL.md, HOME_UNLOCK)."""
    if program.home_started_on is not None:
        return
    active = [i for i in items if i.state not in (ExerciseState.RETIRED, ExerciseState.PAUSED)]
    mastered = [i for i in active if i.state == ExerciseState.MASTERED]
    policy = home_unlock_policy()
    if (policy == "all" and active and len(mastered) == len(active)) or (
        policy == "each" and mastered
    ):
        program.home_started_on = max(on, program.start_date)
        program.save(update_fields=["home_started_on", "updated_at"])


@transaction.atomic
def mastery_sign_off(
    *, program_exercise: ProgramExercise, by: Any, on: date | None = None
) -> ProgramExercise:
    """The specialist confirms the patient does the exercise correctly and alone."""
    item = ProgramExercise.objects.select_related("version__program").get(pk=program_exercise.pk)
    program = (
        Program.objects.select_for_update()
        .select_related("patient")
        .get(pk=item.version.program_id)
    )
    day = on or patient_local_today(patient=program.patient)
    current = program_current_version(program=program)
    if item.version_id != current.pk:
        raise ValidationError(
            {"program_exercise": "Sign off on the current version of the program."}
        )
    if program.status != ProgramStatus.ACTIVE:
        raise ValidationError({"status": "Mastery is signed off on an active program."})
    if item.state != ExerciseState.SUPERVISED:
        raise ValidationError({"program_exercise": f"{item} is not waiting for mastery."})
    # Mastered, it goes home: only if the rules in force on that day allow it there.
    problems = row_findings(rules_on(patient=program.patient, day=day), [item])
    if problems:
        raise ValidationError(
            {
                "program_exercise": [
                    f"{item.exercise.name} cannot go home on {day}; re-check the program.",
                    *(f"[{f.rule}] {f.text}" for f in problems),
                ]
            }
        )
    item.state = ExerciseState.MASTERED
    item.mastered_on = day
    item.mastered_by = by
    item.save(update_fields=["state", "mastered_on", "mastered_by"])
    _unlock_home(program, program_exercises(version=current), day)
    return item


@dataclass(frozen=True)
class SupervisedEntry:
    program_exercise_id: int
    technique: int
    dose: Dose | None = None
    swap_to_easier: bool = False
    mastered: bool = False
    note: str = ""


@transaction.atomic
def supervised_session_record(
    *,
    session: SupervisedSession,
    by: Any,
    entries: Sequence[SupervisedEntry],
    note: str = "",
    today: date | None = None,
) -> SupervisedSession:
    """Record a clinic session: technique, dose adjustments, easier swaps, mastery sign-offs."""
    session = (
        SupervisedSession.objects.select_for_update()
        .select_related("program__patient")
        .get(pk=session.pk)
    )
    program = session.program
    if program.status != ProgramStatus.ACTIVE:
        raise ValidationError({"session": "Sessions are recorded for an active program."})
    if session.status != SupervisedStatus.PLANNED:
        raise ValidationError({"session": f"This session is already {session.status}."})
    if not entries:
        raise ValidationError({"entries": "Record at least one exercise."})
    current = program_current_version(program=program)
    items = {i.pk: i for i in program_exercises(version=current)}
    errors: dict[str, str] = {}
    seen: set[int] = set()
    for index, entry in enumerate(entries):
        field = f"entries[{index}]"
        item = items.get(entry.program_exercise_id)
        if item is None:
            errors[field] = "Not an exercise of the current version of this program."
        elif entry.program_exercise_id in seen:
            errors[field] = "The same exercise twice."
        elif not 1 <= entry.technique <= 5:
            errors[field] = "Technique is rated from 1 to 5."
        elif entry.swap_to_easier and entry.mastered:
            errors[field] = "An exercise swapped for an easier one is not mastered yet."
        elif entry.swap_to_easier and item.exercise.easier_variant_or_none() is None:
            errors[field] = f"{item.exercise.name} has no easier variant."
        elif entry.mastered and item.state != ExerciseState.SUPERVISED:
            errors[field] = f"{item.exercise.name} is not waiting for mastery."
        elif entry.dose is not None:
            errors.update(dose_problems(item.exercise, entry.dose, field))
        seen.add(entry.program_exercise_id)
    if errors:
        raise ValidationError(errors)

    SupervisedExerciseRecord.objects.bulk_create(
        SupervisedExerciseRecord(
            session=session,
            program_exercise=items[entry.program_exercise_id],
            technique=entry.technique,
            sets=entry.dose.sets if entry.dose else None,
            reps=entry.dose.reps if entry.dose else None,
            hold_s=entry.dose.hold_s if entry.dose else None,
            duration_s=entry.dose.duration_s if entry.dose else None,
            swapped_to_easier=entry.swap_to_easier,
            mastered=entry.mastered,
            note=entry.note[:300],
        )
        for entry in entries
    )
    session.status = SupervisedStatus.DONE
    session.recorded_by = by
    session.recorded_at = timezone.now()
    session.note = note
    session.save(update_fields=["status", "recorded_by", "recorded_at", "note"])

    day = today or timezone.localdate(timezone=ZoneInfo(program.patient.time_zone))
    for entry in entries:
        if entry.mastered:
            mastery_sign_off(program_exercise=items[entry.program_exercise_id], by=by, on=day)
    changes = [
        ExerciseChange(
            entry.program_exercise_id,
            dose=entry.dose,
            replace_with=items[entry.program_exercise_id].exercise.easier_variant_or_none()
            if entry.swap_to_easier
            else None,
        )
        for entry in entries
        if entry.swap_to_easier or entry.dose is not None
    ]
    if changes:
        program_revise(
            program=program,
            by=by,
            note=f"Adjusted in supervised session {session.number}.",
            changes=changes,
            on=day,
        )
    return session


# -- The patient's log --------------------------------------------------------------------------


@dataclass(frozen=True)
class LogEntry:
    exercise_slug: str
    done: bool
    sets_done: int = 0
    reps_done: int = 0
    pain_during: int | None = None
    pain_after: int | None = None
    difficulty: str = ""
    note: str = ""


def _check_log_entry(entry: LogEntry, field: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    for name in ("pain_during", "pain_after"):
        value = getattr(entry, name)
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10
        ):
            errors[f"{field}.{name}"] = _("Pain is a whole number from 0 to 10, got %(value)r.") % {
                "value": value
            }
    for name in ("sets_done", "reps_done"):
        value = getattr(entry, name)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 500:
            errors[f"{field}.{name}"] = _(
                "Must be a whole number from 0 to 500, got %(value)r."
            ) % {"value": value}
    if entry.difficulty not in ("", *Feeling.values):
        errors[f"{field}.difficulty"] = _(
            "Unknown difficulty %(value)r; valid values: %(valid)s."
        ) % {"value": entry.difficulty, "valid": ", ".join(Feeling.values)}
    if len(entry.note) > 500:
        errors[f"{field}.note"] = _("A note is at most 500 characters.")
    return errors


@transaction.atomic
def session_log_record(
    *,
    patient: Patient,
    day: date,
    client_key: str,
    entries: Sequence[LogEntry],
    today: date | None = None,
) -> tuple[SessionLog, bool]:
    """Store what the patient did on a day. Resending the same key returns the stored log.

    Returns the log and whether it was created now.
    """
    if not client_key or len(client_key) > 64:
        raise ValidationError({"client_key": _("A key of 1 to 64 characters is required.")})
    existing = (
        SessionLog.objects.filter(client_key=client_key)
        .select_related("home_session__program")
        .first()
    )
    if existing is not None:
        if existing.home_session.program.patient_id != patient.pk:
            raise ValidationError({"client_key": _("This key belongs to another log.")})
        return existing, False
    program = Program.objects.filter(patient=patient, status=ProgramStatus.ACTIVE).first()
    if program is None:
        raise ValidationError({"day": _("There is no active program to log against.")})
    if not program.covers(day):
        raise ValidationError(
            {
                "day": _("%(day)s is outside the program (%(start)s to %(end)s).")
                % {"day": day, "start": program.start_date, "end": program.end_date}
            }
        )
    if day > (today or timezone.localdate(timezone=ZoneInfo(patient.time_zone))):
        raise ValidationError({"day": _("A day in the future cannot be logged.")})
    if not entries:
        raise ValidationError({"entries": _("Log at least one exercise.")})
    session = HomeSession.objects.get(program=program, day=day)
    allowed = {
        item.exercise.slug: item for item in home_session_exercises(program=program, day=day)
    }
    errors: dict[str, str] = {}
    slugs: set[str] = set()
    for index, entry in enumerate(entries):
        field = f"entries[{index}]"
        if entry.exercise_slug not in allowed:
            valid = ", ".join(sorted(allowed)) or _("none (home training has not started)")
            errors[f"{field}.exercise"] = _(
                "%(exercise)r is not in this day's home session; valid: %(valid)s."
            ) % {"exercise": entry.exercise_slug, "valid": valid}
        elif entry.exercise_slug in slugs:
            errors[f"{field}.exercise"] = _("The same exercise twice in one log.")
        slugs.add(entry.exercise_slug)
        errors.update(_check_log_entry(entry, field))
    if errors:
        raise ValidationError(errors)
    already = set(
        ExerciseLog.objects.filter(home_session=session, exercise__slug__in=slugs).values_list(
            "exercise__slug", flat=True
        )
    )
    if already:
        raise ValidationError(
            {
                "entries": _("Already logged for %(day)s: %(exercises)s.")
                % {"day": day, "exercises": ", ".join(sorted(already))}
            }
        )
    try:
        with transaction.atomic():
            log = SessionLog.objects.create(home_session=session, client_key=client_key)
    except IntegrityError:
        # The same key arrived twice at once; the other request stored it.
        return SessionLog.objects.get(client_key=client_key), False
    try:
        with transaction.atomic():
            ExerciseLog.objects.bulk_create(
                ExerciseLog(
                    session_log=log,
                    home_session=session,
                    program_exercise=allowed[entry.exercise_slug],
                    exercise=allowed[entry.exercise_slug].exercise,
                    done=entry.done,
                    sets_done=entry.sets_done,
                    reps_done=entry.reps_done,
                    pain_during=entry.pain_during,
                    pain_after=entry.pain_after,
                    difficulty=entry.difficulty,
                    note=entry.note,
                )
                for entry in entries
            )
    except IntegrityError:
        # Another key logged the same exercise for the same day a moment ago.
        raise ValidationError(
            {"entries": _("Already logged for %(day)s.") % {"day": day}}
        ) from None
    pains = [p for e in entries for p in (e.pain_during, e.pain_after) if p is not None]
    if pains and max(pains) >= ALERT_PAIN_FROM:
        # CLINICAL.md: pain of 6 or more pauses progression until the clinician has looked.
        Program.objects.filter(pk=program.pk, progression_paused_reason="").update(
            progression_paused_reason=f"Pain of {max(pains)} out of 10 logged on {day}."
        )
        patient_event_record(
            patient=patient,
            kind=EventKind.PAIN_HIGH,
            context={"pain": max(pains), "day": day.isoformat()},
            now=_noon(patient, today),
        )
    return log, True


def _noon(patient: Patient, day: date | None) -> datetime | None:
    """Midday of `day` in the patient's zone (None for now): alerts of a given day are dated
    on it, also when a simulation or a late log names the day."""
    if day is None:
        return None
    return datetime.combine(day, time(12, 0), tzinfo=ZoneInfo(patient.time_zone))


@transaction.atomic
def symptom_red_flag_report(*, patient: Patient, codes: Sequence[str], note: str = "") -> list[str]:
    """A patient reports red-flag symptoms: record them, pause the program, alert the doctor.

    Returns the codes newly raised (one already active is not raised twice).
    """
    known = {flag.code: flag for flag in RedFlag.objects.filter(code__in=codes)}
    unknown = sorted(set(codes) - set(known))
    if not codes or unknown:
        valid = ", ".join(sorted(RedFlag.objects.values_list("code", flat=True)))
        raise ValidationError(
            {"codes": f"Unknown red flag {', '.join(unknown) or '(none given)'}; valid: {valid}."}
        )
    active = set(
        PatientRedFlag.objects.filter(
            patient=patient, status=PatientRedFlag.Status.ACTIVE
        ).values_list("red_flag__code", flat=True)
    )
    raised = [code for code in sorted(known) if code not in active]
    for code in raised:
        red_flag_raise(patient=patient, code=code, notes=f"Reported by the patient. {note}".strip())
    names = ", ".join(known[code].name for code in sorted(known))
    # The patient reads the reason on Today: it is written in their language.
    with translation.override(patient.language):
        reason = _(
            "Paused because you reported: %(symptoms)s. Your clinic will contact you; "
            "do not restart the exercises until they have."
        ) % {"symptoms": ", ".join(_(known[code].name) for code in sorted(known))}
    for program in Program.objects.filter(patient=patient, status=ProgramStatus.ACTIVE):
        program_pause(program=program, by=None, reason=reason)
    patient_event_record(
        patient=patient, kind=EventKind.RED_FLAG_REPORTED, context={"reason": names}
    )
    return raised


# -- Weekly review ------------------------------------------------------------------------------


def _baseline_pains(program: Program) -> tuple[int | None, int | None]:
    """(pain during, pain after) at the start, like compared with like (CLINICAL.md): the
    median of the first week at home, else the clinic's last score before the program."""
    first = program.home_started_on
    during: int | None = None
    after: int | None = None
    if first is not None:
        logs = [
            ReviewLog(day, done, pain_during, pain_after, None)
            for day, done, pain_during, pain_after in ExerciseLog.objects.filter(
                home_session__program=program,
                home_session__day__range=(first, first + timedelta(days=6)),
            ).values_list("home_session__day", "done", "pain_during", "pain_after")
        ]
        during, after = baseline_pain(logs, first_home_day=first)
    if during is None or after is None:
        clinic = (
            PainAssessment.objects.filter(
                patient=program.patient, assessed_on__lte=program.start_date
            )
            .order_by("-assessed_on", "-id")
            .values_list("score", flat=True)
            .first()
        )
        if clinic is not None:
            during = int(clinic) if during is None else during
            after = int(clinic) if after is None else after
    return during, after


def _capped_max(exercise: Exercise, rules: Rules | None) -> Dose:
    top = exercise.max_dose
    known = rules.catalogue.get(exercise.slug) if rules is not None else None
    if rules is None or known is None:
        return top
    verdict = rules.in_force.check(known)
    if not verdict.allowed:
        return top  # the exercise itself is refused: enforce() replaces it, not the review
    cap = verdict.max_dose
    return Dose(
        min(top.sets, cap.sets),
        min(top.reps, cap.reps),
        min(top.hold_s, cap.hold_s),
        min(top.duration_s, cap.duration_s),
    )


def _exact_of(item: ProgramExercise) -> ExactDose | None:
    stored = item.exact_dose or {}
    if not stored:
        return None
    return ExactDose(
        float(stored.get("sets", item.sets)),
        float(stored.get("reps", item.reps)),
        float(stored.get("hold_s", item.hold_s)),
        float(stored.get("duration_s", item.duration_s)),
    )


def _exact_json(exact: ExactDose, shown: Dose) -> dict[str, float]:
    """Only what differs from the shown dose is kept."""
    values = {
        "sets": exact.sets,
        "reps": exact.reps,
        "hold_s": exact.hold_s,
        "duration_s": exact.duration_s,
    }
    return {k: v for k, v in values.items() if v != float(getattr(shown, k))}


def review_inputs(
    *, program: Program, week_start: date, rules: Rules | None = None
) -> tuple[list[ExerciseUnderReview], dict[str, ProgramExercise]]:
    """The engine's view of a week of home training, in a fixed number of queries.

    With `rules`, an exercise's maximum is what the rules in force allow (R-HTN's 10 s hold,
    a halving caution), so the review grows the next variable instead of proposing what the
    rules would hold back."""
    week = [week_start + timedelta(days=n) for n in range(7)]
    version = program_current_version(program=program)
    items = [
        item
        for item in program_exercises(version=version)
        if item.state == ExerciseState.MASTERED and not item.supervised_only
    ]
    logs: dict[int, list[ExerciseLog]] = {}
    for row in ExerciseLog.objects.filter(
        home_session__program=program,
        home_session__day__range=(week[0], week[-1]),
        exercise__in=[item.exercise_id for item in items],
    ).select_related("home_session"):
        logs.setdefault(row.exercise_id, []).append(row)
    harder_of = {
        ex.pk: ex.slug
        for ex in Exercise.objects.filter(
            pk__in=[i.exercise.harder_variant_id for i in items if i.exercise.harder_variant_id]
        )
    }
    easier_of = {
        ex.harder_variant_id: ex.slug
        for ex in Exercise.objects.filter(harder_variant__in=[i.exercise_id for i in items])
    }
    baseline_during, baseline_after = _baseline_pains(program)
    under_review = []
    for item in items:
        exercise = item.exercise
        home_days = [
            day
            for day in week
            if program.covers(day)
            and program.home_started_on is not None
            and day >= program.home_started_on
            and item.mastered_on is not None
            and day >= item.mastered_on
        ]
        under_review.append(
            ExerciseUnderReview(
                slug=exercise.slug,
                name=exercise.name,
                dose=item.dose,
                dose_min=exercise.min_dose,
                dose_max=_capped_max(exercise, rules),
                harder=harder_of.get(exercise.harder_variant_id or 0),
                easier=easier_of.get(exercise.pk),
                scheduled_days=len(home_days),
                logs=tuple(
                    ReviewLog(
                        day=row.home_session.day,
                        done=row.done,
                        pain_during=row.pain_during,
                        pain_after=row.pain_after,
                        difficulty=cast(Any, row.difficulty or None),
                    )
                    for row in sorted(logs.get(exercise.pk, []), key=lambda r: r.home_session.day)
                ),
                baseline_pain_during=baseline_during,
                baseline_pain_after=baseline_after,
                exact=_exact_of(item),
            )
        )
    return under_review, {item.exercise.slug: item for item in items}


def _proposals_within_rules(
    proposals: Sequence[Proposal], items: dict[str, ProgramExercise], rules: Rules
) -> list[Proposal]:
    """The review's proposals with every one the rules in force refuse held back, saying why.

    A variant is checked in the form it would start in (the patient's starting dose with the
    cautions in force); a dose in the dose the caps allow.
    """
    kept: list[Proposal] = []
    for proposal in proposals:
        item = items[proposal.slug]
        if proposal.new_exercise:
            form = rules.starting_form(proposal.new_exercise)
            if isinstance(form, Exclusion):
                kept.append(_held_back(proposal, item, f"[{form.rule}] {form.reason}"))
                continue
        elif proposal.action in ("progress", "step_back"):
            row = ProgramExercise(
                exercise=item.exercise,
                sets=proposal.dose.sets,
                reps=proposal.dose.reps,
                hold_s=proposal.dose.hold_s,
                duration_s=proposal.dose.duration_s,
                state=item.state,
                supervised_only=item.supervised_only,
            )
            problems = row_findings(rules, [row])
            if problems:
                texts = " ".join(f"[{f.rule}] {f.text}" for f in problems)
                kept.append(_held_back(proposal, item, texts))
                continue
        kept.append(proposal)
    return kept


def _held_back(proposal: Proposal, item: ProgramExercise, why: str) -> Proposal:
    current = item.dose
    return Proposal(
        proposal.slug,
        "hold",
        None,
        current,
        None,
        (
            *proposal.reasons,
            Reason("SAFETY", f"Held back: the rules in force do not allow it. {why}"),
        ),
        _exact_of(item) or ExactDose.of(current),
    )


@transaction.atomic
def review_propose(
    *, program: Program, week_start: date, today: date | None = None
) -> ReviewProposal:
    """Propose next week's changes from last week's logs (idempotent per program and week)."""
    program = Program.objects.select_for_update().select_related("patient").get(pk=program.pk)
    existing = ReviewProposal.objects.filter(program=program, week_start=week_start).first()
    if existing is not None:
        return existing
    week_end = week_start + timedelta(days=6)
    if program.status != ProgramStatus.ACTIVE:
        raise ValidationError({"program": "Only an active program is reviewed."})
    if not (program.covers(week_start) and program.covers(week_end)):
        raise ValidationError({"week_start": "The week must lie inside the program."})
    if week_end >= (today or timezone.localdate(timezone=ZoneInfo(program.patient.time_zone))):
        raise ValidationError({"week_start": "The week is not over yet."})
    # Checked against the rules in force on the day the changes would take effect.
    effective = max(
        week_end + timedelta(days=1), today or patient_local_today(patient=program.patient)
    )
    rules = rules_on(patient=program.patient, day=effective)
    exercises, by_slug = review_inputs(program=program, week_start=week_start, rules=rules)
    red_flag = PatientRedFlag.objects.filter(
        patient=program.patient, status=PatientRedFlag.Status.ACTIVE
    ).exists()
    # Once paused, progression stays paused until the clinician has looked (progression_resume).
    review = review_week(
        exercises,
        red_flag_reported=red_flag,
        progression_paused=program.progression_paused_reason,
    )
    proposals = _proposals_within_rules(review.proposals, by_slug, rules)
    proposal = ReviewProposal.objects.create(
        program=program,
        week_start=week_start,
        pause_progression=review.pause_progression,
        reasons=_reasons(review.reasons),
        alert_reasons=_reasons(review.alert_reasons),
    )
    new_exercises = {
        ex.slug: ex
        for ex in Exercise.objects.filter(
            slug__in=[p.new_exercise for p in proposals if p.new_exercise]
        )
    }
    ReviewItem.objects.bulk_create(
        ReviewItem(
            proposal=proposal,
            program_exercise=by_slug[p.slug],
            action=p.action,
            variable=p.variable or "",
            sets=p.dose.sets,
            reps=p.dose.reps,
            hold_s=p.dose.hold_s,
            duration_s=p.dose.duration_s,
            new_exercise=new_exercises.get(p.new_exercise) if p.new_exercise else None,
            reasons=_reasons(p.reasons),
            exact_dose=_exact_json(p.exact, p.dose),
        )
        for p in proposals
    )
    if review.alert_clinician:
        patient_event_record(
            patient=program.patient,
            kind=EventKind.PAIN_RISING,
            context={"reason": " ".join(r.text for r in review.alert_reasons)},
            now=_noon(program.patient, today),
        )
    if review.flag_patient and not program.progression_paused_reason:
        program.progression_paused_reason = " ".join(r.text for r in review.reasons)
        program.save(update_fields=["progression_paused_reason", "updated_at"])
    if getattr(settings, "REVIEW_AUTO_APPLY", False) and not review.pause_progression:
        review_approve(
            proposal=proposal, by=program.approved_by or program.created_by, on=effective
        )
        proposal.refresh_from_db()
    return proposal


@transaction.atomic
def review_approve(
    *, proposal: ReviewProposal, by: Any, on: date | None = None
) -> ProgramVersion | None:
    """Apply an approved review as the program's next version (None when nothing changes).

    The version is checked against the rules in force on `on`, the day it takes effect (by
    default the patient's today)."""
    proposal = _pending(proposal)
    current = program_current_version(program=proposal.program)
    items = list(proposal.items.select_related("program_exercise", "new_exercise"))
    if any(item.program_exercise.version_id != current.pk for item in items):
        raise ValidationError(
            {"status": "The program changed after this review; propose the week again."}
        )
    changes = []
    for item in items:
        if item.action in ("progress", "step_back"):
            dose = item.dose
            stored = item.exact_dose or {}
            exact = ExactDose(
                *(
                    float(stored.get(k, getattr(dose, k)))
                    for k in ("sets", "reps", "hold_s", "duration_s")
                )
            )
            changes.append(ExerciseChange(item.program_exercise_id, dose=dose, exact=exact))
        elif item.action in ("harder_variant", "easier_variant") and item.new_exercise:
            changes.append(ExerciseChange(item.program_exercise_id, replace_with=item.new_exercise))
    version = None
    if changes:
        version = program_revise(
            program=proposal.program,
            by=by,
            note=f"Weekly review of the week from {proposal.week_start}.",
            changes=changes,
            on=on,
        )
    proposal.resulting_version = version
    _decide(proposal, ReviewStatus.APPROVED, by)
    return version


@transaction.atomic
def review_reject(*, proposal: ReviewProposal, by: Any) -> ReviewProposal:
    proposal = _pending(proposal)
    _decide(proposal, ReviewStatus.REJECTED, by)
    return proposal


def _pending(proposal: ReviewProposal) -> ReviewProposal:
    proposal = ReviewProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != ReviewStatus.PENDING:
        raise ValidationError({"status": f"This review is already {proposal.status}."})
    return proposal


def _decide(proposal: ReviewProposal, status: str, by: Any) -> None:
    proposal.status = status
    proposal.decided_by = by
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["status", "decided_by", "decided_at", "resulting_version"])


@transaction.atomic
def progression_resume(*, program: Program, by: Any) -> Program:
    """The clinician has seen why progression paused and lets the reviews progress again."""
    program = Program.objects.select_for_update().get(pk=program.pk)
    if not program.progression_paused_reason:
        raise ValidationError({"program": "Progression is not paused."})
    program.progression_paused_reason = ""
    program.save(update_fields=["progression_paused_reason", "updated_at"])
    return program


def reviews_propose_due(*, today: date | None = None) -> list[ReviewProposal]:
    """Propose the review of every active program whose home week ended yesterday.

    Weeks run from the program's start date. Safe to run more than once a day:
    a week already reviewed is returned, not proposed again.
    """
    day = today or timezone.localdate()
    proposals = []
    programs = Program.objects.filter(
        status=ProgramStatus.ACTIVE, home_started_on__isnull=False, start_date__lte=day
    ).select_related("patient")
    for program in programs:
        elapsed = (day - program.start_date).days
        week_start = day - timedelta(days=7)
        if elapsed < 7 or elapsed % 7 or not program.covers(week_start + timedelta(days=6)):
            continue
        if program.home_started_on is None or program.home_started_on > week_start + timedelta(
            days=6
        ):
            continue  # no home day in that week: nothing to review
        proposals.append(review_propose(program=program, week_start=week_start, today=today))
    return proposals
