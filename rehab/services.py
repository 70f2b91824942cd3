"""Writes to the clinical records. Views, admin actions and commands call these."""

import secrets
from datetime import date, time, timedelta
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rehab.models import (
    Clinician,
    Comorbidity,
    Diagnosis,
    Patient,
    PatientComorbidity,
    PatientDiagnosis,
    PatientInvite,
    PatientRedFlag,
    RedFlag,
)
from rehab.selectors import invite_token_hash, patient_invite_get

CLINICIAN_GROUP = "Rehabilitation doctors"

# What a rehabilitation doctor may do in the admin: full care of patient
# records and the exercise library, reading the coded catalogues. Deleting a
# patient is kept for administrators: clinical records are not thrown away.
_CLINICIAN_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "rehab": {
        "patient": ("view", "add", "change"),
        "patientdiagnosis": ("view", "add", "change", "delete"),
        "patientcomorbidity": ("view", "add", "change", "delete"),
        "patientredflag": ("view", "add", "change"),
        "painassessment": ("view", "add", "change"),
        "oswestryassessment": ("view", "add", "change"),
        "startbackassessment": ("view", "add", "change"),
        "fitnesstest": ("view", "add", "change"),
        "bodycomposition": ("view", "add", "change"),
        "diagnosis": ("view",),
        "comorbidity": ("view",),
        "redflag": ("view",),
        "clinician": ("view",),
    },
    "exercises": {
        "exercise": ("view", "add", "change"),
        "movementtag": ("view",),
    },
    "planner": {
        "contraindicationrule": ("view", "change"),
        "program": ("view", "add", "change"),
        "programversion": ("view", "change"),
        "programexercise": ("view", "add", "change", "delete"),
        "supervisedsession": ("view", "change"),
        "reviewproposal": ("view", "change"),
        "reviewitem": ("view",),
    },
    "notifications": {
        "reminder": ("view",),
        "reminderpreferences": ("view", "add", "change"),
    },
}


def clinician_group_sync() -> Group:
    """Create the doctors' group and give it exactly the permissions above."""
    group, _ = Group.objects.get_or_create(name=CLINICIAN_GROUP)
    wanted: list[Permission] = []
    for app_label, models in _CLINICIAN_PERMISSIONS.items():
        if not apps.is_installed(app_label):
            continue
        codenames = [f"{action}_{model}" for model, actions in models.items() for action in actions]
        wanted.extend(
            Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
        )
    group.permissions.set(wanted)
    return group


@transaction.atomic
def clinician_create(
    *,
    username: str,
    password: str,
    first_name: str,
    last_name: str,
    email: str = "",
    title: str = "Rehabilitation doctor",
) -> Clinician:
    user_model = get_user_model()
    user: Any = user_model(
        username=username, email=email, first_name=first_name, last_name=last_name, is_staff=True
    )
    user.set_password(password)
    user.full_clean()
    user.save()
    clinician = Clinician(user=user, title=title)
    clinician.full_clean()
    clinician.save()
    return clinician_access_grant(clinician=clinician)


def clinician_access_grant(*, clinician: Clinician) -> Clinician:
    """Give a clinician's user what the doctors' admin needs: staff status and the group."""
    user: Any = clinician.user
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    user.groups.add(clinician_group_sync())
    return clinician


@transaction.atomic
def patient_create(
    *,
    clinician: Clinician,
    first_name: str,
    last_name: str,
    date_of_birth: date,
    sex: str,
    height_cm: int,
    weight_kg: Decimal,
    email: str = "",
    fitness_level: str = "moderate",
    time_zone: str = "UTC",
    reminder_time: time = time(9, 0),
    pregnancy_weeks: int | None = None,
    pregnancy_due_date: date | None = None,
    user: Any = None,
) -> Patient:
    """Validate everything before writing; a ValidationError leaves nothing behind."""
    patient = Patient(
        clinician=clinician,
        user=user,
        reminder_time=reminder_time,
        first_name=first_name,
        last_name=last_name,
        email=email,
        date_of_birth=date_of_birth,
        sex=sex,
        height_cm=height_cm,
        weight_kg=weight_kg,
        fitness_level=fitness_level,
        time_zone=time_zone,
        pregnancy_weeks=pregnancy_weeks,
        pregnancy_due_date=pregnancy_due_date,
    )
    patient.full_clean()
    patient.save()
    return patient


