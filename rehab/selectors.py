"""Reads of the clinical records, shaped so lists cost a constant number of queries."""

from collections.abc import Collection
from typing import Any

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.utils import timezone

from planner.engine.profile import profile_contradictions
from rehab.models import (
    OswestryAssessment,
    PainAssessment,
    Patient,
    PatientDiagnosis,
    PatientRedFlag,
    RedFlag,
)


def patient_list(*, user: Any) -> QuerySet[Patient]:
    """Patients a user may see: all for a superuser, else the clinician's own, else none.

    Each row carries `latest_pain`, `active_red_flags`, `diagnosis_rows` and
    `odi_rows` (newest first) without further queries.
    """
    latest_pain = PainAssessment.objects.filter(patient=OuterRef("pk")).order_by(
        "-assessed_on", "-id"
    )
    return (
        patient_visible_to(user=user)
        .select_related("clinician__user")
        .annotate(latest_pain=Subquery(latest_pain.values("score")[:1]))
        .prefetch_related(
            Prefetch(
                "red_flags",
                queryset=PatientRedFlag.objects.filter(status=PatientRedFlag.Status.ACTIVE)
                .select_related("red_flag")
                .order_by("-noted_at"),
                to_attr="active_red_flags",
            ),
            Prefetch(
                "diagnoses",
                queryset=PatientDiagnosis.objects.select_related("diagnosis").order_by("id"),
                to_attr="diagnosis_rows",
            ),
            Prefetch(
                "oswestry_scores",
                queryset=OswestryAssessment.objects.order_by("-assessed_on", "-id"),
                to_attr="odi_rows",
            ),
        )
    )


def patient_visible_to(*, user: Any) -> QuerySet[Patient]:
    """The same ownership rule as patient_list, without the list's extra columns."""
    if user.is_superuser:
        return Patient.objects.all()
    clinician = getattr(user, "clinician", None)
    if clinician is None:
        return Patient.objects.none()
    return Patient.objects.filter(clinician=clinician)


def red_flags_need_care_today(*, codes: Collection[str]) -> bool:
    """Whether any of these red flags is a cauda equina sign: the patient must be seen today."""
    return RedFlag.objects.filter(code__in=codes, same_day=True).exists()


def patient_contradictions(*, patient: Patient) -> list[str]:
    """Recorded facts that cannot all be true (diabetic neuropathy without diabetes, obesity
    at a BMI of 22, a pregnancy at 80): the same check as plan_preview's profiles, shown to the
    clinician as a warning on the patient's record."""
    today = timezone.localdate()
    codes = set(patient.comorbidities.values_list("comorbidity__code", flat=True))
    return [
        found.message[0].upper() + found.message[1:]
        for found in profile_contradictions(
            age=patient.age(today),
            sex=patient.sex,
            comorbidities=codes,
            bmi=float(patient.bmi),
            pregnancy_weeks=patient.gestational_weeks(today),
        )
    ]
