"""Reads of the questionnaires: what is due for a patient, and who answered worse."""

import functools
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import F, OuterRef, QuerySet, Subquery, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from rehab import scoring
from rehab.models import (
    OswestryAssessment,
    PainAssessment,
    Patient,
    QuestionnaireKind,
    QuestionnaireSchedule,
    StartBackAssessment,
)
from rehab.questionnaires.due import Due, due_state, sort_due

ASSESSMENTS: dict[str, type[OswestryAssessment | StartBackAssessment | PainAssessment]] = {
    QuestionnaireKind.ODI: OswestryAssessment,
    QuestionnaireKind.START_BACK: StartBackAssessment,
    QuestionnaireKind.PAIN: PainAssessment,
}
# The minimal important change against the previous answer (CLINICAL.md, Outcome measures).
ODI_WORSE_BY = 10
PAIN_WORSE_BY = 2


def patient_local_day(*, patient: Patient, now: datetime | None = None) -> date:
    return (now or timezone.now()).astimezone(ZoneInfo(patient.time_zone)).date()


def _last_answered(kind: str) -> Subquery:
    model = ASSESSMENTS[kind]
    return Subquery(
        model.objects.filter(patient=OuterRef("patient"))
        .order_by("-assessed_on")
        .values("assessed_on")[:1]
    )


def with_last_answers(
    schedules: QuerySet[QuestionnaireSchedule],
) -> QuerySet[QuestionnaireSchedule]:
    """The schedules, each with `last_odi`, `last_start_back` and `last_pain`."""
    return schedules.annotate(
        **{f"last_{kind}": _last_answered(kind) for kind in QuestionnaireKind.values}
    )


def schedule_due(*, schedule: QuestionnaireSchedule, today: date) -> Due | None:
    """What `questionnaires_due` says of one schedule annotated by `with_last_answers`."""
    return _state(schedule, today)


def questionnaire_schedules_with_answers(*, patients: Any) -> QuerySet[QuestionnaireSchedule]:
    """The active schedules of these patients (a queryset of them or their ids), each with
    `last_odi`, `last_start_back` and `last_pain`: the day of the latest answer. One query."""
    return with_last_answers(
        QuestionnaireSchedule.objects.filter(patient__in=patients, active=True).order_by()
    )


def _state(schedule: QuestionnaireSchedule, today: date) -> Due | None:
    return due_state(
        kind=schedule.kind,
        starts_on=schedule.starts_on,
        every_days=schedule.every_days,
        last_answered=getattr(schedule, f"last_{schedule.kind}"),
        today=today,
    )


def questionnaires_due(*, patient: Patient, now: datetime | None = None) -> list[Due]:
    """The patient's questionnaires due today (their local day), the short one first."""
    today = patient_local_day(patient=patient, now=now)
    schedules = questionnaire_schedules_with_answers(patients=[patient.pk])
    return sort_due([d for s in schedules if (d := _state(s, today)) is not None])


def questionnaire_due(*, patient: Patient, kind: str, now: datetime | None = None) -> Due | None:
    return next((d for d in questionnaires_due(patient=patient, now=now) if d.kind == kind), None)


@functools.cache
def questionnaires_due_sql() -> tuple[str, ...]:
    """SQL expressions (scalar subqueries on the patient's row `p`) that read what
    `questionnaires_due_from` needs: per kind, the active schedule as "starts_on|every_days"
    and the day of the latest answer. For a page that reads them with another query (Today's
    stamp), so a questionnaire becoming due or answered costs it no query of its own."""
    quote = connection.ops.quote_name
    schedules = quote(QuestionnaireSchedule._meta.db_table)
    true = "TRUE" if connection.vendor == "postgresql" else "1"
    expressions: list[str] = []
    for kind in QuestionnaireKind.values:
        # The kinds are this module's constants, never input.
        expressions.append(
            f"(SELECT CAST(q.starts_on AS VARCHAR(10)) || '|' || CAST(q.every_days AS VARCHAR(5)) "
            f"FROM {schedules} q WHERE q.patient_id = p.id AND q.kind = '{kind}' "
            f"AND q.active = {true})"
        )
        table = quote(ASSESSMENTS[kind]._meta.db_table)
        expressions.append(f"(SELECT MAX(a.assessed_on) FROM {table} a WHERE a.patient_id = p.id)")
    return tuple(expressions)


def _day(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def questionnaires_due_from(*, values: tuple[Any, ...], today: date) -> list[Due]:
    """What `questionnaires_due` says, from the values of `questionnaires_due_sql`."""
    due: list[Due] = []
    for index, kind in enumerate(QuestionnaireKind.values):
        schedule, last = values[2 * index], values[2 * index + 1]
        if not schedule:
            continue
        starts_on, every_days = str(schedule).split("|")
        state = due_state(
            kind=kind,
            starts_on=date.fromisoformat(starts_on),
            every_days=int(every_days),
            last_answered=_day(last),
            today=today,
        )
        if state is not None:
            due.append(state)
    return sort_due(due)


@dataclass(frozen=True)
class Worsening:
    patient_id: int
    kind: str  # odi or pain
    before: int
    after: int
    assessed_on: date
    created_at: datetime
    assessment_id: int


def _latest_two(model: type[OswestryAssessment | PainAssessment], patients: Any) -> dict:
    rows: dict[int, list[Any]] = defaultdict(list)
    ranked = (
        model.objects.filter(patient__in=patients)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("patient")],
                order_by=[F("assessed_on").desc(), F("id").desc()],
            )
        )
        .filter(rank__lte=2)
        .order_by("patient", "rank")
    )
    for row in ranked:
        rows[row.patient_id].append(row)
    return rows


def questionnaire_worsenings(*, patients: Any) -> list[Worsening]:
    """Patients whose latest ODI or pain score is worse than the one before by the minimal
    important change (ODI 10 points, pain 2). Two queries whatever the number of patients."""
    found: list[Worsening] = []
    for patient_id, rows in _latest_two(OswestryAssessment, patients).items():
        results = [scoring.odi_score(row.answers) for row in rows]
        if (
            len(rows) == 2
            and results[0]
            and results[1]
            and results[0].percent - results[1].percent >= ODI_WORSE_BY
        ):
            found.append(
                Worsening(
                    patient_id,
                    QuestionnaireKind.ODI,
                    results[1].percent,
                    results[0].percent,
                    rows[0].assessed_on,
                    rows[0].created_at,
                    rows[0].pk,
                )
            )
    for patient_id, rows in _latest_two(PainAssessment, patients).items():
        if len(rows) == 2 and rows[0].score - rows[1].score >= PAIN_WORSE_BY:
            found.append(
                Worsening(
                    patient_id,
                    QuestionnaireKind.PAIN,
                    rows[1].score,
                    rows[0].score,
                    rows[0].assessed_on,
                    rows[0].created_at,
                    rows[0].pk,
                )
            )
    return found
