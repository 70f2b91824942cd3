"""Planner data: the rule table the engine applies."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models

from exercises.vocabulary import CATEGORIES
from planner.engine.types import STAGES

CAUTION_ACTIONS = {
    "easier_variant": "Keep only an easier variant without the tag",
    "halve_dose": "Halve the dose",
    "supervised_only": "Only in supervised sessions",
}


class ContraindicationRule(models.Model):
    """One row of CLINICAL.md's rule tables, editable by the clinic, cited by its id.

    The rule applies when any trigger matches; its effects then act on movement
    tags, never on exercise names.
    """

    rule_id = models.CharField(
        "id",
        max_length=32,
        unique=True,
        validators=[RegexValidator(r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*$", "Use an id like R-PREG-2.")],
    )
    explanation = models.TextField(help_text="Plain language; shown in plan explanations.")
    is_active = models.BooleanField(default=True)
    # Triggers
    comorbidities = models.JSONField(default=list, blank=True)
    diagnoses = models.JSONField(default=list, blank=True)
    diagnosis_stages = models.JSONField(
        default=list, blank=True, help_text="Limits the diagnoses trigger; empty means any stage."
    )
    any_diagnosis_in_stages = models.JSONField(default=list, blank=True)
    pregnancy_min_weeks = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(42)]
    )
    min_age = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(120)]
    )
    # Effects
    block_tags = models.JSONField(default=list, blank=True)
    max_difficulty = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    caution_tags = models.JSONField(default=list, blank=True)
    low_fitness_caution_tags = models.JSONField(default=list, blank=True)
    caution_action = models.CharField(
        max_length=20, choices=list(CAUTION_ACTIONS.items()), default="easier_variant"
    )
    max_hold_s = models.PositiveSmallIntegerField(null=True, blank=True)
    max_rpe = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    adds_exercise = models.SlugField(max_length=80, blank=True)
    adds_category = models.CharField(max_length=24, blank=True, choices=list(CATEGORIES.items()))
    adds_without_tags = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["rule_id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(caution_action__in=list(CAUTION_ACTIONS)),
                name="rule_caution_action_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.rule_id

    def clean(self) -> None:
        from exercises.models import MovementTag
        from rehab.models import Comorbidity, Diagnosis

        vocabularies: dict[str, tuple[set[str], str]] = {
            "comorbidities": (
                set(Comorbidity.objects.values_list("code", flat=True)),
                "comorbidity",
            ),
            "diagnoses": (set(Diagnosis.objects.values_list("code", flat=True)), "diagnosis"),
            "diagnosis_stages": (set(STAGES), "stage"),
            "any_diagnosis_in_stages": (set(STAGES), "stage"),
        }
        tags = set(MovementTag.objects.values_list("code", flat=True))
        for name in ("block_tags", "caution_tags", "low_fitness_caution_tags", "adds_without_tags"):
            vocabularies[name] = (tags, "movement tag")
        errors: dict[str, str] = {}
        for name, (valid, what) in vocabularies.items():
            value: Any = getattr(self, name)
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                errors[name] = f"Must be a list of {what} codes."
                continue
            unknown = sorted(set(value) - valid)
            if unknown:
                errors[name] = (
                    f"Unknown {what} {', '.join(unknown)}; valid: {', '.join(sorted(valid))}."
                )
        triggers = (
            self.comorbidities,
            self.diagnoses,
            self.any_diagnosis_in_stages,
            self.pregnancy_min_weeks is not None,
            self.min_age is not None,
        )
        if not any(triggers):
            errors["comorbidities"] = "A rule needs at least one trigger."
        if errors:
            raise ValidationError(errors)
