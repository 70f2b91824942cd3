"""Database rows turned into the engine's plain inputs: catalogue, rules, patient profiles."""

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, timedelta
from typing import cast

from django.utils import timezone

from exercises.models import Exercise
from planner.engine.types import (
    CatalogueExercise,
    CautionAction,
    DiagnosisInput,
    Fitness,
    PatientProfile,
    Risk,
    Rule,
    Sex,
    Stage,
)
from planner.models import (
    ContraindicationRule,
)
from rehab.models import (
    BodyComposition,
    Patient,
    PatientComorbidity,
    PatientDiagnosis,
    PatientRedFlag,
    StartBackAssessment,
)


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
            dose=ex.default_dose,
            dose_min=ex.min_dose,
            dose_max=ex.max_dose,
            seconds_per_rep=ex.seconds_per_rep,
            easier=_active_slug(getattr(ex, "easier_variant", None)),
            harder=_active_slug(ex.harder_variant),
            per_side=ex.per_side,
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
        low_fitness_caution_action=cast(CautionAction, row.low_fitness_caution_action),
        max_hold_s=row.max_hold_s,
        max_hold_tags=frozenset(row.max_hold_tags),
        max_rpe=row.max_rpe,
        adds_exercise=row.adds_exercise or None,
        adds_category=row.adds_category or None,
        adds_without_tags=frozenset(row.adds_without_tags),
    )


BODY_COMPOSITION_VALID_DAYS = 183  # "the last 6 months"


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
    # The latest STarT Back score on or before the day: one query, newest first per patient.
    start_back: dict[int, Risk] = {}
    for row in StartBackAssessment.objects.filter(patient__in=ids, assessed_on__lte=today).order_by(
        "patient", "-assessed_on", "-id"
    ):
        start_back.setdefault(row.patient_id, cast(Risk, row.result.risk))
    # D-MUSCLE and A-FAT read the latest body composition of the last 6 months.
    body: dict[int, tuple[bool, float]] = {}
    for patient_id, low_muscle, fat in (
        BodyComposition.objects.filter(
            patient__in=ids,
            assessed_on__lte=today,
            assessed_on__gt=today - timedelta(days=BODY_COMPOSITION_VALID_DAYS),
        )
        .order_by("patient", "-assessed_on", "-id")
        .values_list("patient", "muscle_mass_low", "fat_percent")
    ):
        body.setdefault(patient_id, (bool(low_muscle), float(fat)))
    return {
        patient.pk: PatientProfile(
            start_back=start_back.get(patient.pk),
            low_muscle_mass=body.get(patient.pk, (False, None))[0],
            fat_percent=body.get(patient.pk, (False, None))[1],
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
