"""Writes to the clinical records. Views, admin actions and commands call these."""

import secrets
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rehab.models import (
    ActorKind,
    CareAction,
    CareRecordEntry,
    Clinician,
    ClinicSettings,
    Comorbidity,
    Diagnosis,
    Patient,
    PatientComorbidity,
    PatientDiagnosis,
    PatientInvite,
    PatientRedFlag,
    RedFlag,
)
from rehab.selectors import (
    CLINIC_SETTINGS_CACHE_KEY,
    clinic_time_zone,
    invite_token_hash,
    patient_invite_get,
)

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
        "questionnaireschedule": ("view", "add", "change", "delete"),
        # Answers sent from the app are the patient's; the doctor reads the assessments.
        "questionnaireanswer": ("view",),
        "diagnosis": ("view",),
        "comorbidity": ("view",),
        "redflag": ("view",),
        "clinician": ("view",),
    },
    "exercises": {
        "exercise": ("view", "add", "change"),
        # An exercise's texts in the patients' other languages (the exercise's inline).
        "exercisetranslation": ("view", "add", "change", "delete"),
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
        # Marks are made from the worklist's button (the view permission lets it be pressed).
        "worklistmark": ("view",),
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
    time_zone: str = "",
    reminder_time: time = time(9, 0),
    pregnancy_weeks: int | None = None,
    pregnancy_due_date: date | None = None,
    user: Any = None,
) -> Patient:
    """Validate everything before writing; a ValidationError leaves nothing behind. Without a
    time zone the patient is where the clinic is."""
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
        time_zone=time_zone or clinic_time_zone(),
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


@transaction.atomic
def red_flag_raise(
    *, patient: Patient, code: str, noted_by: Any = None, notes: str = "", by: Any = None
) -> PatientRedFlag:
    """Record a red flag. `by` is who acted (by default `noted_by`, the clinician who noted
    it); a flag the patient reported is raised by the patient's own user, noted by nobody."""
    actor = by if by is not None else noted_by
    row = PatientRedFlag(
        patient=patient,
        red_flag=RedFlag.objects.get(code=code),
        noted_by=noted_by,
        notes=notes,
    )
    row.full_clean()
    history_stamp(row, by=actor, reason="red flag recorded")
    row.save()
    care_record_add(
        patient=patient,
        action=CareAction.RED_FLAG_RECORDED,
        by=actor,
        detail={"red_flag": row.red_flag.name, "code": code, "notes": notes},
    )
    return row


@transaction.atomic
def red_flag_resolve(
    *, patient_red_flag: PatientRedFlag, resolved_by: Any, notes: str = ""
) -> PatientRedFlag:
    """Resolve an active flag; resolving an already resolved flag changes nothing."""
    row = (
        PatientRedFlag.objects.select_for_update()
        .select_related("red_flag", "patient")
        .get(pk=patient_red_flag.pk)
    )
    if row.status == PatientRedFlag.Status.ACTIVE:
        row.status = PatientRedFlag.Status.RESOLVED
        row.resolved_at = timezone.now()
        row.resolved_by = resolved_by
        row.notes = "\n".join(part for part in (row.notes, notes) if part)
        history_stamp(row, by=resolved_by, reason="red flag resolved")
        row.save(update_fields=["status", "resolved_at", "resolved_by", "notes"])
        care_record_add(
            patient=row.patient,
            action=CareAction.RED_FLAG_RESOLVED,
            by=resolved_by,
            detail={"red_flag": row.red_flag.name, "code": row.red_flag.code, "notes": notes},
        )
    patient_red_flag.refresh_from_db()
    return patient_red_flag


# -- The record of care (rehab.models.care) ------------------------------------------------------


def history_stamp(instance: Any, *, by: Any, reason: str) -> None:
    """Who makes the next save of `instance` and why, for its history row: the service's
    `by` (None: the planner on its own), whatever request it runs in."""
    instance._history_user = by if getattr(by, "pk", None) is not None else None
    instance._change_reason = reason[:100]


def care_actor_kind(*, patient: Patient, by: Any, auto: bool = False) -> str:
    """The role of whoever acted: the planner (nobody, or `auto`), the patient, the clinic."""
    pk = getattr(by, "pk", None)
    if auto or pk is None:
        return ActorKind.SYSTEM
    if patient.user_id is not None and pk == patient.user_id:
        return ActorKind.PATIENT
    return ActorKind.CLINIC


def care_record_entry(
    *,
    patient: Patient,
    action: str,
    by: Any,
    detail: dict[str, Any] | None = None,
    auto: bool = False,
    at: datetime | None = None,
) -> CareRecordEntry:
    """One unsaved entry of the record of care (for `care_record_add` or a bulk insert)."""
    if action not in CareAction.values:
        raise ValueError(f"Unknown action of care {action!r}.")
    kind = care_actor_kind(patient=patient, by=by, auto=auto)
    return CareRecordEntry(
        patient=patient,
        at=at or timezone.now(),
        actor=by if kind != ActorKind.SYSTEM else None,
        actor_kind=kind,
        action=action,
        auto=auto or kind == ActorKind.SYSTEM,
        detail=detail or {},
    )


def _red_flag_entry(patient: Patient, action: str, by: Any, row: Any) -> CareRecordEntry:
    """The record-of-care entry for a red flag's history row (recorded, or resolved)."""
    return care_record_entry(
        patient=patient,
        action=action,
        by=by,
        detail={"red_flag": row.red_flag.name, "code": row.red_flag.code, "notes": row.notes},
        at=row.history_date,
    )


