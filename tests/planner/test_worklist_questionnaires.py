"""The worklist's questionnaire reasons: overdue, and worse by a minimal important change."""

from datetime import UTC, date, datetime

import pytest

from planner.models import WorklistKind
from planner.selectors.worklist import worklist_rows
from rehab.models import OswestryAssessment, PainAssessment, QuestionnaireSchedule
from tests.conftest import make_patient


def reasons(user, patient, now):
    for row in worklist_rows(user=user, now=now):
        if row.patient.pk == patient.pk:
            return {r.kind: r for r in row.reasons}
    return {}


@pytest.mark.parametrize(
    ("zone", "still_due", "overdue"),
    [
        # Due on Monday 2 November (local); overdue from local midnight of Friday 6 November.
        (
            "America/Los_Angeles",
            datetime(2026, 11, 6, 7, 59, tzinfo=UTC),  # Thursday 23:59 (UTC-8 since 1 Nov)
            datetime(2026, 11, 6, 8, 0, tzinfo=UTC),
        ),
        (
            "Pacific/Auckland",
            datetime(2026, 11, 5, 10, 59, tzinfo=UTC),  # Thursday 23:59 (UTC+13)
            datetime(2026, 11, 5, 11, 0, tzinfo=UTC),
        ),
    ],
)
def test_a_questionnaire_overdue_after_the_grace_days(clinician, zone, still_due, overdue):
    patient = make_patient(clinician, time_zone=zone)
    QuestionnaireSchedule.objects.create(
        patient=patient, kind="odi", every_days=28, starts_on=date(2026, 11, 2)
    )
    assert WorklistKind.QUESTIONNAIRE_OVERDUE not in reasons(clinician.user, patient, still_due)
    reason = reasons(clinician.user, patient, overdue)[WorklistKind.QUESTIONNAIRE_OVERDUE]
    assert reason.since == overdue  # local midnight of the first overdue day
    assert "2026-11-02" in reason.detail and "Oswestry" in reason.detail
    # Answered (at the clinic, say): off the list.
    OswestryAssessment.objects.create(
        patient=patient, assessed_on=date(2026, 11, 5), **{f"section_{i}": 1 for i in range(1, 11)}
    )
    assert WorklistKind.QUESTIONNAIRE_OVERDUE not in reasons(clinician.user, patient, overdue)


def test_worse_by_ten_odi_points_or_two_pain_points(clinician):
    patient = make_patient(clinician, time_zone="Pacific/Auckland")
    now = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
    PainAssessment.objects.create(patient=patient, assessed_on=date(2026, 11, 10), score=3)
    assert WorklistKind.QUESTIONNAIRE_WORSE not in reasons(clinician.user, patient, now)
    latest = PainAssessment.objects.create(patient=patient, assessed_on=date(2026, 11, 17), score=5)
    reason = reasons(clinician.user, patient, now)[WorklistKind.QUESTIONNAIRE_WORSE]
    assert reason.since == latest.created_at
    assert reason.detail == "Pain 5 of 10 on 2026-11-17, against 3 the time before."
    OswestryAssessment.objects.create(
        patient=patient, assessed_on=date(2026, 10, 1), **{f"section_{i}": 1 for i in range(1, 11)}
    )
    OswestryAssessment.objects.create(
        patient=patient, assessed_on=date(2026, 10, 29), **{f"section_{i}": 2 for i in range(1, 11)}
    )
    kinds = [r.kind for r in worklist_rows(user=clinician.user, now=now)[0].reasons]
    assert kinds == [WorklistKind.QUESTIONNAIRE_WORSE, WorklistKind.QUESTIONNAIRE_WORSE]


def test_the_questionnaires_cost_three_queries_for_any_number_of_patients(
    clinician, django_assert_max_num_queries
):
    now = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
    for index in range(12):
        patient = make_patient(clinician, first_name=f"P{index}")
        QuestionnaireSchedule.objects.create(
            patient=patient, kind="pain", every_days=7, starts_on=date(2026, 11, 1)
        )
        # Due again from 15 November, unanswered: overdue on the 25th.
        for day, score in ((date(2026, 11, 3), 1), (date(2026, 11, 10), 4)):
            PainAssessment.objects.create(patient=patient, assessed_on=day, score=score)
    with django_assert_max_num_queries(13):
        rows = worklist_rows(user=clinician.user, now=now)
    assert len(rows) == 12
    assert all(
        {r.kind for r in row.reasons}
        >= {WorklistKind.QUESTIONNAIRE_WORSE, WorklistKind.QUESTIONNAIRE_OVERDUE}
        for row in rows
    )
