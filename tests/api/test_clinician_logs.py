"""GET /api/v1/clinician/patients/<id>/logs/: what a patient did at home, for their clinician.

Each entry carries the day (the patient's own), the exercise, what was done, the pain
during and after, how hard it felt and the patient's note for the clinic. The range is
the patient's last 28 days by default, at most 366; a bad one is a 400 with a message
for the field at fault. Only the patient's clinician (or a superuser) reads it.
"""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from planner import selectors, services
from rehab.models import Patient
from tests.api.conftest import client_for, current_items, with_sciatica
from tests.api.test_query_counts import add_mastered_exercises
from tests.conftest import log_home_days, start_program

V1 = "/api/v1"
# The token with its user and clinician record, the patient, the logs.
LOG_QUERIES = 4


def logs_url(patient: Patient) -> str:
    return f"{V1}/clinician/patients/{patient.pk}/logs/"


def log_today(patient: Patient, key: str, **entry: object) -> None:
    """The first exercise of the patient's home day logged, with `entry`'s values."""
    program = selectors.patient_current_program(patient=patient)
    day = selectors.patient_local_today(patient=patient)
    item = selectors.home_session_exercises(program=program, day=day)[0]
    values = {"done": True, "sets_done": item.sets, "reps_done": item.reps, **entry}
    services.session_log_record(
        patient=patient,
        day=day,
        client_key=key,
        entries=[services.LogEntry(item.exercise.slug, **values)],  # type: ignore[arg-type]
    )


def at_home(clinician, first_name: str, days_ago: int = 29, **extra: object) -> Patient:
    """A patient of `clinician` training at home since `days_ago` days before their today."""
    patient = with_sciatica(clinician, first_name, **extra)
    today = selectors.patient_local_today(patient=patient)
    start_program(patient, clinician.user, today - timedelta(days=days_ago), master=True)
    return patient


# -- who may read it ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actor", "expected"),
    [
        ("anonymous", 401),
        ("owner_patient", 403),  # the patient whose logs these are: not through this door
        ("other_patient", 403),
        ("colleague", 404),  # another clinician's patient does not exist for him
        ("clinician", 200),
        ("superuser", 200),
    ],
)
def test_only_the_patients_clinician_or_a_superuser_reads_the_logs(
    world, as_actor, actor, expected
):
    log_today(world.home, "who-reads", note="Only my doctor should read this.")
    response = as_actor(actor).get(logs_url(world.home))
    assert response.status_code == expected
    assert ("Only my doctor" in response.content.decode()) == (expected == 200)


def test_a_colleague_is_told_nothing_even_about_a_bad_range(world, as_actor):
    response = as_actor("colleague").get(logs_url(world.home), {"from": "not-a-day"})
    assert response.status_code == 404


def test_an_unknown_patient_is_a_404(world, as_actor):
    assert as_actor("clinician").get(f"{V1}/clinician/patients/999999/logs/").status_code == 404


# -- what it shows --------------------------------------------------------------------------------


def test_the_clinician_reads_each_entry_with_pain_effort_and_the_patients_note(world, as_actor):
    log_today(
        world.home,
        "with-note",
        pain_during=3,
        pain_after=5,
        difficulty="hard",
        note="Sharp pain down the left leg on the second set.",
    )
    body = as_actor("clinician").get(logs_url(world.home)).json()
    today = world.today
    assert body["patient"] == {
        "id": world.home.pk,
        "name": "Homer Ient",
        "time_zone": "Europe/Moscow",
    }
    assert body["from"] == (today - timedelta(days=27)).isoformat()
    assert body["to"] == today.isoformat()
    newest = body["days"][0]
    assert newest["day"] == today.isoformat()
    [entry] = newest["entries"]
    item = current_items(world.home_program)[0]
    assert entry["exercise"] == {"slug": item.exercise.slug, "name": item.exercise.name}
    assert entry["program"] == world.home_program.pk and entry["day"] == today.isoformat()
    assert (entry["done"], entry["sets_done"], entry["reps_done"]) == (True, item.sets, item.reps)
    assert (entry["pain_during"], entry["pain_after"], entry["difficulty"]) == (3, 5, "hard")
    assert entry["note"] == "Sharp pain down the left leg on the second set."
    assert entry["logged_at"].startswith("2026-11-25T")


def test_days_come_newest_first_with_every_logged_exercise(world, as_actor):
    # The clinic's Homer logged the whole first week of home training (ten days ago on).
    start = world.home_program.start_date
    body = as_actor("clinician").get(logs_url(world.home)).json()
    days = [day["day"] for day in body["days"]]
    assert days == [(start + timedelta(days=n)).isoformat() for n in range(6, -1, -1)]
    exercises = [entry["exercise"]["slug"] for entry in body["days"][0]["entries"]]
    home = selectors.home_session_exercises(program=world.home_program, day=start + timedelta(6))
    assert exercises == [item.exercise.slug for item in home]
    assert all(
        entry["pain_during"] == 1 and entry["note"] == ""
        for day in body["days"]
        for entry in day["entries"]
    )


def test_a_range_shows_only_its_days(world, as_actor):
    start = world.home_program.start_date
    query = {"from": (start + timedelta(1)).isoformat(), "to": (start + timedelta(2)).isoformat()}
    body = as_actor("clinician").get(logs_url(world.home), query).json()
    assert (body["from"], body["to"]) == (query["from"], query["to"])
    assert [day["day"] for day in body["days"]] == [query["to"], query["from"]]


def test_a_patient_with_no_logs_has_no_days(world, as_actor):
    body = as_actor("clinician").get(logs_url(world.newcomer)).json()
    assert body["days"] == [] and body["to"] == world.today.isoformat()


