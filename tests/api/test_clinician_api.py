"""The clinician's endpoints: the patient list and chart, programs from draft to pause,
clinic sessions, weekly reviews, and the exercise library."""

from datetime import timedelta
from decimal import Decimal

import pytest

from planner.models import (
    ExerciseState,
    Program,
    ProgramExercise,
    ReviewStatus,
    SupervisedExerciseRecord,
    SupervisedSession,
)
from rehab import services as rehab_services
from rehab.models import OswestryAssessment, PainAssessment, Patient
from tests.api.conftest import current_items, row_counts

V1 = "/api/v1"
HOUSE_PATIENTS = ["Dora Ient", "Homer Ient", "Lena Ient", "Nina Ient", "Paul Ient"]


def names(page: dict) -> list[str]:
    return [row["name"] for row in page["results"]]


# -- the patient list ---------------------------------------------------------------------------


def test_clinicians_see_only_their_own_patients_and_the_superuser_sees_all(world, as_actor):
    assert names(as_actor("clinician").get(f"{V1}/clinician/patients/").json()) == HOUSE_PATIENTS
    assert names(as_actor("colleague").get(f"{V1}/clinician/patients/").json()) == ["Fiona Ient"]
    everyone = as_actor("superuser").get(f"{V1}/clinician/patients/").json()
    assert sorted(names(everyone)) == sorted([*HOUSE_PATIENTS, "Fiona Ient"])


def test_a_row_shows_age_diagnoses_red_flags_latest_pain_and_program_status(world, as_actor):
    rehab_services.red_flag_raise(patient=world.home, code="night_pain")
    PainAssessment.objects.create(patient=world.home, score=4, assessed_on=world.today)
    rows = as_actor("clinician").get(f"{V1}/clinician/patients/").json()["results"]
    homer = next(row for row in rows if row["id"] == world.home.pk)
    assert homer["age"] == world.home.age()
    assert homer["diagnoses"] == [
        {"code": "sciatica", "name": "Sciatica", "side": "left", "stage": "subacute"}
    ]
    assert [(f["code"], f["same_day"]) for f in homer["active_red_flags"]] == [
        ("night_pain", False)
    ]
    assert homer["latest_pain"] == 4 and homer["program_status"] == "active"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"search": "hom"}, ["Homer Ient"]),
        ({"search": "IENT homer"}, ["Homer Ient"]),
        ({"search": "nobody"}, []),
        ({"diagnosis": "sciatica"}, HOUSE_PATIENTS),
        ({"diagnosis": "osteochondrosis"}, ["Nina Ient"]),
        ({"red_flag": "true"}, ["Nina Ient"]),
        ({"red_flag": "false"}, ["Dora Ient", "Homer Ient", "Lena Ient", "Paul Ient"]),
        ({"program_status": "draft"}, ["Dora Ient"]),
        ({"program_status": "active"}, ["Homer Ient", "Lena Ient"]),
        ({"program_status": "paused"}, ["Paul Ient"]),
        ({"program_status": "completed"}, []),
        ({"program_status": "none"}, ["Nina Ient"]),
        ({"program_status": "none", "red_flag": "true", "search": "nina"}, ["Nina Ient"]),
    ],
)
def test_the_list_filters_by_name_diagnosis_red_flag_and_program(world, as_actor, query, expected):
    rehab_services.patient_diagnosis_add(
        patient=world.newcomer, code="osteochondrosis", side="bilateral", stage="chronic"
    )
    rehab_services.red_flag_raise(patient=world.newcomer, code="fever")
    page = as_actor("clinician").get(f"{V1}/clinician/patients/", query).json()
    assert names(page) == expected and page["count"] == len(expected)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"program_status": "archived"}, "program_status"),
        ({"red_flag": "maybe"}, "red_flag"),
        ({"diagnosis": "not a slug!"}, "diagnosis"),
    ],
)
def test_a_bad_filter_is_refused_by_field(world, as_actor, query, field):
    response = as_actor("clinician").get(f"{V1}/clinician/patients/", query)
    assert response.status_code == 400 and list(response.json()) == [field]


