"""GET /api/v1/questionnaires/due/ and POST /api/v1/questionnaires/."""

import pytest

from rehab import scoring
from rehab.models import OswestryAssessment, PainAssessment, QuestionnaireAnswer
from tests.api.conftest import client_for

DUE = "/api/v1/questionnaires/due/"
ANSWER = "/api/v1/questionnaires/"
ODI = {f"section_{i}": 2 for i in range(1, 11)}


def test_the_owner_sees_what_is_due_with_its_questions(world):
    response = client_for(world, "owner_patient").get(DUE)
    assert response.status_code == 200
    due = {row["kind"]: row for row in response.json()}
    # Given with the program approved today (the patient's day): all three, none overdue.
    assert [row["kind"] for row in response.json()] == ["pain", "odi", "start_back"]
    assert due["odi"]["title"] == "Oswestry Disability Index"
    assert not due["odi"]["overdue"]
    assert len(due["odi"]["questions"]) == 10
    first = due["odi"]["questions"][0]
    assert first["name"] == "section_1"
    assert [c["value"] for c in first["choices"]] == [0, 1, 2, 3, 4, 5]
    assert [c["value"] for c in due["pain"]["questions"][0]["choices"]] == list(range(11))


def test_the_questions_in_russian(world):
    client = client_for(world, "owner_patient")
    response = client.get(DUE, headers={"accept-language": "ru"})
    due = {row["kind"]: row for row in response.json()}
    assert due["odi"]["title"] == "Индекс Освестри"
    assert due["start_back"]["questions"][8]["choices"][0]["label"] == "Совсем не беспокоила"


@pytest.mark.parametrize("actor", ["anonymous", "colleague", "clinician", "superuser"])
def test_only_patients_are_asked(world, actor):
    assert client_for(world, actor).get(DUE).status_code == (401 if actor == "anonymous" else 403)
    response = client_for(world, actor).post(
        ANSWER, {"kind": "pain", "client_key": "k", "answers": {"score": 3}}, format="json"
    )
    assert response.status_code == (401 if actor == "anonymous" else 403)
    assert not QuestionnaireAnswer.objects.exists()


def test_an_answer_is_an_assessment_and_a_resend_makes_no_second(world):
    client = client_for(world, "owner_patient")
    body = {"kind": "odi", "client_key": "phone-1", "answers": ODI}
    first = client.post(ANSWER, body, format="json")
    assert first.status_code == 201, first.content
    stored = OswestryAssessment.objects.get(patient=world.home)
    expected = scoring.odi_score([2] * 10)
    assert first.json() == {
        "id": stored.pk,
        "kind": "odi",
        "assessed_on": world.today.isoformat(),
        "score": expected.percent,
        "band": expected.band,
    }
    again = client.post(ANSWER, {**body, "answers": {**ODI, "section_1": 5}}, format="json")
    assert again.status_code == 200 and again.json() == first.json()
    assert OswestryAssessment.objects.filter(patient=world.home).count() == 1
    # Answered: no longer due.
    assert "odi" not in [row["kind"] for row in client.get(DUE).json()]


def test_another_patients_key_is_theirs_alone(world):
    body = {"kind": "pain", "client_key": "same-key", "answers": {"score": 3}}
    assert client_for(world, "owner_patient").post(ANSWER, body, format="json").status_code == 201
    other = client_for(world, "other_patient").post(ANSWER, body, format="json")
    assert other.status_code == 201
    assert PainAssessment.objects.get(patient=world.learner).score == 3
    assert QuestionnaireAnswer.objects.count() == 2


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"kind": "pain", "client_key": "k", "answers": {"score": 11}}, {"score"}),
        ({"kind": "pain", "client_key": "k", "answers": {}}, {"score"}),
        ({"kind": "pain", "client_key": "k", "answers": {"score": "much"}}, {"answers.score"}),
        ({"kind": "odi", "client_key": "k", "answers": {**ODI, "section_4": 6}}, {"section_4"}),
        ({"kind": "sf36", "client_key": "k", "answers": {}}, {"kind"}),
        ({"kind": "pain", "answers": {"score": 2}}, {"client_key"}),
        ({"kind": "pain", "client_key": "k" * 65, "answers": {"score": 2}}, {"client_key"}),
        ({"kind": "pain", "client_key": "k", "answers": [3]}, {"answers"}),
    ],
)
def test_bad_input_is_a_400_with_field_messages_and_writes_nothing(world, body, fields):
    response = client_for(world, "owner_patient").post(ANSWER, body, format="json")
    assert response.status_code == 400
    assert set(response.json()) == fields
    assert not QuestionnaireAnswer.objects.exists()
    assert not PainAssessment.objects.filter(patient=world.home).exists()


def test_a_questionnaire_not_due_is_refused(world):
    client = client_for(world, "owner_patient")
    body = {"kind": "pain", "client_key": "a", "answers": {"score": 3}}
    assert client.post(ANSWER, body, format="json").status_code == 201
    again = client.post(ANSWER, {**body, "client_key": "b"}, format="json")
    assert again.status_code == 400
    assert "kind" in again.json()
    assert PainAssessment.objects.filter(patient=world.home).count() == 1


def test_query_counts(world, django_assert_max_num_queries):
    client = client_for(world, "owner_patient")
    # The token with its user and patient, then the schedules with their latest answers.
    with django_assert_max_num_queries(3):
        assert client.get(DUE).status_code == 200
    body = {"kind": "odi", "client_key": "count", "answers": ODI}
    # Key lookup, what is due, then a savepoint with the assessment and its key.
    with django_assert_max_num_queries(8):
        assert client.post(ANSWER, body, format="json").status_code == 201
