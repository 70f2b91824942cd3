"""Reads of the clinical records, shaped so lists cost a constant number of queries."""

import hashlib
from collections.abc import Collection
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from planner.engine.profile import profile_contradictions
from rehab.models import (
    ClinicSettings,
    OswestryAssessment,
    PainAssessment,
    Patient,
    PatientDiagnosis,
    PatientInvite,
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


# -- Invitations to the patient app ---------------------------------------------------------------


def invite_token_hash(token: str) -> str:
    """What is stored of an invitation's token: the token itself is shown once, never kept."""
    return hashlib.sha256(token.encode()).hexdigest()


def patient_invite_get(*, token: str, for_update: bool = False) -> PatientInvite:
    """The invitation behind a token, or a ValidationError that says what is wrong with it."""
    invites = PatientInvite.objects.select_related("patient__user")
    if for_update:
        # Only the invitation's row: PostgreSQL cannot lock the patient's missing user.
        invites = invites.select_for_update(of=("self",))
    invite = invites.filter(token_hash=invite_token_hash(token)).first() if token else None
    if invite is None:
        raise ValidationError({"token": _("This invitation link is not valid.")})
    if invite.used_at is not None:
        raise ValidationError(
            {
                "token": _(
                    "This invitation link has already been used. Sign in, or ask your clinic "
                    "for a new link."
                )
            }
        )
    if invite.revoked_at is not None:
        raise ValidationError(
            {"token": _("This invitation link was replaced by a newer one. Use the newest link.")}
        )
    if invite.expires_at <= timezone.now():
        raise ValidationError(
            {"token": _("This invitation link has expired. Ask your clinic for a new one.")}
        )
    return invite


CLINIC_SETTINGS_CACHE_KEY = "rehab:clinic-settings:1"
# Saving the settings drops the cached copy (rehab.services.clinic_settings_save); the
# timeout bounds how long another process on a per-process cache (locmem) keeps an old one.
CLINIC_SETTINGS_CACHE_SECONDS = 60


def clinic_settings() -> ClinicSettings:
    """The clinic's settings: from the cache, else the one row, else the defaults (unsaved:
    a clinic that has not filled them in yet still schedules and shows its pages). The
    defaults name no time zone: each patient's own stands in (ClinicSettings.session_zone),
    so a clinic's sessions keep their times until it says where it is."""
    cached = cache.get(CLINIC_SETTINGS_CACHE_KEY)
    if isinstance(cached, ClinicSettings):
        return cached
    clinic = ClinicSettings.objects.first() or ClinicSettings(time_zone="")
    cache.set(CLINIC_SETTINGS_CACHE_KEY, clinic, CLINIC_SETTINGS_CACHE_SECONDS)
    return clinic


def clinic_time_zone() -> str:
    """Where the clinic is: its own zone, the server's (settings.TIME_ZONE) until it has set
    one. A new patient's zone unless told otherwise, and the region of the app's short list."""
    return clinic_settings().time_zone or str(settings.TIME_ZONE)
