"""One patient's record as a whole: exported as JSON, erased (anonymised), or deleted.

It lives in `notifications`, the lowest app that sees every model holding a patient's data
(rehab's records, the planner's programs and logs, the reminders, notifications and push
endpoints), so the web app (the patient's own copy) and the workspace (the clinician's admin
actions) both call it.

What belongs to a patient is declared once, in `PARTS`: which model, how a row reaches its
patient, which of its fields are personal (free text that may identify the person) and what
erasure does with the rows. Export, erasure and deletion all read that one list, and
`HISTORY` says how the history tables that copy those rows are treated.

Erasure keeps what the clinic's statistics need, de-identified: the numbers of the logs
(pain, effort, sets), the programs' structure, the assessments' scores, sex, height and
weight, and the birth year (the date of birth becomes 1 January of that year: age drives
the plan, the exact day would identify). It removes or blanks everything else: the name
(`Erased patient #<id>`), email, notes and free text, invitations, reminders, notifications,
push endpoints, API tokens and sessions; the app account is kept, anonymised and
deactivated, so no backend signs it in again.
"""

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, Literal
from urllib.parse import urlsplit

from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from rest_framework.authtoken.models import Token

from notifications.models import (
    Notification,
    PushSubscription,
    Reminder,
    ReminderKind,
    ReminderPreferences,
    new_calendar_token,
)
from planner.models import (
    ExerciseLog,
    HomeSession,
    PatientEvent,
    Program,
    ProgramExercise,
    ProgramStatus,
    ProgramVersion,
    ReviewItem,
    ReviewProposal,
    SessionLog,
    SupervisedExerciseRecord,
    SupervisedSession,
)
from planner.services import program_complete
from rehab.models import (
    BodyComposition,
    CareAction,
    CareRecordEntry,
    FitnessTest,
    OswestryAssessment,
    PainAssessment,
    Patient,
    PatientComorbidity,
    PatientDiagnosis,
    PatientInvite,
    PatientRedFlag,
    StartBackAssessment,
    UserSession,
)
from rehab.services import care_record_add

EXPORT_FORMAT = "rehab-patient-export"
EXPORT_VERSION = 1

# What erasure does with a part's rows: keep them as they are (numbers, structure), keep
# them with their personal fields replaced, or delete them (nothing the clinic needs).
Erase = Literal["keep", "blank", "delete"]


@dataclass(frozen=True)
class Part:
    """One model's rows of a patient's record."""

    section: str  # its key in the export ("" for rows not exported: secrets, others' copies)
    model: type[models.Model]
    to_patient: str  # the lookup from a row to its patient
    erase: Erase
    # Personal fields and what erasure sets them to (a callable is called with each row).
    personal: Mapping[str, Any] = field(default_factory=dict)
    # Fields never exported: keys, token hashes, internal delivery state.
    secret: frozenset[str] = frozenset()
    # Names shown beside a foreign key's id in the export: {"exercise_slug": "exercise.slug"}.
    labels: Mapping[str, str] = field(default_factory=dict)

    def rows(self, patient: Patient) -> models.QuerySet[Any]:
        return self.model._default_manager.filter(**{self.to_patient: patient})


PROGRAM = "program__patient"
VERSION = "version__program__patient"
HOME = "home_session__program__patient"