def test_the_list_comes_25_a_page_and_page_size_goes_up_to_100(world, as_actor):
    Patient.objects.bulk_create(
        Patient(
            clinician=world.clinician,
            first_name=f"Extra{n:03}",
            last_name="Zed",
            date_of_birth=world.today - timedelta(days=365 * 50),
            sex="male",
            height_cm=180,
            weight_kg=Decimal("80.0"),
        )
        for n in range(120)
    )
    client = as_actor("clinician")
    first = client.get(f"{V1}/clinician/patients/").json()
    assert first["count"] == 125 and len(first["results"]) == 25 and first["previous"] is None
    assert first["next"].endswith("/api/v1/clinician/patients/?page=2")
    assert len(client.get(f"{V1}/clinician/patients/", {"page_size": 10}).json()["results"]) == 10
    assert len(client.get(f"{V1}/clinician/patients/", {"page_size": 500}).json()["results"]) == 100
    last = client.get(f"{V1}/clinician/patients/", {"page": 5}).json()
    assert len(last["results"]) == 25 and last["next"] is None
    assert client.get(f"{V1}/clinician/patients/", {"page": 6}).status_code == 404


def test_the_chart_adds_comorbidities_the_latest_odi_and_the_current_program(world, as_actor):
    rehab_services.patient_comorbidity_add(patient=world.home, code="hypertension")
    sections = {f"section_{i}": 2 for i in range(1, 11)}  # 20 of 50: 40 %
    OswestryAssessment.objects.create(
        patient=world.home,
        assessed_on=world.today - timedelta(days=30),
        **{**sections, "section_1": 5},
    )
    OswestryAssessment.objects.create(patient=world.home, assessed_on=world.today, **sections)
    chart = as_actor("clinician").get(f"{V1}/clinician/patients/{world.home.pk}/").json()
    assert chart["name"] == "Homer Ient" and chart["time_zone"] == "Europe/Moscow"
    assert [c["code"] for c in chart["comorbidities"]] == ["hypertension"]
    assert chart["latest_odi"] == {
        "assessed_on": world.today.isoformat(),
        "percent": 40,
        "band": "moderate",
    }
    program = Program.objects.get(pk=world.home_program.pk)
    assert chart["program"] == {
        "id": program.pk,
        "status": "active",
        "start_date": program.start_date.isoformat(),
        "end_date": program.end_date.isoformat(),
        "version": 1,
        "home_started_on": program.home_started_on.isoformat(),
        "paused_reason": "",
        "progression_paused_reason": "",
    }


def test_a_chart_without_scores_or_program_says_so(world, as_actor):
    chart = as_actor("clinician").get(f"{V1}/clinician/patients/{world.newcomer.pk}/").json()
    assert (chart["latest_odi"], chart["program"], chart["latest_pain"]) == (None, None, None)


def test_an_unknown_patient_is_a_404(world, as_actor):
    assert as_actor("superuser").get(f"{V1}/clinician/patients/999999/").status_code == 404


# -- programs -----------------------------------------------------------------------------------


def test_generating_makes_an_explained_draft_with_its_settings(world, as_actor):
    response = as_actor("clinician").post(
        f"{V1}/clinician/patients/{world.newcomer.pk}/programs/",
        {"start_date": world.today.isoformat(), "weeks": 8, "supervised_per_week": 2},
    )
    assert response.status_code == 201
    draft = response.json()
    assert draft["status"] == "draft" and draft["patient"]["id"] == world.newcomer.pk
    assert (draft["weeks"], draft["supervised_per_week"], draft["supervised_course_length"]) == (
        8,
        2,
        10,
    )
    assert draft["version"]["number"] == 1 and draft["version"]["plan_status"] == "ok"
    assert 3 <= len(draft["exercises"]) <= 6
    assert {e["state"] for e in draft["exercises"]} == {"supervised"}
    assert all(e["explanation"][0]["rule"] == "INDICATION" for e in draft["exercises"])
    assert Program.objects.get(pk=draft["id"]).created_by == world.clinician.user


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"weeks": 30}, "weeks"),
        ({"weeks": "six"}, "weeks"),
        ({"supervised_per_week": 5}, "supervised_per_week"),
        ({"supervised_course_length": 20}, "supervised_course_length"),
        ({"start_date": "someday"}, "start_date"),
    ],
)
def test_bad_program_settings_are_refused_and_nothing_is_written(world, as_actor, body, field):
    before = row_counts()
    response = as_actor("clinician").post(
        f"{V1}/clinician/patients/{world.newcomer.pk}/programs/", body
    )
    assert response.status_code == 400 and field in response.json(), response.json()
    assert row_counts() == before


