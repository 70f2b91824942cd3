"""Reads that turn database rows into the engine's plain inputs."""

from typing import cast

from exercises.models import Exercise
from planner.engine.types import CatalogueExercise, CautionAction, Dose, Rule
from planner.models import ContraindicationRule


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