PARTS: tuple[Part, ...] = (
    # rehab: the clinical records.
    Part(
        "diagnoses",
        PatientDiagnosis,
        "patient",
        "blank",
        {"notes": ""},
        labels={"diagnosis_code": "diagnosis.code"},
    ),
    Part(
        "comorbidities",
        PatientComorbidity,
        "patient",
        "blank",
        {"notes": ""},
        labels={"comorbidity_code": "comorbidity.code"},
    ),
    Part(
        "red_flags",
        PatientRedFlag,
        "patient",
        "blank",
        {"notes": ""},
        labels={"red_flag_code": "red_flag.code"},
    ),
    Part("pain_assessments", PainAssessment, "patient", "blank", {"note": ""}),
    Part("oswestry_assessments", OswestryAssessment, "patient", "keep"),
    Part("start_back_assessments", StartBackAssessment, "patient", "keep"),
    Part("fitness_tests", FitnessTest, "patient", "keep"),
    Part("body_compositions", BodyComposition, "patient", "keep"),
    Part("invitations", PatientInvite, "patient", "delete", secret=frozenset({"token_hash"})),
    # planner: programs and what was done.
    Part(
        "programs",
        Program,
        "patient",
        "blank",
        {"paused_reason": "", "progression_paused_reason": "", "progression_paused_because": []},
    ),
    Part("program_versions", ProgramVersion, PROGRAM, "keep"),
    Part(
        "program_exercises",
        ProgramExercise,
        VERSION,
        "keep",
        labels={"exercise_slug": "exercise.slug", "exercise_name": "exercise.name"},
    ),
    Part("home_sessions", HomeSession, PROGRAM, "keep"),
    Part("session_logs", SessionLog, HOME, "keep"),
    Part(
        "exercise_logs",
        ExerciseLog,
        HOME,
        "blank",
        {"note": ""},
        labels={"exercise_slug": "exercise.slug"},
    ),
    Part("supervised_sessions", SupervisedSession, PROGRAM, "blank", {"note": ""}),
    Part(
        "supervised_exercise_records",
        SupervisedExerciseRecord,
        "session__program__patient",
        "blank",
        {"note": ""},
    ),
    Part("reviews", ReviewProposal, PROGRAM, "keep"),
    Part("review_items", ReviewItem, "proposal__program__patient", "keep"),
    Part("events", PatientEvent, "patient", "keep"),
    # The record of care: who did what and when is kept; the notes, reasons and the old and
    # new values of personal fields it quotes are not.
    Part(
        "care_record",
        CareRecordEntry,
        "patient",
        "blank",
        {"detail": lambda row: care_detail_erased(row.detail)},
    ),
    # notifications: how the clinic reached them.
    Part(
        "reminder_preferences",
        ReminderPreferences,
        "patient",
        "blank",
        # The calendar address stops working; nothing is sent to an erased person.
        {"calendar_token": lambda row: new_calendar_token(), "email": False, "push": False},
        secret=frozenset({"calendar_token"}),
    ),
    # Not exported: the clinicians' in-app copies of alerts about the patient (theirs, but
    # naming her); before the reminders they point at.
    Part("", Notification, "reminder__patient", "delete"),
    Part(
        "reminders",
        Reminder,
        "patient",
        "delete",
        secret=frozenset({"outbox", "last_error", "clinician"}),
    ),
    Part("notifications", Notification, "user__patient", "delete"),
    Part(
        "push_subscriptions",
        PushSubscription,
        "user__patient",
        "delete",
        # The endpoint is a capability URL and the keys encrypt to the phone: only its host.
        secret=frozenset({"endpoint", "p256dh", "auth"}),
        labels={"endpoint_host": "endpoint"},
    ),
    # Not exported: the API token (a secret).
    Part("", Token, "user__patient", "delete"),
)

# Free text a record of care entry quotes, and the fields (by their labels) whose old and
# new values a record edit quotes, which erasure blanks.
CARE_TEXT_KEYS = frozenset({"notes", "note", "reason"})


def _personal_labels() -> frozenset[str]:
    fields: list[tuple[type[models.Model], str]] = [
        (Patient, "first_name"),
        (Patient, "last_name"),
        (Patient, "email"),
        (Patient, "date_of_birth"),
        (PatientDiagnosis, "notes"),
        (PatientComorbidity, "notes"),
        (PatientRedFlag, "notes"),
    ]
    labels = set()
    for model, name in fields:
        model_field = model._meta.get_field(name)
        assert isinstance(model_field, models.Field)
        labels.add(str(model_field.verbose_name))
    return frozenset(labels)


