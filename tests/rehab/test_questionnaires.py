"""Questionnaires: the schedule, what is due in the patient's local days, and answers made
assessments scored by rehab.scoring."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from rehab import scoring
from rehab.models import (
    OswestryAssessment,
    PainAssessment,
    QuestionnaireAnswer,
    QuestionnaireKind,
    QuestionnaireSchedule,
    StartBackAssessment,
)
from rehab.questionnaires.due import GRACE_DAYS, Due, due_state, pending_since
from rehab.questionnaires.questions import QUESTIONS
from rehab.questionnaires.selectors import (
    questionnaire_worsenings,
    questionnaires_due,
    questionnaires_due_from,
    questionnaires_due_sql,
)
from rehab.questionnaires.services import (
    questionnaire_answer_record,
    questionnaire_schedules_default,
)
from tests.conftest import make_patient, start_program

LA = "America/Los_Angeles"
AUCKLAND = "Pacific/Auckland"
ODI_ANSWERS = {f"section_{i}": (i % 6) for i in range(1, 11)}  # 1,2,3,4,5,0,1,2,3,4


def schedule(patient, kind="pain", every_days=7, starts_on=date(2026, 10, 25), active=True):
    return QuestionnaireSchedule.objects.create(
        patient=patient, kind=kind, every_days=every_days, starts_on=starts_on, active=active
    )


# -- when a questionnaire is due ----------------------------------------------------------------


def test_due_from_the_first_day_no_answer_covers_and_overdue_after_the_grace_days():
    start = date(2026, 11, 2)
    assert pending_since(starts_on=start, every_days=7, last_answered=None, today=start) == start
    assert (
        pending_since(
            starts_on=start, every_days=7, last_answered=None, today=start - timedelta(days=1)
        )
        is None
    )
    # Answered on the due day: nothing until the next due day, which it does not cover.
    answered = pending_since(starts_on=start, every_days=7, last_answered=start, today=start)
    assert answered is None
    assert pending_since(
        starts_on=start, every_days=7, last_answered=start, today=start + timedelta(days=7)
    ) == start + timedelta(days=7)
    # Never answered: still due from the first day, weeks later, and overdue.
    late = due_state(
        kind="pain", starts_on=start, every_days=7, last_answered=None, today=date(2026, 11, 30)
    )
    assert late == Due("pain", start, overdue=True)
    # Due on a Monday: due, not overdue, up to Thursday; overdue from Friday.
    thursday = start + timedelta(days=GRACE_DAYS)
    state = due_state(
        kind="odi", starts_on=start, every_days=28, last_answered=None, today=thursday
    )
    assert state is not None and not state.overdue
    friday = due_state(
        kind="odi",
        starts_on=start,
        every_days=28,
        last_answered=None,
        today=thursday + timedelta(1),
    )
    assert friday is not None and friday.overdue and friday.overdue_from == date(2026, 11, 6)


@pytest.mark.parametrize(
    ("zone", "before", "after"),
    [
        # Los Angeles leaves summer time on 1 November 2026 at 02:00: local midnight of that
        # day is 07:00 UTC (still summer time), not 08:00.
        (LA, datetime(2026, 11, 1, 6, 59, tzinfo=UTC), datetime(2026, 11, 1, 7, 0, tzinfo=UTC)),
        # Auckland is on summer time (UTC+13) since 27 September: its 1 November begins at
        # 11:00 UTC on 31 October.
        (
            AUCKLAND,
            datetime(2026, 10, 31, 10, 59, tzinfo=UTC),
            datetime(2026, 10, 31, 11, 0, tzinfo=UTC),
        ),
    ],
)
def test_due_on_the_patients_local_day_across_a_change_of_clocks(clinician, zone, before, after):
    patient = make_patient(clinician, time_zone=zone)
    schedule(patient, starts_on=date(2026, 10, 25))
    PainAssessment.objects.create(patient=patient, score=3, assessed_on=date(2026, 10, 25))
    assert questionnaires_due(patient=patient, now=before) == []
    assert questionnaires_due(patient=patient, now=after) == [
        Due("pain", date(2026, 11, 1), overdue=False)
    ]


@pytest.mark.parametrize("zone", [LA, AUCKLAND])
def test_the_sql_read_with_todays_stamp_says_what_the_selector_says(clinician, zone):
    from django.db import connection

    patient = make_patient(clinician, time_zone=zone)
    schedule(patient, kind="odi", every_days=28, starts_on=date(2026, 10, 1))
    schedule(patient, kind="pain", starts_on=date(2026, 11, 20))
    schedule(patient, kind="start_back", every_days=28, starts_on=date(2026, 10, 1), active=False)
    OswestryAssessment.objects.create(patient=patient, assessed_on=date(2026, 10, 2), **ODI_ANSWERS)
    now = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(questionnaires_due_sql())} FROM rehab_patient p WHERE p.id = %s",
            [patient.pk],
        )
        values = cursor.fetchone()
    today = now.astimezone(__import__("zoneinfo").ZoneInfo(zone)).date()
    due = questionnaires_due(patient=patient, now=now)
    assert questionnaires_due_from(values=values, today=today) == due
    assert [d.kind for d in due] == ["pain", "odi"]  # the short one first; STarT Back is off


def test_one_schedule_per_kind_and_a_sane_interval(patient):
    schedule(patient)
    with pytest.raises(IntegrityError), transaction.atomic():
        schedule(patient)
    with pytest.raises(IntegrityError), transaction.atomic():
        schedule(patient, kind="odi", every_days=0)


def test_an_approved_program_brings_the_default_schedule_and_keeps_the_clinicians(
    clinician, library
):
    patient = make_patient(clinician, time_zone=AUCKLAND)
    from rehab import services as rehab_services

    rehab_services.patient_diagnosis_add(
        patient=patient, code="sciatica", side="left", stage="subacute"
    )
    schedule(patient, kind="pain", every_days=14, starts_on=date(2026, 11, 1))
    start_program(patient, clinician.user, date(2026, 11, 20), master=False)
    rows = {s.kind: s for s in QuestionnaireSchedule.objects.filter(patient=patient)}
    # Approved on the suite's 25 November (Auckland's day too): not asked for earlier days.
    assert {k: (s.every_days, s.starts_on) for k, s in rows.items()} == {
        "odi": (28, date(2026, 11, 25)),
        "start_back": (28, date(2026, 11, 25)),
        "pain": (14, date(2026, 11, 1)),  # the clinician's, untouched
    }
    assert questionnaire_schedules_default(patient=patient, starts_on=date(2026, 12, 1)) == 0


# -- answers --------------------------------------------------------------------------------------

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


@pytest.fixture
def asked(clinician):
    patient = make_patient(clinician, time_zone=LA)
    for kind in QuestionnaireKind.values:
        schedule(
            patient, kind=kind, every_days=28 if kind != "pain" else 7, starts_on=date(2026, 11, 20)
        )
    return patient


def test_an_odi_answer_is_an_assessment_scored_by_the_scoring_function(asked):
    answered = questionnaire_answer_record(
        patient=asked, kind="odi", answers=ODI_ANSWERS, client_key="k1", now=NOW
    )
    stored = OswestryAssessment.objects.get(patient=asked)
    assert answered.created and answered.assessment == stored
    assert stored.result == scoring.odi_score([ODI_ANSWERS[f"section_{i}"] for i in range(1, 11)])
    assert stored.result.percent == 50  # 25 of 50
    assert stored.assessed_on == date(2026, 11, 25)  # 01:00 in Los Angeles
    assert [d.kind for d in questionnaires_due(patient=asked, now=NOW)] == ["pain", "start_back"]


def test_the_sex_life_section_may_be_left_out_and_the_odi_is_scored_over_the_nine_answered(
    asked,
):
    answers = {name: value for name, value in ODI_ANSWERS.items() if name != "section_8"}
    questionnaire_answer_record(
        patient=asked, kind="odi", answers=answers, client_key="k8", now=NOW
    )
    stored = OswestryAssessment.objects.get(patient=asked)
    assert stored.section_8 is None
    assert stored.result == scoring.odi_score(
        [ODI_ANSWERS[f"section_{i}"] if i != 8 else None for i in range(1, 11)]
    )
    assert stored.result.answered == 9
    # Any other section left out is still refused (above); only this one is optional.
    assert [q.name for q in QUESTIONS["odi"] if q.optional] == ["section_8"]


def test_start_back_and_pain_answers(asked):
    items = {f"item_{i}": 1 for i in range(1, 9)} | {"item_9": 3}
    questionnaire_answer_record(
        patient=asked, kind="start_back", answers=items, client_key="s", now=NOW
    )
    stored = StartBackAssessment.objects.get(patient=asked)
    assert stored.result == scoring.start_back_score([True] * 9)
    assert stored.result.risk == "high"
    questionnaire_answer_record(
        patient=asked, kind="pain", answers={"score": "4"}, client_key="p", now=NOW
    )
    assert PainAssessment.objects.get(patient=asked).score == 4


def test_a_resend_with_the_same_key_makes_one_assessment(asked):
    first = questionnaire_answer_record(
        patient=asked, kind="pain", answers={"score": 4}, client_key="same", now=NOW
    )
    again = questionnaire_answer_record(
        patient=asked, kind="pain", answers={"score": 9}, client_key="same", now=NOW
    )
    assert not again.created and again.assessment == first.assessment
    assert PainAssessment.objects.filter(patient=asked).count() == 1
    assert QuestionnaireAnswer.objects.count() == 1


@pytest.mark.parametrize(
    ("kind", "answers", "client_key", "fields"),
    [
        ("odi", {**ODI_ANSWERS, "section_3": None}, "k", {"section_3"}),
        ("odi", {**ODI_ANSWERS, "section_3": 6, "section_9": "x"}, "k", {"section_3", "section_9"}),
        ("pain", {"score": 11}, "k", {"score"}),
        ("pain", {"score": -1}, "k", {"score"}),
        ("start_back", {f"item_{i}": 1 for i in range(1, 9)}, "k", {"item_9"}),
        (
            "start_back",
            {f"item_{i}": 2 for i in range(1, 10)},
            "k",
            {f"item_{i}" for i in range(1, 9)},
        ),
        ("sf36", {}, "k", {"kind"}),
        ("pain", {"score": 4}, "", {"client_key"}),
        ("pain", {"score": 4}, "k" * 65, {"client_key"}),
    ],
)
def test_bad_answers_are_refused_with_field_messages_and_write_nothing(
    asked, kind, answers, client_key, fields
):
    with pytest.raises(ValidationError) as refused:
        questionnaire_answer_record(
            patient=asked, kind=kind, answers=answers, client_key=client_key, now=NOW
        )
    assert set(refused.value.message_dict) == fields
    assert not QuestionnaireAnswer.objects.exists()
    assert not PainAssessment.objects.exists() and not OswestryAssessment.objects.exists()


def test_a_questionnaire_not_due_is_refused(asked, clinician):
    questionnaire_answer_record(
        patient=asked, kind="pain", answers={"score": 4}, client_key="a", now=NOW
    )
    with pytest.raises(ValidationError) as refused:
        questionnaire_answer_record(
            patient=asked, kind="pain", answers={"score": 5}, client_key="b", now=NOW
        )
    assert "kind" in refused.value.message_dict
    unscheduled = make_patient(clinician, first_name="Other")
    with pytest.raises(ValidationError):
        questionnaire_answer_record(
            patient=unscheduled, kind="odi", answers=ODI_ANSWERS, client_key="c", now=NOW
        )
    assert PainAssessment.objects.count() == 1 and not OswestryAssessment.objects.exists()


def test_every_question_has_its_answers():
    assert [len(QUESTIONS[k]) for k in ("odi", "start_back", "pain")] == [10, 9, 1]
    assert all(len(q.choices) == 6 for q in QUESTIONS["odi"])


# -- worse by a minimal important change -----------------------------------------------------


def test_worse_by_the_minimal_important_change_against_the_previous_answer(clinician):
    worse = make_patient(clinician, first_name="Worse")
    steady = make_patient(clinician, first_name="Steady")
    low = dict.fromkeys(ODI_ANSWERS, 1)  # 20 %
    high = dict.fromkeys(ODI_ANSWERS, 2)  # 40 %
    OswestryAssessment.objects.create(patient=worse, assessed_on=date(2026, 10, 1), **low)
    OswestryAssessment.objects.create(patient=worse, assessed_on=date(2026, 10, 29), **high)
    OswestryAssessment.objects.create(patient=steady, assessed_on=date(2026, 9, 1), **low)
    OswestryAssessment.objects.create(patient=steady, assessed_on=date(2026, 10, 1), **high)
    OswestryAssessment.objects.create(patient=steady, assessed_on=date(2026, 10, 29), **high)
    for day, score in ((date(2026, 11, 10), 3), (date(2026, 11, 17), 5)):
        PainAssessment.objects.create(patient=worse, assessed_on=day, score=score)
    for day, score in ((date(2026, 11, 10), 3), (date(2026, 11, 17), 4)):  # +1 only
        PainAssessment.objects.create(patient=steady, assessed_on=day, score=score)
    found = questionnaire_worsenings(patients=[worse.pk, steady.pk])
    assert sorted((w.patient_id, w.kind, w.before, w.after) for w in found) == [
        (worse.pk, "odi", 20, 40),
        (worse.pk, "pain", 3, 5),
    ]