def test_a_russian_note_comes_back_as_the_patient_wrote_it(world, as_actor):
    patient = at_home(world.clinician, "Ольга", time_zone="Europe/Moscow")
    patient.language = "ru"
    patient.save(update_fields=["language"])
    note = "Тянуло в пояснице после второго подхода, «мостик» не доделала — ёлки-палки!"
    log_today(patient, "ru-note", pain_during=4, note=note)
    response = client_for(world, "clinician").get(logs_url(patient))
    assert response["Content-Type"].startswith("application/json")
    [day] = response.json()["days"]
    assert day["entries"][0]["note"] == note
    assert note.encode() in response.content  # UTF-8 as it is, not escaped


# -- the patient's days, on both sides of UTC ------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "local_today"),
    [
        # At 12:00 UTC on 25 November it is 04:00 that day in Los Angeles and already
        # 01:00 on the 26th in Auckland (daylight time, UTC+13).
        ("America/Los_Angeles", date(2026, 11, 25)),
        ("Pacific/Auckland", date(2026, 11, 26)),
    ],
)
def test_the_default_range_ends_on_the_patients_own_today(world, as_actor, zone, local_today):
    with time_machine.travel(datetime(2026, 11, 25, 12, 0, tzinfo=UTC), tick=False):
        patient = at_home(world.clinician, "Zoe", time_zone=zone)
        program = selectors.patient_current_program(patient=patient)
        assert selectors.patient_local_today(patient=patient) == local_today
        oldest = local_today - timedelta(days=28)  # one day before the default range
        log_home_days(program, oldest, 1, pain=2)
        log_today(patient, f"tz-{zone}", pain_during=6, note=f"Today in {zone}")
        body = as_actor("clinician").get(logs_url(patient)).json()
        assert body["to"] == local_today.isoformat()
        assert body["from"] == (local_today - timedelta(days=27)).isoformat()
        assert [day["day"] for day in body["days"]] == [local_today.isoformat()]
        assert body["days"][0]["entries"][0]["note"] == f"Today in {zone}"
        wider = as_actor("clinician").get(logs_url(patient), {"from": oldest.isoformat()})
        assert [day["day"] for day in wider.json()["days"]] == [
            local_today.isoformat(),
            oldest.isoformat(),
        ]


def test_only_to_given_shows_the_28_days_up_to_it(world, as_actor):
    body = as_actor("clinician").get(logs_url(world.home), {"to": "2026-01-31"}).json()
    assert (body["from"], body["to"], body["days"]) == ("2026-01-04", "2026-01-31", [])


def test_a_whole_year_of_366_days_is_allowed(world, as_actor):
    query = {"from": "2025-11-26", "to": "2026-11-26"}
    response = as_actor("clinician").get(logs_url(world.home), query)
    assert response.status_code == 200 and len(response.json()["days"]) == 7


# -- bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "field", "words"),
    [
        ({"from": "2026-13-01"}, "from", "wrong format"),
        ({"from": "2026-02-30"}, "from", "wrong format"),
        ({"to": "yesterday"}, "to", "wrong format"),
        ({"to": "25.11.2026"}, "to", "wrong format"),
        ({"to": "10000-01-01"}, "to", "wrong format"),
        ({"from": "0001-01-01"}, "from", "from 2000-01-01 to"),
        ({"to": "0001-01-01"}, "to", "from 2000-01-01 to"),
        ({"from": "1999-12-31"}, "from", "from 2000-01-01 to"),
        ({"to": "9999-12-31"}, "to", "from 2000-01-01 to"),
        ({"from": "2026-11-20", "to": "2026-11-10"}, "from", "comes after the last day"),
        ({"from": "2026-12-01"}, "from", "comes after the last day, 2026-11-25"),
        ({"from": "2025-11-24", "to": "2026-11-25"}, "from", "At most 366 days"),
        ({"from": "2000-01-01"}, "from", "At most 366 days"),
    ],
)
def test_a_bad_range_is_a_400_with_a_message_for_its_field(world, as_actor, query, field, words):
    response = as_actor("clinician").get(logs_url(world.home), query)
    assert response.status_code == 400
    body = response.json()
    assert list(body) == [field], body
    assert words in body[field][0]


def test_both_days_wrong_name_both_fields(world, as_actor):
    response = as_actor("clinician").get(logs_url(world.home), {"from": "x", "to": "1900-01-01"})
    assert response.status_code == 400 and set(response.json()) == {"from"}
    response = as_actor("clinician").get(
        logs_url(world.home), {"from": "1900-01-01", "to": "1900-01-02"}
    )
    assert response.status_code == 400 and set(response.json()) == {"from", "to"}


# -- cost -----------------------------------------------------------------------------------------


def test_the_logs_cost_the_same_queries_for_a_week_or_a_month_of_many_exercises(
    world, django_assert_max_num_queries
):
    client = client_for(world, "clinician")
    with CaptureQueriesContext(connection) as week:
        response = client.get(logs_url(world.home))
    assert response.status_code == 200 and len(response.json()["days"]) == 7
    patient = at_home(world.clinician, "Mona", days_ago=30)
    program = selectors.patient_current_program(patient=patient)
    add_mastered_exercises(program, 6)
    log_home_days(program, program.start_date, 30)
    with django_assert_max_num_queries(LOG_QUERIES):
        response = client.get(logs_url(patient), {"from": program.start_date.isoformat()})
    days = response.json()["days"]
    assert len(days) == 30 and all(len(day["entries"]) > 6 for day in days)
    assert len(week) <= LOG_QUERIES
