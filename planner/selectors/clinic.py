"""The clinic's lists: patients with their programs, sessions, reviews, by ownership."""

from typing import Any

from django.db.models import Exists, Max, OuterRef, Prefetch, Q, QuerySet, Subquery

from planner.models import (
    ExerciseLog,
    Program,
    ReviewItem,
    ReviewProposal,
    SessionLog,
    SupervisedExerciseRecord,
    SupervisedSession,
)
from rehab.models import (
    Patient,
    PatientComorbidity,
    PatientDiagnosis,
    PatientRedFlag,
)
from rehab.selectors import patient_list, patient_visible_to

# `program_status` of a patient with no program at all.
NO_PROGRAM = "none"


def patient_search(
    *,
    user: Any,
    search: str = "",
    diagnosis: str = "",
    red_flag: bool | None = None,
    program_status: str = "",
) -> QuerySet[Patient]:
    """The clinician's patients (patient_list and its columns), narrowed by the filters.

    Each row also carries `program_status`: the status of the patient's newest program,
    a draft included, or None without one (filter with NO_PROGRAM). Every word of
    `search` must be part of the first or the last name. A fixed number of queries
    whatever the number of patients.
    """
    newest = Program.objects.filter(patient=OuterRef("pk")).order_by("-id").values("status")
    patients = patient_list(user=user).annotate(program_status=Subquery(newest[:1]))
    for word in search.split():
        patients = patients.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
    if diagnosis:
        patients = patients.filter(
            Exists(
                PatientDiagnosis.objects.filter(patient=OuterRef("pk"), diagnosis__code=diagnosis)
            )
        )
    if red_flag is not None:
        flagged = Exists(
            PatientRedFlag.objects.filter(
                patient=OuterRef("pk"), status=PatientRedFlag.Status.ACTIVE
            )
        )
        patients = patients.filter(flagged if red_flag else ~flagged)
    if program_status == NO_PROGRAM:
        patients = patients.filter(program_status__isnull=True)
    elif program_status:
        patients = patients.filter(program_status=program_status)
    return patients.order_by("last_name", "first_name", "id")


def patient_chart_list(*, user: Any) -> QuerySet[Patient]:
    """patient_search's rows with their comorbidities (`comorbidity_rows`), for one chart."""
    return patient_search(user=user).prefetch_related(
        Prefetch(
            "comorbidities",
            queryset=PatientComorbidity.objects.select_related("comorbidity").order_by("id"),
            to_attr="comorbidity_rows",
        )
    )


def program_latest(*, patient: Patient) -> Program | None:
    """The clinician's view of a patient's program: the newest, a draft included, with
    `version_number` (its current version)."""
    return (
        Program.objects.filter(patient=patient)
        .annotate(version_number=Max("versions__number"))
        .order_by("-id")
        .first()
    )


def program_visible_to(*, user: Any) -> QuerySet[Program]:
    """Programs of the patients the user may see (patient_visible_to)."""
    return Program.objects.filter(patient__in=patient_visible_to(user=user)).select_related(
        "patient"
    )


def supervised_session_visible_to(*, user: Any) -> QuerySet[SupervisedSession]:
    return SupervisedSession.objects.filter(
        program__patient__in=patient_visible_to(user=user)
    ).select_related("program__patient")


def supervised_session_list(*, program: Program) -> QuerySet[SupervisedSession]:
    """A program's clinic sessions with what was recorded of each exercise (two queries)."""
    return (
        SupervisedSession.objects.filter(program=program)
        .select_related("program__patient")
        .prefetch_related(
            Prefetch(
                "records",
                queryset=SupervisedExerciseRecord.objects.select_related(
                    "program_exercise__exercise"
                ).order_by("program_exercise__position", "id"),
            )
        )
        .order_by("number")
    )


def review_list(*, user: Any, status: str = "") -> QuerySet[ReviewProposal]:
    """Weekly reviews of the user's patients, newest week first, with their items."""
    reviews = ReviewProposal.objects.filter(program__patient__in=patient_visible_to(user=user))
    if status:
        reviews = reviews.filter(status=status)
    return (
        reviews.select_related("program__patient")
        .prefetch_related(
            Prefetch(
                "items",
                queryset=ReviewItem.objects.select_related(
                    "program_exercise__exercise", "new_exercise"
                ).order_by("program_exercise__position", "id"),
            )
        )
        .order_by("-week_start", "-id")
    )


def session_log_entries(*, log: SessionLog) -> list[ExerciseLog]:
    """What one submission from the patient's phone stored, in the order it was stored."""
    return list(log.entries.select_related("exercise", "home_session").order_by("id"))
