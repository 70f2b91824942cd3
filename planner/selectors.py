"""Reads that turn database rows into the engine's plain inputs."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import cast
from zoneinfo import ZoneInfo

from django.utils import timezone

from exercises.models import Exercise
from planner.engine.types import (
    CatalogueExercise,
    CautionAction,
    DiagnosisInput,
    Dose,
    Fitness,
    PatientProfile,
    Rule,
    Sex,
    Stage,
)
from planner.models import (
    ContraindicationRule,
    ExerciseState,
    Program,
    ProgramExercise,
    ProgramStatus,
    ProgramVersion,
    SupervisedSession,
    SupervisedStatus,
)
from rehab.models import Patient, PatientComorbidity, PatientDiagnosis, PatientRedFlag


def engine_catalogue() -> tuple[CatalogueExercise, ...]:
    """Active exercises with their tags, indications and variant links, in three queries."""
    exercises = (
        Exercise.objects.filter(is_active=True)
        .select_related("harder_variant", "easier_variant")
        .prefetch_related("movement_tags", "indications")
        .order_by("slug")
    )
    return tuple(
        CatalogueExercise(
            slug=ex.slug,
            name=ex.name,
            category=ex.category,
            difficulty=ex.difficulty,
            tags=frozenset(tag.code for tag in ex.movement_tags.all()),
            indications=frozenset(dx.code for dx in ex.indications.all()),
            dose=Dose(ex.default_sets, ex.default_reps, ex.default_hold_s, ex.default_duration_s),
            dose_min=Dose(ex.min_sets, ex.min_reps, ex.min_hold_s, ex.min_duration_s),
            dose_max=Dose(ex.max_sets, ex.max_reps, ex.max_hold_s, ex.max_duration_s),
            seconds_per_rep=ex.seconds_per_rep,
            easier=_active_slug(getattr(ex, "easier_variant", None)),
            harder=_active_slug(ex.harder_variant),
        )
        for ex in exercises
    )


def _active_slug(exercise: Exercise | None) -> str | None:
    return exercise.slug if exercise is not None and exercise.is_active else None


def engine_rules() -> tuple[Rule, ...]:
    return tuple(rule_from_row(row) for row in ContraindicationRule.objects.filter(is_active=True))


def rule_from_row(row: ContraindicationRule) -> Rule:
    return Rule(
        id=row.rule_id,
        explanation=row.explanation,
        comorbidities=frozenset(row.comorbidities),
        diagnoses=frozenset(row.diagnoses),
        diagnosis_stages=frozenset(row.diagnosis_stages),
        any_diagnosis_in_stages=frozenset(row.any_diagnosis_in_stages),
        pregnancy_min_weeks=row.pregnancy_min_weeks,
        min_age=row.min_age,
        block_tags=frozenset(row.block_tags),
        max_difficulty=row.max_difficulty,
        caution_tags=frozenset(row.caution_tags),
        low_fitness_caution_tags=frozenset(row.low_fitness_caution_tags),
        caution_action=cast(CautionAction, row.caution_action),
        max_hold_s=row.max_hold_s,
        max_rpe=row.max_rpe,
        adds_exercise=row.adds_exercise or None,
        adds_category=row.adds_category or None,
        adds_without_tags=frozenset(row.adds_without_tags),
    )


# -- Patients as engine profiles, and what a day holds ------------------------------------------


def patient_profile(*, patient: Patient, on: date | None = None) -> PatientProfile:
    """The engine's view of a patient's records on a day."""
    return patient_profiles(patients=[patient], on=on)[patient.pk]


def patient_profiles(
    *, patients: Sequence[Patient], on: date | None = None
) -> dict[int, PatientProfile]:
    """Engine profiles for many patients in three queries, by patient id."""
    today = on or timezone.localdate()
    ids = [patient.pk for patient in patients]
    diagnoses: dict[int, list[DiagnosisInput]] = defaultdict(list)
    for patient_id, code, side, stage in (
        PatientDiagnosis.objects.filter(patient__in=ids)
        .order_by("patient", "diagnosis__code")
        .values_list("patient", "diagnosis__code", "side", "stage")
    ):
        diagnoses[patient_id].append(DiagnosisInput(code, side, cast(Stage, stage)))
    comorbidities: dict[int, set[str]] = defaultdict(set)
    for patient_id, code in PatientComorbidity.objects.filter(patient__in=ids).values_list(
        "patient", "comorbidity__code"
    ):
        comorbidities[patient_id].add(code)
    red_flags: dict[int, set[str]] = defaultdict(set)
    for patient_id, code in PatientRedFlag.objects.filter(
        patient__in=ids, status=PatientRedFlag.Status.ACTIVE
    ).values_list("patient", "red_flag__code"):
        red_flags[patient_id].add(code)
    return {
        patient.pk: PatientProfile(
            age=patient.age(today),
            sex=cast(Sex, patient.sex),
            fitness=cast(Fitness, patient.fitness_level),
            diagnoses=tuple(diagnoses[patient.pk]),
            comorbidities=frozenset(comorbidities[patient.pk]),
            red_flags=tuple(sorted(red_flags[patient.pk])),
            bmi=float(patient.bmi),
            pregnancy_weeks=patient.gestational_weeks(today),
        )
        for patient in patients
    }


def program_current_version(*, program: Program) -> ProgramVersion:
    version = program.versions.order_by("-number").first()
    if version is None:
        raise ProgramVersion.DoesNotExist(f"Program {program.pk} has no version.")
    return version


def program_exercises(*, version: ProgramVersion) -> list[ProgramExercise]:
    return list(version.exercises.select_related("exercise").order_by("position"))


def home_unlocked(*, program: Program, day: date) -> bool:
    """Has home training begun by this day? (CLINICAL.md, HOME_UNLOCK)"""
    return program.home_started_on is not None and day >= program.home_started_on


def home_session_exercises(
    *, program: Program, day: date, version: ProgramVersion | None = None
) -> list[ProgramExercise]:
    """The exercises of a day's home session: only mastered ones, only once home is unlocked.

    An empty list before unlock means the patient's day shows the next supervised
    session instead.
    """
    if program.status != ProgramStatus.ACTIVE or not program.covers(day):
        return []
    if not home_unlocked(program=program, day=day):
        return []
    version = version or program_current_version(program=program)
    return [item for item in program_exercises(version=version) if _goes_home(item, day)]


def _goes_home(item: ProgramExercise, day: date) -> bool:
    """Mastered by that day, and no rule keeps it at the clinic."""
    return (
        item.state == ExerciseState.MASTERED
        and not item.supervised_only
        and item.mastered_on is not None
        and item.mastered_on <= day
    )


def next_supervised_session(*, program: Program, after: datetime) -> SupervisedSession | None:
    return (
        program.supervised_sessions.filter(
            status=SupervisedStatus.PLANNED, scheduled_for__gte=after
        )
        .order_by("scheduled_for")
        .first()
    )


@dataclass(frozen=True)
class ScheduleDay:
    day: date
    home: list[ProgramExercise]
    supervised: list[SupervisedSession]


def program_schedule(*, program: Program) -> list[ScheduleDay]:
    """Every day of the program: its home exercises and supervised sessions (four queries)."""
    version = program_current_version(program=program)
    items = program_exercises(version=version)
    sessions: dict[date, list[SupervisedSession]] = {}
    zone = ZoneInfo(program.patient.time_zone)
    for session in program.supervised_sessions.order_by("scheduled_for"):
        sessions.setdefault(session.scheduled_for.astimezone(zone).date(), []).append(session)
    days = []
    for offset in range(program.weeks * 7):
        day = program.start_date + timedelta(days=offset)
        unlocked = program.status == ProgramStatus.ACTIVE and home_unlocked(
            program=program, day=day
        )
        home = [item for item in items if _goes_home(item, day)] if unlocked else []
        days.append(ScheduleDay(day, home, sessions.get(day, [])))
    return days