def care_detail_erased(detail: Any) -> Any:
    """A record of care entry's detail without the personal text it quotes."""
    if not isinstance(detail, dict):
        return detail
    erased: dict[str, Any] = {}
    labels = _personal_labels()
    for key, value in detail.items():
        if key in CARE_TEXT_KEYS and isinstance(value, str):
            erased[key] = ""
        elif key == "changes" and isinstance(value, list):
            erased[key] = [
                {**change, "old": "—", "new": "—"}
                if isinstance(change, dict) and change.get("field") in labels
                else change
                for change in value
            ]
        else:
            erased[key] = value
    return erased


# The patient's own fields erasure replaces; the rest (sex, height, weight, fitness, time
# zone, language, pregnancy) is clinical and kept, de-identified by the rest going.
PATIENT_PERSONAL: dict[str, Callable[[Patient], Any]] = {
    "first_name": lambda patient: "Erased",
    "last_name": lambda patient: f"patient #{patient.pk}",
    "email": lambda patient: "",
    "date_of_birth": lambda patient: date(patient.date_of_birth.year, 1, 1),
}

# The app account's fields erasure replaces (it is also deactivated, its password unusable).
USER_PERSONAL: dict[str, Callable[[Any], Any]] = {
    "username": lambda user: f"erased-{user.pk}",
    "first_name": lambda user: "",
    "last_name": lambda user: "",
    "email": lambda user: "",
}

# Sign-in logs that name the account (django-axes' attempts and access log, when installed):
# (app label, model, the field holding the username). Erasure and deletion delete the rows.
SIGN_IN_LOGS: tuple[tuple[str, str, str], ...] = (
    ("axes", "AccessAttempt", "username"),
    ("axes", "AccessLog", "username"),
    ("axes", "AccessFailureLog", "username"),
)

# History tables (django-simple-history) copy the rows of the models they follow, personal
# fields included. Erasure and deletion treat each history table like its model's part
# (blank the same fields, or delete the rows), and the patient's own history like the
# patient; they are found through the models, so a model of PARTS that gains
# `history = HistoricalRecords()` is covered with no change here.


# ---------------------------------------------------------------------------------------
# Export


def patient_export(*, patient: Patient, now: datetime | None = None) -> dict[str, Any]:
    """The patient's whole record as one JSON-ready document (a constant number of queries).

    Sections are lists of rows ordered by id; a row's references to other rows are their ids.
    Never exported: the password hash, tokens, push keys, the calendar address.
    """
    patient = Patient.objects.select_related("user", "clinician__user").get(pk=patient.pk)
    document: dict[str, Any] = {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported_at": _json_value(now or timezone.now()),
        "patient": _row(patient, frozenset(), {}),
        "clinician": {"id": patient.clinician_id, "name": str(patient.clinician)},
        "account": _account(patient.user),
    }
    for part in PARTS:
        if not part.section:
            continue
        related = sorted({path.split(".")[0] for path in part.labels.values()} - {"endpoint"})
        rows = part.rows(patient).select_related(*related).order_by("pk")
        document[part.section] = [_row(row, part.secret, part.labels) for row in rows]
    return document


def _account(user: Any) -> dict[str, Any] | None:
    if user is None:
        return None
    return {
        "username": user.username,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "is_active": user.is_active,
        "date_joined": _json_value(user.date_joined),
        "last_login": _json_value(user.last_login),
    }


def _row(obj: models.Model, secret: frozenset[str], labels: Mapping[str, str]) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for model_field in obj._meta.concrete_fields:
        if model_field.name in secret:
            continue
        row[model_field.name] = _json_value(model_field.value_from_object(obj))
    for name, path in labels.items():
        value: Any = obj
        for attribute in path.split("."):
            value = getattr(value, attribute) if value is not None else None
        if name == "endpoint_host":
            value = urlsplit(value).hostname
        row[name] = _json_value(value)
    return row


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def patient_export_json(*, patient: Patient) -> str:
    """The export as the text of a file: UTF-8, keys in a stable order, indented."""
    return json.dumps(patient_export(patient=patient), ensure_ascii=False, indent=2)


def patient_export_filename(*, patient: Patient) -> str:
    return f"patient-{patient.pk}-export.json"


# ---------------------------------------------------------------------------------------
# Who may


