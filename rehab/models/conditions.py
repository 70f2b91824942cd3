"""What the patient has: diagnoses (with side and stage), comorbidities and red flags."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from rehab.models.catalogue import Comorbidity, Diagnosis, RedFlag
from rehab.models.patient import Patient
from rehab.models.validators import validate_not_future


class Side(models.TextChoices):
    LEFT = "left", "Left"
    RIGHT = "right", "Right"
    BILATERAL = "bilateral", "Bilateral"


class Stage(models.TextChoices):
    ACUTE = "acute", "Acute (under 6 weeks)"
    SUBACUTE = "subacute", "Subacute (6 to 12 weeks)"
    CHRONIC = "chronic", "Chronic (over 12 weeks)"


class PatientDiagnosis(models.Model):
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="diagnoses")
    diagnosis = models.ForeignKey(Diagnosis, on_delete=models.PROTECT, related_name="+")
    side = models.CharField(max_length=10, choices=Side.choices)
    stage = models.CharField(max_length=10, choices=Stage.choices)
    onset_date = models.DateField(null=True, blank=True, validators=[validate_not_future])
    notes = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "diagnosis"
        verbose_name_plural = "diagnoses"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["patient", "diagnosis"], name="patient_diagnosis_once"),
            models.CheckConstraint(condition=Q(side__in=Side.values), name="diagnosis_side_valid"),
            models.CheckConstraint(
                condition=Q(stage__in=Stage.values), name="diagnosis_stage_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.diagnosis.code} ({self.side}, {self.stage})"


class PatientComorbidity(models.Model):
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="comorbidities")
    comorbidity = models.ForeignKey(Comorbidity, on_delete=models.PROTECT, related_name="+")
    notes = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "comorbidity"
        verbose_name_plural = "comorbidities"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "comorbidity"], name="patient_comorbidity_once"
            ),
        ]

    def __str__(self) -> str:
        return self.comorbidity.code

    def clean(self) -> None:
        if self.comorbidity_id is not None and self.comorbidity.code == "pregnancy":
            raise ValidationError(
                {
                    "comorbidity": "Record pregnancy on the patient itself (gestational weeks or "
                    "due date), so its weeks are known."
                }
            )


class PatientRedFlag(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        RESOLVED = "resolved", "Resolved"

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="red_flags")
    red_flag = models.ForeignKey(RedFlag, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    noted_at = models.DateTimeField(default=timezone.now)
    noted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    notes = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "red flag"
        ordering = ["-noted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "red_flag"],
                condition=Q(status="active"),
                name="red_flag_active_once",
                violation_error_message="This red flag is already active for the patient.",
            ),
            models.CheckConstraint(
                condition=Q(status="active", resolved_at__isnull=True)
                | Q(status="resolved", resolved_at__isnull=False),
                name="red_flag_resolved_when_dated",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.red_flag.code} ({self.status})"

    def clean(self) -> None:
        if self.status == self.Status.RESOLVED and self.resolved_at is None:
            self.resolved_at = timezone.now()
        if self.status == self.Status.ACTIVE:
            self.resolved_at = None
            self.resolved_by = None
        if self.resolved_at is not None and self.resolved_at < self.noted_at:
            raise ValidationError(
                {"resolved_at": "A red flag cannot be resolved before it was noted."}
            )
