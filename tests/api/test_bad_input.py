"""Bad input is a 400 (or a JSON 404), never a 500, and writes nothing: bodies nested 50,000
deep or not JSON at every endpoint that reads one, impossible program dates, days out of the
calendar, and paths under /api/ that no view answers."""

from datetime import date

import pytest
from django.test import Client

from planner.models import Program, ProgramStatus
from tests.api.conftest import Clinic, client_for, row_counts

DEEP = "[" * 50_000 + "]" * 50_000
NOT_UTF8 = b'{"reason": "\xff\xfe"}'


def body_endpoints(world: Clinic) -> list[tuple[str, str, str]]:
    """Every operation that reads a JSON body: (actor allowed to reach it, method, path)."""
    return [
        ("anonymous", "post", "/api/v1/auth/token/"),
        ("owner_patient", "post", "/api/v1/session-logs/"),
        ("owner_patient", "post", "/api/v1/symptom-reports/"),
        ("owner_patient", "patch", "/api/v1/reminder-preferences/"),
        ("owner_patient", "post", "/api/v1/push-subscriptions/"),
        ("owner_patient", "post", "/api/v1/notifications/read/"),
        ("clinician", "post", f"/api/v1/clinician/patients/{world.newcomer.pk}/programs/"),
        ("clinician", "post", f"/api/v1/clinician/programs/{world.home_program.pk}/pause/"),
        ("clinician", "post", f"/api/v1/clinician/supervised-sessions/{world.session.pk}/record/"),
        ("clinician", "post", "/api/v1/clinician/worklist/handled/"),
    ]


def send(world: Clinic, actor: str, method: str, path: str, body: bytes | str):
    client = client_for(world, actor)
    return getattr(client, method)(
        path, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="bad-input-1"
    )


@pytest.mark.parametrize(
    "body, message",
    [
        (DEEP, "The JSON nests deeper than 64 levels."),
        ('{"a": ' * 65 + "1" + "}" * 65, "The JSON nests deeper than 64 levels."),
        ("{not json", "The body is not valid JSON: "),
        (NOT_UTF8, "The body is not UTF-8 text."),
        ('{"reason": NaN}', "The body is not valid JSON: NaN is not a JSON number"),
    ],
    ids=["50000-deep", "65-deep", "garbage", "not-utf8", "nan"],
)
def test_a_body_that_is_not_acceptable_json_is_a_400_in_the_field_format(world, body, message):
    before = row_counts()
    for actor, method, path in body_endpoints(world):
        response = send(world, actor, method, path, body)
        assert response.status_code == 400, (path, response.content[:200])
        data = response.json()
        assert list(data) == ["non_field_errors"], path
        assert data["non_field_errors"][0].startswith(message), (path, data)
    assert row_counts() == before


def test_nesting_within_the_limit_is_read_and_judged_by_the_serializer(world):
    response = send(
        world,
        "clinician",
        "post",
        f"/api/v1/clinician/programs/{world.home_program.pk}/pause/",
        '{"reason": ' + "[" * 60 + "]" * 60 + "}",
    )
    assert response.status_code == 400
    assert "reason" in response.json()


@pytest.mark.parametrize("start", ["9999-12-25", "0001-01-01", "2020-01-01"])
def test_a_program_out_of_the_start_window_is_a_400_and_writes_nothing(world, start):
    before = row_counts()
    response = client_for(world, "clinician").post(
        f"/api/v1/clinician/patients/{world.newcomer.pk}/programs/",
        {"start_date": start},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["start_date"]
    assert response.json()["start_date"][0].startswith("A program starts between ")
    assert row_counts() == before


def test_approving_a_draft_with_an_impossible_start_is_a_400_and_writes_nothing(world):
    Program.objects.filter(pk=world.drafted.pk).update(start_date=date(9999, 12, 25))
    before = row_counts()
    response = client_for(world, "clinician").post(
        f"/api/v1/clinician/programs/{world.drafted.pk}/approve/"
    )
    assert response.status_code == 400
    assert response.json()["start_date"][0].startswith("Not approved: a program cannot start")
    assert row_counts() == before
    assert Program.objects.get(pk=world.drafted.pk).status == ProgramStatus.DRAFT


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_day_at_the_ends_of_the_calendar_is_an_empty_day_not_a_500(world, day):
    client = client_for(world, "owner_patient")
    assert client.get(f"/api/v1/sessions/{day}/").status_code == 200
    listing = client.get("/api/v1/sessions/", {"from": day, "to": day})
    assert listing.status_code == 200 and listing.json() == {"days": []}


@pytest.mark.parametrize("day", ["2026-13-01", "2026-02-30", "abc", "99999-01-01"])
def test_a_day_not_in_the_calendar_is_a_400(world, day):
    client = client_for(world, "owner_patient")
    assert list(client.get(f"/api/v1/sessions/{day}/").json()) == ["day"]
    listing = client.get("/api/v1/sessions/", {"from": day})
    assert listing.status_code == 400 and list(listing.json()) == ["from"]


@pytest.mark.parametrize("actor", ["anonymous", "owner_patient", "clinician"])
def test_an_unmatched_api_path_is_a_json_404(world, actor):
    for path in ("/api/v1/nothing-here/", "/api/v2/today/", "/api/v1/clinician/patients/x/"):
        response = client_for(world, actor).get(path)
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
        assert response.json() == {"detail": "Not found."}


def test_an_unmatched_path_elsewhere_is_the_sites_html_page(db):
    response = Client().get("/nothing-here/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