def patient_records_allowed(*, user: Any, patient: Patient) -> bool:
    """Whether `user` may export, erase or delete the patient's record: their own clinician
    or a superuser."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    clinician = getattr(user, "clinician", None)
    return clinician is not None and clinician.pk == patient.clinician_id


def _check_allowed(by: Any, patient: Patient) -> None:
    if not patient_records_allowed(user=by, patient=patient):
        raise PermissionDenied("Only the patient's clinician or an administrator may do this.")


# ---------------------------------------------------------------------------------------
# Erasure


@transaction.atomic
def patient_erase(*, patient: Patient, by: Any) -> Patient:
    """Anonymise the person and keep their de-identified clinical records. Irreversible.

    Raises ValidationError if the patient is already erased, PermissionDenied if `by` is
    neither the patient's clinician nor a superuser.
    """
    patient = (
        Patient.objects.select_for_update(of=("self",)).select_related("user").get(pk=patient.pk)
    )
    _check_allowed(by, patient)
    if patient.erased_at is not None:
        raise ValidationError(f"{patient} was already erased on {patient.erased_at:%Y-%m-%d}.")
    old_name = patient.full_name
    history_ids = _record_ids(patient)

    # The course ends: no more reminders, reviews or alerts about a person who is gone.
    for program in Program.objects.filter(
        patient=patient, status__in=(ProgramStatus.ACTIVE, ProgramStatus.PAUSED)
    ):
        program_complete(program=program, by=by)

    for part in PARTS:
        _erase_rows(part.rows(patient), part.erase, part.personal)

    user = patient.user
    if user is not None and not _own_account(user):
        patient.user = None  # a clinic login linked by mistake is unlinked, not erased
    elif user is not None:
        _sessions_end(user.pk)
        _sign_in_logs_delete(user.username)
        for name, value in USER_PERSONAL.items():
            setattr(user, name, value(user))
        user.is_active = False
        user.set_unusable_password()
        user.save()

    for name, value in PATIENT_PERSONAL.items():
        setattr(patient, name, value(patient))
    patient.erased_at = timezone.now()
    patient.save()
    new_name = patient.full_name

    _names_replace(patient, old_name, new_name)
    _history_erase(patient, history_ids)
    care_record_add(patient=patient, action=CareAction.PERSONAL_DATA_ERASED, by=by)
    return patient


def _erase_rows(rows: models.QuerySet[Any], erase: Erase, personal: Mapping[str, Any]) -> None:
    if erase == "delete":
        rows.delete()
    elif erase == "blank" and personal:
        if any(callable(value) for value in personal.values()):
            for row in rows:
                for name, value in personal.items():
                    setattr(row, name, value(row) if callable(value) else value)
                row.save(update_fields=list(personal))
        else:
            rows.update(**personal)


def _sign_in_logs_delete(username: str) -> None:
    for app_label, model_name, username_field in SIGN_IN_LOGS:
        if apps.is_installed(app_label):
            model = apps.get_model(app_label, model_name)
            model._default_manager.filter(**{username_field: username}).delete()


def _sessions_end(user_id: int) -> None:
    """Delete the user's signed-in sessions (each keeps its user's id)."""
    UserSession.objects.filter(user_id=user_id).delete()


def _names_replace(patient: Patient, old: str, new: str) -> None:
    """Put the new name where the old one was copied into others' rows: the clinician's weekly
    digests and their in-app copies, and the admin's log of changes to the patient."""
    digests = Reminder.objects.filter(
        kind=ReminderKind.WEEKLY_DIGEST, clinician_id=patient.clinician_id
    )
    for reminder in digests:
        context, outbox = (
            _replaced(reminder.context, old, new),
            _replaced(reminder.outbox, old, new),
        )
        if (context, outbox) != (reminder.context, reminder.outbox):
            reminder.context, reminder.outbox = context, outbox
            reminder.save(update_fields=["context", "outbox"])
    for notification in Notification.objects.filter(reminder__in=digests):
        notification.title = notification.title.replace(old, new)
        notification.body = notification.body.replace(old, new)
        notification.save(update_fields=["title", "body"])
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Patient), object_id=str(patient.pk)
    ).update(object_repr=new)