@pytest.mark.parametrize(
    ("who", "message"),
    [("flagged", "red flag"), ("home", "already has an open program")],
)
def test_no_program_for_a_red_flag_or_a_second_open_one(world, as_actor, who, message):
    patient = world.home
    if who == "flagged":
        patient = world.newcomer
        rehab_services.red_flag_raise(patient=patient, code="saddle_anesthesia")
    before = row_counts()
    response = as_actor("clinician").post(f"{V1}/clinician/patients/{patient.pk}/programs/", {})
    assert response.status_code == 400
    assert message in " ".join(response.json()["patient"])
    assert row_counts() == before


def test_a_program_reads_with_its_current_version_and_exercise_ids(world, as_actor):
    program = as_actor("clinician").get(f"{V1}/clinician/programs/{world.home_program.pk}/").json()
    items = current_items(world.home_program)
    assert [e["id"] for e in program["exercises"]] == [i.pk for i in items]
    assert {e["state"] for e in program["exercises"]} == {"mastered"}
    assert program["version"]["diff"]


def test_approving_a_draft_makes_it_active_with_its_schedule(world, as_actor):
    response = as_actor("clinician").post(f"{V1}/clinician/programs/{world.drafted.pk}/approve/")
    assert response.status_code == 200 and response.json()["status"] == "active"
    program = Program.objects.get(pk=world.drafted.pk)
    assert program.approved_by == world.clinician.user
    assert program.home_sessions.count() == 42 and program.supervised_sessions.count() == 10


def test_approving_twice_is_refused_and_changes_nothing(world, as_actor):
    before = row_counts()
    response = as_actor("clinician").post(
        f"{V1}/clinician/programs/{world.home_program.pk}/approve/"
    )
    assert response.status_code == 400 and "Only a draft" in response.json()["status"][0]
    assert row_counts() == before


def test_pausing_says_why_and_resuming_clears_it(world, as_actor):
    client = as_actor("clinician")
    url = f"{V1}/clinician/programs/{world.home_program.pk}"
    paused = client.post(f"{url}/pause/", {"reason": "Knee surgery next week."}).json()
    assert (paused["status"], paused["paused_reason"]) == ("paused", "Knee surgery next week.")
    resumed = client.post(f"{url}/resume/").json()
    assert (resumed["status"], resumed["paused_reason"]) == ("active", "")


def test_resuming_under_an_active_red_flag_is_refused_and_changes_nothing(world, as_actor):
    from rehab import services as rehab_services

    client = as_actor("clinician")
    url = f"{V1}/clinician/programs/{world.paused.pk}"
    rehab_services.red_flag_raise(patient=world.paused.patient, code="fever")
    before = list(Program.objects.order_by("pk").values())
    response = client.post(f"{url}/resume/")
    assert response.status_code == 400
    assert "red flag" in response.json()["status"][0]
    assert list(Program.objects.order_by("pk").values()) == before