def patient_diagnosis_add(
    *,
    patient: Patient,
    code: str,
    side: str,
    stage: str,
    onset_date: date | None = None,
    notes: str = "",
) -> PatientDiagnosis:
    row = PatientDiagnosis(
        patient=patient,
        diagnosis=Diagnosis.objects.get(code=code),
        side=side,
        stage=stage,
        onset_date=onset_date,
        notes=notes,
    )
    row.full_clean()
    row.save()
    return row


def patient_comorbidity_add(*, patient: Patient, code: str, notes: str = "") -> PatientComorbidity:
    row = PatientComorbidity(
        patient=patient, comorbidity=Comorbidity.objects.get(code=code), notes=notes
    )
    row.full_clean()
    row.save()
    return row


def red_flag_raise(
    *, patient: Patient, code: str, noted_by: Any = None, notes: str = ""
) -> PatientRedFlag:
    row = PatientRedFlag(
        patient=patient,
        red_flag=RedFlag.objects.get(code=code),
        noted_by=noted_by,
        notes=notes,
    )
    row.full_clean()
    row.save()
    return row


def red_flag_resolve(
    *, patient_red_flag: PatientRedFlag, resolved_by: Any, notes: str = ""
) -> PatientRedFlag:
    """Resolve an active flag; resolving an already resolved flag changes nothing."""
    PatientRedFlag.objects.filter(
        pk=patient_red_flag.pk, status=PatientRedFlag.Status.ACTIVE
    ).update(
        status=PatientRedFlag.Status.RESOLVED,
        resolved_at=timezone.now(),
        resolved_by=resolved_by,
        notes="\n".join(part for part in (patient_red_flag.notes, notes) if part),
    )
    patient_red_flag.refresh_from_db()
    return patient_red_flag


# -- Invitations to the patient app ---------------------------------------------------------------

INVITE_VALID_FOR = timedelta(days=7)


@transaction.atomic
def patient_invite_create(
    *, patient: Patient, by: Any, valid_for: timedelta = INVITE_VALID_FOR
) -> tuple[PatientInvite, str]:
    """A new one-time link for the patient; earlier unused links stop working.

    Returns the invitation and its token, which is not stored and cannot be shown again.
    """
    now = timezone.now()
    PatientInvite.objects.filter(patient=patient, used_at=None, revoked_at=None).update(
        revoked_at=now
    )
    token = secrets.token_urlsafe(32)
    invite = PatientInvite.objects.create(
        patient=patient,
        token_hash=invite_token_hash(token),
        created_by=by,
        expires_at=now + valid_for,
    )
    return invite, token


@transaction.atomic
def patient_invite_accept(*, token: str, username: str, password: str) -> Any:
    """Set up the patient's login from an invitation: their own user, never a staff one.

    A patient who already has a login keeps its name and gets the new password.
    Every problem is a field error and nothing is written.
    """
    invite = patient_invite_get(token=token, for_update=True)
    patient = invite.patient
    user_model = get_user_model()
    user: Any = patient.user
    errors: dict[str, list[str]] = {}
    if user is None:
        user = user_model(
            username=username.strip(),
            email=patient.email,
            first_name=patient.first_name,
            last_name=patient.last_name,
            is_staff=False,
        )
        try:
            user.full_clean(exclude=["password"])
        except ValidationError as error:
            errors.update(error.message_dict)
    elif user.is_staff or user.is_superuser:
        raise ValidationError(
            {"token": _("This patient record is linked to a clinic account. Ask your clinic.")}
        )
    try:
        validate_password(password, user)
    except ValidationError as error:
        errors["password"] = list(error.messages)
    if errors:
        raise ValidationError(errors)
    user.set_password(password)
    user.save()
    if patient.user_id != user.pk:
        patient.user = user
        patient.save(update_fields=["user"])
    invite.used_at = timezone.now()
    invite.save(update_fields=["used_at"])
    return user
