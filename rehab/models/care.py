"""The record of care: who did what to a patient's care, and when, in plain words.

Two layers, chosen for what a clinician reads:

- `CareRecordEntry` (this module) is the readable account: one row per act of care
  (a program approved, paused, resumed or completed, progression paused or resumed, a red
  flag recorded or resolved, an exercise mastered, a weekly review decided or applied by
  the planner on its own, the patient's record or program changed), with the actor, the
  moment, and what it was about. The services write it in the same transaction as the
  change itself, from their `by` argument, so it holds also for work done outside any
  request (Celery, commands) and for bulk writes. An act the planner did on its own is
  marked `auto` with the actor label "system"; one the patient's own report caused has
  the label "patient". Reading a patient's record of care is one query on one table.
- django-simple-history keeps, for the models that make up the record and the program
  (rehab's Patient, PatientDiagnosis, PatientComorbidity, PatientRedFlag; the planner's
  Program and ReviewProposal), every state each row was in: the field-level "what
  changed". A record edit's entry carries the changes worked out from those rows with
  `diff_against`, so the page needs no history query of its own.

Generic history rows alone would tell a clinician that `status` went from `active` to
`paused`; they would not say that a weekly review was applied by the planner, nor that
mastery of an exercise was signed off (program exercises are versioned snapshots, not
history), and they miss every bulk write. Hence the explicit entries.
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rehab.models.patient import Patient


class CareAction(models.TextChoices):
    PROGRAM_CREATED = "program_created", _("Program drafted")
    PROGRAM_APPROVED = "program_approved", _("Program approved")
    PROGRAM_PAUSED = "program_paused", _("Program paused")
    PROGRAM_RESUMED = "program_resumed", _("Program resumed")
    PROGRAM_COMPLETED = "program_completed", _("Program completed")
    PROGRAM_CHANGED = "program_changed", _("Program changed")
    PROGRESSION_PAUSED = "progression_paused", _("Progression paused")
    PROGRESSION_RESUMED = "progression_resumed", _("Progression resumed")
    RED_FLAG_RECORDED = "red_flag_recorded", _("Red flag recorded")
    RED_FLAG_RESOLVED = "red_flag_resolved", _("Red flag resolved")
    EXERCISE_MASTERED = "exercise_mastered", _("Exercise mastered")
    REVIEW_APPROVED = "review_approved", _("Weekly review approved")
    REVIEW_REJECTED = "review_rejected", _("Weekly review rejected")
    REVIEW_AUTO_APPLIED = "review_auto_applied", _("Weekly review applied automatically")
    RECORD_CHANGED = "record_changed", _("Patient record changed")
    # The entry stays with the anonymised patient: when and by whom, never who they were.
    PERSONAL_DATA_ERASED = "personal_data_erased", _("Personal data erased")


class ActorKind(models.TextChoices):
    """Who acted, as a role: names are read from the user, never copied here."""

    CLINIC = "clinic", _("Clinic")
    PATIENT = "patient", _("Patient")
    SYSTEM = "system", _("Planner (automatic)")


class CareRecordEntry(models.Model):
    """One act of care on a patient, newest first. Written by the services, never edited."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="care_record")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The user who acted; empty for the planner acting on its own.",
    )
    actor_kind = models.CharField(max_length=8, choices=ActorKind.choices)
    action = models.CharField(max_length=24, choices=CareAction.choices)
    auto = models.BooleanField(
        default=False, help_text="Done by the planner on its own, not by a person's decision."
    )
    # What it was about: {"program": id, "version": n, "reason": ..., "exercise": name,
    # "red_flag": name, "week_start": iso date, "changes": [{what, field, old, new}], ...}.
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = "record of care entry"
        verbose_name_plural = "record of care"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["patient", "-at", "-id"], name="care_record_patient_at")]
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=CareAction.values), name="care_record_action_valid"
            ),
            models.CheckConstraint(
                condition=Q(actor_kind__in=ActorKind.values), name="care_record_actor_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(auto=False) | Q(actor_kind=ActorKind.SYSTEM),
                name="care_record_auto_is_system",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} at {self.at:%Y-%m-%d %H:%M}"

    @property
    def changes(self) -> list[dict[str, Any]]:
        value = self.detail.get("changes", [])
        return value if isinstance(value, list) else []