@pytest.mark.parametrize(
    ("action", "program", "body", "field"),
    [
        ("pause", "home_program", {}, "reason"),
        ("pause", "home_program", {"reason": "   "}, "reason"),
        ("pause", "paused", {"reason": "again"}, "status"),
        ("resume", "home_program", None, "status"),
        ("approve", "paused", None, "status"),
    ],
)
def test_status_changes_out_of_turn_are_refused(world, as_actor, action, program, body, field):
    pk = getattr(world, program).pk
    before = list(Program.objects.order_by("pk").values())
    response = as_actor("clinician").post(f"{V1}/clinician/programs/{pk}/{action}/", body)
    assert response.status_code == 400 and list(response.json()) == [field]
    assert list(Program.objects.order_by("pk").values()) == before


# -- clinic sessions ----------------------------------------------------------------------------


def test_a_program_lists_its_clinic_sessions(world, as_actor):
    url = f"{V1}/clinician/programs/{world.learner_program.pk}/supervised-sessions/"
    sessions = as_actor("clinician").get(url).json()
    assert [s["number"] for s in sessions] == list(range(1, 11))
    assert {s["status"] for s in sessions} == {"planned"} and sessions[0]["records"] == []


def test_recording_a_session_rates_technique_adjusts_doses_and_signs_off_mastery(world, as_actor):
    items = current_items(world.learner_program)
    timed = next((i for i in items if i.duration_s), None)
    counted = next(i for i in items if i.reps)
    entries = [{"program_exercise": counted.pk, "technique": 5, "mastered": True, "note": "neat"}]
    if timed is not None:
        dose = {"sets": timed.sets, "duration_s": timed.duration_s}
        entries.append({"program_exercise": timed.pk, "technique": 3, "dose": dose})
    response = as_actor("clinician").post(
        f"{V1}/clinician/supervised-sessions/{world.session.pk}/record/",
        {"entries": entries, "note": "Good first session."},
    )
    assert response.status_code == 200, response.json()
    session = response.json()
    assert session["status"] == "done" and session["note"] == "Good first session."
    first = next(r for r in session["records"] if r["program_exercise"] == counted.pk)
    assert (first["technique"], first["mastered"], first["note"]) == (5, True, "neat")
    mastered = ProgramExercise.objects.get(pk=counted.pk)
    assert mastered.state == ExerciseState.MASTERED and mastered.mastered_by == world.clinician.user


@pytest.mark.parametrize(
    ("entry", "field"),
    [
        ({"technique": 9}, "entries[0]"),
        ({"technique": "good"}, "entries[0].technique"),
        ({"program_exercise": 999999}, "entries[0]"),
        ({"swap_to_easier": True, "mastered": True}, "entries[0]"),
        ({"dose": {"sets": 0, "reps": 5}}, "entries[0]"),
        ({"dose": {"reps": 5}}, "entries[0].dose.sets"),
    ],
)
def test_a_bad_session_record_is_refused_and_nothing_is_written(world, as_actor, entry, field):
    item = current_items(world.learner_program)[0]
    before = row_counts()
    response = as_actor("clinician").post(
        f"{V1}/clinician/supervised-sessions/{world.session.pk}/record/",
        {"entries": [{"program_exercise": item.pk, "technique": 4, **entry}]},
    )
    assert response.status_code == 400 and field in response.json(), response.json()
    assert row_counts() == before
    assert SupervisedSession.objects.get(pk=world.session.pk).status == "planned"


def test_an_exercise_of_another_program_cannot_be_recorded(world, as_actor):
    foreign_item = current_items(world.home_program)[0]
    response = as_actor("clinician").post(
        f"{V1}/clinician/supervised-sessions/{world.session.pk}/record/",
        {"entries": [{"program_exercise": foreign_item.pk, "technique": 4}]},
    )
    assert response.status_code == 400 and "entries[0]" in response.json()
    assert SupervisedExerciseRecord.objects.count() == 0


def test_a_session_is_recorded_once(world, as_actor):
    item = current_items(world.learner_program)[0]
    url = f"{V1}/clinician/supervised-sessions/{world.session.pk}/record/"
    body = {"entries": [{"program_exercise": item.pk, "technique": 4}]}
    assert as_actor("clinician").post(url, body).status_code == 200
    before = row_counts()
    again = as_actor("clinician").post(url, body)
    assert again.status_code == 400 and "already done" in again.json()["session"][0]
    assert row_counts() == before