def care_record_add(
    *,
    patient: Patient,
    action: str,
    by: Any,
    detail: dict[str, Any] | None = None,
    auto: bool = False,
    at: datetime | None = None,
) -> CareRecordEntry:
    """Write one act of care on the patient's record, in the caller's transaction."""
    entry = care_record_entry(
        patient=patient, action=action, by=by, detail=detail, auto=auto, at=at
    )
    entry.save()
    return entry


def care_records_add(entries: Sequence[CareRecordEntry]) -> list[CareRecordEntry]:
    """Write many entries at once (made by `care_record_entry`), for the bulk services."""
    return CareRecordEntry.objects.bulk_create(entries, batch_size=5000)


# The models that make up a patient's record, with what the record of care calls them.
_RECORD_MODELS: tuple[tuple[type[Any], str], ...] = (
    (Patient, "record"),
    (PatientDiagnosis, "diagnosis"),
    (PatientComorbidity, "comorbidity"),
    (PatientRedFlag, "red flag"),
)


def _value_text(model: type[Any], name: str, value: Any) -> str:
    if value is None or value == "":
        return "—"
    field = model._meta.get_field(name)
    choices = dict(field.flatchoices) if getattr(field, "choices", None) else {}
    return str(choices.get(value, value))


def _field_label(model: type[Any], name: str) -> str:
    return str(model._meta.get_field(name).verbose_name)


def patient_record_history_mark() -> dict[str, int]:
    """Where each history of the patient's record stands (its last row's id), taken before
    a save so that `patient_record_edit_record` reads only the rows that save makes."""
    marks: dict[str, int] = {}
    for model, what in _RECORD_MODELS:
        last = model.history.aggregate(last=Max("history_id"))["last"]
        marks[what] = int(last or 0)
    return marks


def patient_record_edit_record(
    *, patient: Patient, by: Any, mark: dict[str, int]
) -> list[CareRecordEntry]:
    """A clinician saved the patient's record (the admin's patient page, its inlines): the
    history rows that save made (after `mark`, by `by`) become the record of care, a red
    flag recorded or resolved as its own act, every other change field by field
    (simple-history's diff_against) in one "record changed" entry. Nothing changed, nothing
    written."""
    changes: list[dict[str, str]] = []
    entries: list[CareRecordEntry] = []
    user_pk = getattr(by, "pk", None)
    for model, what in _RECORD_MODELS:
        history = model.history
        rows = history.filter(history_id__gt=mark.get(what, 0))
        rows = (
            rows.filter(id=patient.pk) if model is Patient else rows.filter(patient_id=patient.pk)
        )
        if user_pk is not None:
            rows = rows.filter(history_user_id=user_pk)
        for row in rows.order_by("history_date", "history_id"):
            label = what if model is Patient else f"{what} {row.instance}"
            if model is PatientRedFlag and row.history_type == "+":
                entries.append(_red_flag_entry(patient, CareAction.RED_FLAG_RECORDED, by, row))
                continue
            if row.history_type == "+":
                changes.append(
                    {
                        "what": label,
                        "field": "",
                        "old": "—",
                        "new": "created" if model is Patient else "added",
                    }
                )
                continue
            if row.history_type == "-":
                changes.append({"what": label, "field": "", "old": "", "new": "removed"})
                continue
            previous = (
                history.filter(id=row.id, history_id__lt=row.history_id)
                .order_by("-history_id")
                .first()
            )
            if previous is None:
                continue
            delta = row.diff_against(previous)
            for change in delta.changes:
                if (
                    model is PatientRedFlag
                    and change.field == "status"
                    and (change.new == PatientRedFlag.Status.RESOLVED)
                ):
                    entries.append(_red_flag_entry(patient, CareAction.RED_FLAG_RESOLVED, by, row))
                    continue
                changes.append(
                    {
                        "what": label,
                        "field": _field_label(model, change.field),
                        "old": _value_text(model, change.field, change.old),
                        "new": _value_text(model, change.field, change.new),
                    }
                )
    if changes:
        entries.append(
            care_record_entry(
                patient=patient,
                action=CareAction.RECORD_CHANGED,
                by=by,
                detail={"changes": changes},
            )
        )
    return care_records_add(entries) if entries else []


def care_record_models() -> Iterable[type[Any]]:
    """rehab's models with history rows (erasure must anonymise them with the patient)."""
    return [model.history.model for model, _ in _RECORD_MODELS]


# -- Invitations to the patient app ---------------------------------------------------------------

INVITE_VALID_FOR = timedelta(days=7)


@transaction.atomic
def patient_invite_create(
    *, patient: Patient, by: Any, valid_for: timedelta = INVITE_VALID_FOR
) -> tuple[PatientInvite, str]:
    """A new one-time link for the patient; earlier unused links stop working.

    Returns the invitation and its token, which is not stored and cannot be shown again.
    Raises ValidationError for a patient whose personal data was erased: nobody may take
    over what is left of their record.
    """
    # Asked of the database: an instance read before the erasure would not know.
    if Patient.objects.filter(pk=patient.pk, erased_at__isnull=False).exists():
        raise ValidationError(
            _("%(patient)s was erased; an erased patient cannot be invited to the app.")
            % {"patient": patient}
        )
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


def clinic_settings_save(*, clinic: ClinicSettings) -> ClinicSettings:
    """Save the clinic's one row (validated: a bad phone, zone or no weekday raises
    ValidationError and writes nothing) and drop the cached copy once it is committed."""
    if clinic.pk is None:
        existing = ClinicSettings.objects.values_list("pk", flat=True).first()
        if existing is not None:
            clinic.pk = existing  # the one row is changed, never a second one made
            clinic._state.adding = False
    clinic.full_clean()
    clinic.save()
    transaction.on_commit(lambda: cache.delete(CLINIC_SETTINGS_CACHE_KEY))
    cache.delete(CLINIC_SETTINGS_CACHE_KEY)
    return clinic