def _replaced(value: Any, old: str, new: str) -> Any:
    return json.loads(json.dumps(value, ensure_ascii=False).replace(old, new))


def _record_ids(patient: Patient) -> list[tuple[Part, list[Any]]]:
    """The ids of the patient's rows of each part that has a history table (read before
    the rows change or go, as history rows are found by them)."""
    return [
        (part, list(part.rows(patient).values_list("pk", flat=True)))
        for part in PARTS
        if _history_model(part.model) is not None
    ]


def _history_erase(patient: Patient, ids: list[tuple[Part, list[Any]]]) -> None:
    """Erase the history tables' copies of the patient and of the rows of theirs."""
    patient_history = _history_model(Patient)
    if patient_history is not None:
        patient_history._default_manager.filter(id=patient.pk).update(
            **{name: getattr(patient, name) for name in PATIENT_PERSONAL}
        )
    for part, pks in ids:
        history = _history_model(part.model)
        assert history is not None
        # A history row keeps no unique constraint: a generated value is simply blanked.
        personal = {name: "" if callable(value) else value for name, value in part.personal.items()}
        _erase_rows(history._default_manager.filter(id__in=pks), part.erase, personal)


def _history_delete(patient_pk: int, ids: list[tuple[Part, list[Any]]]) -> None:
    """Delete the history tables' copies of a deleted patient and of the rows of theirs
    (deleting adds a last copy of each row: this runs after)."""
    patient_history = _history_model(Patient)
    if patient_history is not None:
        patient_history._default_manager.filter(id=patient_pk).delete()
    for part, pks in ids:
        history = _history_model(part.model)
        assert history is not None
        history._default_manager.filter(id__in=pks).delete()


def _history_model(model: type[models.Model]) -> type[models.Model] | None:
    attribute = getattr(model._meta, "simple_history_manager_attribute", None)
    if attribute is None:
        return None
    manager = getattr(model, attribute, None)
    return getattr(manager, "model", None)


# ---------------------------------------------------------------------------------------
# Deletion


@transaction.atomic
def patient_delete(*, patient: Patient, by: Any) -> None:
    """Delete the patient and everything of theirs: records, programs and logs, reminders,
    notifications (the clinicians' copies about them too), and their app account with its
    token, sessions and push endpoints. The exercise library and the clinicians stay.

    Raises PermissionDenied if `by` is neither the patient's clinician nor a superuser.
    """
    patient = (
        Patient.objects.select_for_update(of=("self",)).select_related("user").get(pk=patient.pk)
    )
    _check_allowed(by, patient)
    user = patient.user
    old_name = patient.full_name
    Notification.objects.filter(reminder__patient=patient).delete()
    patient_pk = patient.pk
    history_ids = _record_ids(patient)
    _names_replace(patient, old_name, f"deleted patient #{patient_pk}")
    patient.delete()
    _history_delete(patient_pk, history_ids)
    if user is not None and _own_account(user):
        _sessions_end(user.pk)
        _sign_in_logs_delete(user.username)
        user.delete()  # its token, push endpoints and notifications go with it


def _own_account(user: Any) -> bool:
    """Whether the account is only the patient's (not a clinician's or staff login)."""
    return not (user.is_staff or user.is_superuser or hasattr(user, "clinician"))


def patients_delete(*, patients: Iterable[Patient], by: Any) -> int:
    """patient_delete for each, in one transaction; how many were deleted."""
    count = 0
    with transaction.atomic():
        for patient in patients:
            patient_delete(patient=patient, by=by)
            count += 1
    return count


__all__ = [
    "EXPORT_FORMAT",
    "EXPORT_VERSION",
    "PARTS",
    "PATIENT_PERSONAL",
    "USER_PERSONAL",
    "Part",
    "patient_delete",
    "patient_erase",
    "patient_export",
    "patient_export_filename",
    "patient_export_json",
    "patient_records_allowed",
    "patients_delete",
]