# -- weekly reviews -----------------------------------------------------------------------------


def test_pending_reviews_are_listed_for_their_clinician(world, as_actor):
    page = as_actor("clinician").get(f"{V1}/clinician/reviews/", {"status": "pending"}).json()
    assert [r["id"] for r in page["results"]] == [world.review.pk]
    review = page["results"][0]
    assert review["patient"] == {"id": world.home.pk, "name": "Homer Ient"}
    assert review["week_start"] == world.home_program.start_date.isoformat()
    assert (
        review["items"] and {"action", "current_dose", "proposed_dose"} <= review["items"][0].keys()
    )
    everyone = as_actor("superuser").get(f"{V1}/clinician/reviews/").json()
    assert {r["id"] for r in everyone["results"]} == {world.review.pk, world.foreign_review.pk}
    decided = as_actor("clinician").get(f"{V1}/clinician/reviews/", {"status": "approved"}).json()
    assert decided["count"] == 0


def test_approving_a_review_applies_it_and_a_second_decision_is_refused(world, as_actor):
    client = as_actor("clinician")
    approved = client.post(f"{V1}/clinician/reviews/{world.review.pk}/approve/").json()
    assert approved["status"] == "approved" and approved["decided_at"]
    changes = [i for i in approved["items"] if i["action"] in ("progress", "step_back")]
    version = Program.objects.get(pk=world.home_program.pk).versions.count()
    assert version == (2 if changes else 1)
    before = row_counts()
    for decision in ("approve", "reject"):
        again = client.post(f"{V1}/clinician/reviews/{world.review.pk}/{decision}/")
        assert again.status_code == 400 and "already approved" in again.json()["status"][0]
    assert row_counts() == before


def test_rejecting_a_review_leaves_the_program_as_it_is(world, as_actor):
    rejected = as_actor("clinician").post(f"{V1}/clinician/reviews/{world.review.pk}/reject/")
    assert rejected.json()["status"] == ReviewStatus.REJECTED
    assert Program.objects.get(pk=world.home_program.pk).versions.count() == 1


def test_a_bad_review_filter_is_refused(world, as_actor):
    response = as_actor("clinician").get(f"{V1}/clinician/reviews/", {"status": "lost"})
    assert response.status_code == 400 and list(response.json()) == ["status"]


# -- the exercise library -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "check"),
    [
        ({"category": "neural_mobilisation"}, lambda e: e["category"] == "neural_mobilisation"),
        ({"difficulty": 1}, lambda e: e["difficulty"] == 1),
        ({"tag": "prone"}, lambda e: "prone" in e["movement_tags"]),
        (
            {"category": "stretching", "difficulty": 2},
            lambda e: (e["category"], e["difficulty"]) == ("stretching", 2),
        ),
    ],
)
def test_the_library_filters_by_category_difficulty_and_tag(world, as_actor, query, check):
    page = as_actor("clinician").get(f"{V1}/exercises/", {**query, "page_size": 100}).json()
    assert page["results"] and all(check(e) for e in page["results"])
    assert page["count"] < 75


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"category": "yoga"}, "category"),
        ({"difficulty": 9}, "difficulty"),
        ({"tag": "a b"}, "tag"),
    ],
)
def test_a_bad_library_filter_is_refused(world, as_actor, query, field):
    response = as_actor("clinician").get(f"{V1}/exercises/", query)
    assert response.status_code == 400 and list(response.json()) == [field]


def test_an_exercise_reads_with_steps_safety_dose_bounds_and_variants(world, as_actor):
    exercise = as_actor("clinician").get(f"{V1}/exercises/cat-camel/").json()
    assert exercise["slug"] == "cat-camel" and exercise["steps"] and exercise["safety"]
    assert exercise["dose_bounds"]["sets"]["min"] >= 1
    assert exercise["illustrations"][0] == "/app/exercises/cat-camel/start.svg"
    assert as_actor("clinician").get(f"{V1}/exercises/no-such-thing/").status_code == 404
