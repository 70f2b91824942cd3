"""Seeding the rule table from the engine's defaults (CLINICAL.md)."""

from typing import Any

from planner.engine.default_rules import DEFAULT_RULES
from planner.engine.types import Rule


def rule_row_values(rule: Rule) -> dict[str, Any]:
    return {
        "explanation": rule.explanation,
        "comorbidities": sorted(rule.comorbidities),
        "diagnoses": sorted(rule.diagnoses),
        "diagnosis_stages": sorted(rule.diagnosis_stages),
        "any_diagnosis_in_stages": sorted(rule.any_diagnosis_in_stages),
        "pregnancy_min_weeks": rule.pregnancy_min_weeks,
        "min_age": rule.min_age,
        "block_tags": sorted(rule.block_tags),
        "max_difficulty": rule.max_difficulty,
        "caution_tags": sorted(rule.caution_tags),
        "low_fitness_caution_tags": sorted(rule.low_fitness_caution_tags),
        "caution_action": rule.caution_action,
        "low_fitness_caution_action": rule.low_fitness_caution_action,
        "max_hold_s": rule.max_hold_s,
        "max_hold_tags": sorted(rule.max_hold_tags),
        "max_rpe": rule.max_rpe,
        "adds_exercise": rule.adds_exercise or "",
        "adds_category": rule.adds_category or "",
        "adds_without_tags": sorted(rule.adds_without_tags),
    }


def rules_seed(rule_model: Any) -> None:
    """Create missing default rules; rows the clinic has edited are left as they are.

    Migrations call this with their historical model: only the fields it has are written.
    """
    names = {field.name for field in rule_model._meta.get_fields()}
    for rule in DEFAULT_RULES:
        values = {k: v for k, v in rule_row_values(rule).items() if k in names}
        rule_model.objects.get_or_create(rule_id=rule.id, defaults=values)
