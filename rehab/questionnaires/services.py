"""Writes of the questionnaires: the default schedule, and an answer made an assessment."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from rehab.models import (
    OswestryAssessment,
    PainAssessment,
    Patient,
    QuestionnaireAnswer,
    QuestionnaireKind,
    QuestionnaireSchedule,
    StartBackAssessment,
)
from rehab.questionnaires.due import DEFAULT_EVERY_DAYS
from rehab.questionnaires.questions import QUESTIONS, Question
from rehab.questionnaires.selectors import patient_local_day, questionnaire_due

CLIENT_KEY_MAX_LENGTH = 64


def questionnaire_schedules_default(*, patient: Patient, starts_on: date) -> int:
    """Give the patient the clinic's default schedule where they have none of a kind: ODI and
    STarT Back from `starts_on` then every 4 weeks, the pain score weekly. A schedule the
    clinician has already set (or switched off) is kept as it is. Returns how many were made."""
    existing = set(
        QuestionnaireSchedule.objects.filter(patient=patient).values_list("kind", flat=True)
    )
    made = [
        QuestionnaireSchedule(
            patient=patient, kind=kind, every_days=DEFAULT_EVERY_DAYS[kind], starts_on=starts_on
        )
        for kind in QuestionnaireKind.values
        if kind not in existing
    ]
    QuestionnaireSchedule.objects.bulk_create(made, ignore_conflicts=True)
    return len(made)


Assessment = OswestryAssessment | StartBackAssessment | PainAssessment


@dataclass(frozen=True)
class Answered:
    assessment: Assessment
    kind: str
    created: bool


def questionnaire_answer_error(question: Question, raw: Any) -> str | None:
    """Why `raw` is no answer to `question` (None when it is one: a value of its answers,
    or nothing for an optional question)."""
    if raw is None or raw == "":
        return None if question.optional else _("Please choose an answer.")
    try:
        value = int(raw)
    except (TypeError, ValueError):
        value = -1
    if isinstance(raw, bool) or value not in question.values:
        return _("Choose one of the answers given (%(low)d to %(high)d).") % {
            "low": min(question.values),
            "high": max(question.values),
        }
    return None


def questionnaire_answers_clean(*, kind: str, answers: Mapping[str, Any]) -> dict[str, int | None]:
    """Every question of the questionnaire answered with one of its values (an optional one
    may be left out: None), or a ValidationError with a message for each question that is
    not (keyed by its name)."""
    questions = QUESTIONS.get(kind)
    if questions is None:
        raise ValidationError({"kind": _("There is no such questionnaire.")})
    cleaned: dict[str, int | None] = {}
    errors: dict[str, str] = {}
    for question in questions:
        raw = answers.get(question.name)
        message = questionnaire_answer_error(question, raw)
        if message is not None:
            errors[question.name] = message
        else:
            cleaned[question.name] = None if raw is None or raw == "" else int(raw)
    if errors:
        raise ValidationError(errors)
    return cleaned


def _build(kind: str, patient: Patient, values: dict[str, int | None], day: date) -> Assessment:
    common = {"patient": patient, "assessed_on": day, "recorded_by": patient.user}
    if kind == QuestionnaireKind.ODI:
        return OswestryAssessment(**common, **values)
    if kind == QuestionnaireKind.START_BACK:
        items = {name: bool(value) for name, value in values.items() if name != "item_9"}
        bothersome = values["item_9"]
        assert bothersome is not None  # no STarT Back question is optional
        return StartBackAssessment(**common, **items, item_9=bothersome)
    return PainAssessment(**common, **values)


def questionnaire_answer_record(
    *,
    patient: Patient,
    kind: str,
    answers: Mapping[str, Any],
    client_key: str,
    now: datetime | None = None,
) -> Answered:
    """The patient's answers to a due questionnaire, stored as its assessment (scored by
    `rehab.scoring` like any other), dated the patient's local today.

    Idempotent: a client key sent before returns the assessment it made (created False),
    whatever the body. Refused with field messages, writing nothing: a key that is empty
    or too long, a questionnaire that is not due (not scheduled, or answered already), an
    answer missing or not one of the question's.
    """
    if not isinstance(client_key, str) or not 1 <= len(client_key) <= CLIENT_KEY_MAX_LENGTH:
        raise ValidationError(
            {"client_key": _("Send a key of 1 to %(n)d characters.") % {"n": CLIENT_KEY_MAX_LENGTH}}
        )
    stored = _stored(patient, client_key)
    if stored is not None:
        return stored
    values = questionnaire_answers_clean(kind=kind, answers=answers)
    if questionnaire_due(patient=patient, kind=kind, now=now) is None:
        raise ValidationError({"kind": _("This questionnaire is not due now.")})
    assessment = _build(kind, patient, values, patient_local_day(patient=patient, now=now))
    # The answers are checked above and the table's constraints hold them again on insert:
    # asking the database about each of ten constraints first would add ten queries.
    assessment.full_clean(exclude=["patient", "recorded_by"], validate_constraints=False)
    try:
        with transaction.atomic():
            assessment.save()
            QuestionnaireAnswer.objects.create(
                patient=patient,
                client_key=client_key,
                kind=kind,
                **{_LINK[kind]: assessment},
            )
    except IntegrityError:
        # The same key from a second tab a moment earlier: that one stands.
        stored = _stored(patient, client_key)
        if stored is None:
            raise
        return stored
    return Answered(assessment, kind, True)


_LINK: dict[str, str] = {
    QuestionnaireKind.ODI: "oswestry",
    QuestionnaireKind.START_BACK: "start_back",
    QuestionnaireKind.PAIN: "pain",
}


def _stored(patient: Patient, client_key: str) -> Answered | None:
    answer = (
        QuestionnaireAnswer.objects.filter(patient=patient, client_key=client_key)
        .select_related("oswestry", "start_back", "pain")
        .first()
    )
    if answer is None:
        return None
    return Answered(answer.assessment, answer.kind, False)
