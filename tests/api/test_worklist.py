"""GET /api/v1/clinician/worklist/ and POST .../worklist/handled/: the clinician's patients
who need attention, with their reasons, and marking one handled (bad input: a 400 with
field messages, nothing written)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.dateparse import parse_datetime

from planner.models import WorklistKind, WorklistMark
from rehab import services as rehab_services
from tests.api.conftest import client_for, row_counts, with_sciatica

URL = "/api/v1/clinician/worklist/"
HANDLED = "/api/v1/clinician/worklist/handled/"


def reasons_by_patient(response) -> dict[int, dict[str, dict]]:
    return {
        row["patient"]["id"]: {reason["kind"]: reason for reason in row["reasons"]}
        for row in response.json()
    }


def test_the_clinicians_patients_with_their_reasons(world):
    response = client_for(world, "clinician").get(URL)
    assert response.status_code == 200
    rows = response.json()
    assert all(set(row) == {"patient", "reasons"} for row in rows)
    assert all(set(row["patient"]) == {"id", "name"} for row in rows)
    by_patient = reasons_by_patient(response)
    assert world.foreign.pk not in by_patient  # the colleague's patient
    waiting = by_patient[world.home.pk][WorklistKind.REVIEW_WAITING]
    assert set(waiting) == {"kind", "since", "detail", "link", "handled"}
    assert waiting["link"] == f"/admin/planner/reviewproposal/{world.review.pk}/change/"
    assert waiting["handled"] is None
    assert parse_datetime(waiting["since"]) == world.review.created_at
    assert by_patient[world.paused.patient_id][WorklistKind.PROGRAM_PAUSED]["detail"] == (
        "Paused: Flu; rest a week."
    )
    assert WorklistKind.DRAFT_WAITING in by_patient[world.drafted.patient_id]
    assert world.newcomer.pk not in by_patient  # nothing to do yet


def test_the_colleague_sees_only_his_own(world):
    by_patient = reasons_by_patient(client_for(world, "colleague").get(URL))
    assert set(by_patient) == {world.foreign.pk}


def test_marking_a_reason_handled_takes_it_off_the_list(world):
    client = client_for(world, "clinician")
    reason = reasons_by_patient(client.get(URL))[world.home.pk][WorklistKind.REVIEW_WAITING]
    body = {"patient": world.home.pk, "kind": reason["kind"], "since": reason["since"]}
    response = client.post(HANDLED, body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["by"] == "House Doctor"
    assert WorklistKind.REVIEW_WAITING not in reasons_by_patient(client.get(URL)).get(
        world.home.pk, {}
    )
    shown = reasons_by_patient(client.get(URL, {"handled": "true"}))[world.home.pk]
    assert shown[WorklistKind.REVIEW_WAITING]["handled"]["by"] == "House Doctor"


def home_reason(world):
    reasons = reasons_by_patient(client_for(world, "clinician").get(URL))[world.home.pk]
    return reasons[WorklistKind.REVIEW_WAITING]


@pytest.mark.parametrize(
    ("change", "fields"),
    [
        ({"kind": "not_a_reason"}, {"kind"}),
        ({"patient": "foreign"}, {"patient"}),  # the colleague's patient
        ({"patient": 0}, {"patient"}),
        ({"since": "yesterday"}, {"since"}),
        ({"since": "2020-01-01T00:00:00Z"}, {"since"}),  # not the reason's since
        ({"kind": None, "patient": None, "since": None}, {"kind", "patient", "since"}),
    ],
)
def test_bad_input_is_a_400_with_field_messages_and_writes_nothing(world, change, fields):
    reason = home_reason(world)
    body = {"patient": world.home.pk, "kind": reason["kind"], "since": reason["since"]}
    body.update(change)
    if body["patient"] == "foreign":
        body["patient"] = world.foreign.pk
    body = {key: value for key, value in body.items() if value is not None}
    before = row_counts()
    response = client_for(world, "clinician").post(HANDLED, body, format="json")
    assert response.status_code == 400
    assert set(response.json()) == fields
    assert row_counts() == before
    assert not WorklistMark.objects.exists()


def test_the_reason_of_another_clinicians_patient_cannot_be_marked(world):
    foreign = reasons_by_patient(client_for(world, "colleague").get(URL))[world.foreign.pk]
    reason = foreign[WorklistKind.REVIEW_WAITING]
    body = {"patient": world.foreign.pk, "kind": reason["kind"], "since": reason["since"]}
    response = client_for(world, "clinician").post(HANDLED, body, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"patient"}
    assert not WorklistMark.objects.exists()


def count_queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(URL).status_code == 200
    return len(captured)


def test_the_list_costs_the_same_for_more_patients(world, django_assert_max_num_queries):
    client = client_for(world, "clinician")
    before = count_queries(client)
    for index in range(10):
        patient = with_sciatica(world.clinician, f"Extra{index}")
        rehab_services.red_flag_raise(patient=patient, code="fever", noted_by=world.clinician.user)
        rehab_services.patient_invite_create(patient=patient, by=world.clinician.user)
    # The token with its user and clinician, then the worklist's ten and the
    # questionnaires' three.
    with django_assert_max_num_queries(before):
        response = client.get(URL)
    assert len(response.json()) >= 10
    assert before <= 14


def test_the_kinds_are_an_enum_in_the_schema(world):
    schema = client_for(world, "clinician").get("/api/schema/", {"format": "json"}).json()
    enum = schema["components"]["schemas"]["WorklistKindEnum"]["enum"]
    assert enum == list(WorklistKind.values)
    reason = schema["components"]["schemas"]["Reason"]["properties"]
    assert reason["kind"]["allOf"][0]["$ref"].endswith("/WorklistKindEnum")
