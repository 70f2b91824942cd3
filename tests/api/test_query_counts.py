"""Reads cost a fixed number of queries, whatever the number of exercises or patients."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from exercises.models import Exercise
from notifications.models import Notification
from planner.models import ExerciseState, ProgramExercise
from rehab import services as rehab_services
from rehab.models import OswestryAssessment, PainAssessment
from tests.api.conftest import client_for, current_items, make_clinician, with_sciatica

V1 = "/api/v1"
# Each bound counts the token with its user and their patient or clinician record, then:
# today: nothing more when the same day was rendered before (the token's query reads the
# day's stamp, the view's read_with_token), else program, version, exercises, their
# translations (read in another language than English), logs and the clinician's contact (2);
# program: program, version, exercises, their translations (the same);
# patient list: count, page, then diagnoses, red flags and ODI scores for the whole page;
# notifications: count, page; marking them read: the update, the count still unread.
TODAY_QUERIES = 8
TODAY_CACHED_QUERIES = 1
PROGRAM_QUERIES = 5
PATIENT_LIST_QUERIES = 6
NOTIFICATIONS_QUERIES = 3
MARK_READ_QUERIES = 3


def add_mastered_exercises(program, count: int) -> None:
    """Grow the program's current version by `count` mastered exercises of the library."""
    items = current_items(program)
    version, start = items[0].version, program.start_date
    taken = {item.exercise_id for item in items}
    fresh = Exercise.objects.exclude(pk__in=taken).order_by("slug")[:count]
    ProgramExercise.objects.bulk_create(
        ProgramExercise(
            version=version,
            exercise=exercise,
            position=len(items) + n + 1,
            sets=exercise.default_sets,
            reps=exercise.default_reps,
            hold_s=exercise.default_hold_s,
            duration_s=exercise.default_duration_s,
            state=ExerciseState.MASTERED,
            mastered_on=start,
            explanation=[{"rule": "TEST", "text": "Added to measure queries."}],
        )
        for n, exercise in enumerate(fresh)
    )


def queries(client, url: str, **params) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(captured), response.json()


def test_today_costs_the_same_for_5_or_25_exercises(world, django_assert_max_num_queries):
    client = client_for(world, "owner_patient")
    few, before = queries(client, f"{V1}/today/")
    add_mastered_exercises(world.home_program, 20)
    with django_assert_max_num_queries(TODAY_QUERIES):
        many, after = queries(client, f"{V1}/today/")
    assert len(after["exercises"]) == len(before["exercises"]) + 20
    assert few == many


def test_today_unchanged_since_the_last_request_costs_one_query(
    world, django_assert_max_num_queries
):
    client = client_for(world, "owner_patient")
    _, first = queries(client, f"{V1}/today/")
    with django_assert_max_num_queries(TODAY_CACHED_QUERIES):
        _, again = queries(client, f"{V1}/today/")
    assert again == first


def test_the_program_costs_the_same_for_5_or_25_exercises(world, django_assert_max_num_queries):
    client = client_for(world, "owner_patient")
    few, before = queries(client, f"{V1}/program/")
    add_mastered_exercises(world.home_program, 20)
    with django_assert_max_num_queries(PROGRAM_QUERIES):
        many, after = queries(client, f"{V1}/program/")
    assert len(after["exercises"]) == len(before["exercises"]) + 20
    assert few == many


def add_patients(clinician, first: int, count: int) -> None:
    """Patients with a diagnosis, a comorbidity, a red flag, a pain score and an ODI each."""
    for n in range(first, first + count):
        patient = with_sciatica(clinician, f"Q{n:02}")
        rehab_services.patient_comorbidity_add(patient=patient, code="hypertension")
        rehab_services.red_flag_raise(patient=patient, code="night_pain")
        PainAssessment.objects.create(patient=patient, score=n % 11)
        OswestryAssessment.objects.create(
            patient=patient, **{f"section_{i}": n % 6 for i in range(1, 11)}
        )


def test_the_patient_list_costs_the_same_for_3_or_30_patients(world, django_assert_max_num_queries):
    cuddy = make_clinician("cuddy")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=cuddy.user).key}")
    add_patients(cuddy, 0, 3)
    with django_assert_max_num_queries(PATIENT_LIST_QUERIES):
        few, page = queries(client, f"{V1}/clinician/patients/")
    assert page["count"] == 3
    add_patients(cuddy, 3, 27)
    with django_assert_max_num_queries(PATIENT_LIST_QUERIES):
        many, page = queries(client, f"{V1}/clinician/patients/")
    assert page["count"] == 30 and all(row["active_red_flags"] for row in page["results"])
    assert few == many


def add_notifications(user, count: int) -> None:
    Notification.objects.bulk_create(
        Notification(user=user, title=f"Reminder {n}", body="Slow and steady.")
        for n in range(count)
    )


def test_notifications_cost_the_same_for_3_or_25(world, django_assert_max_num_queries):
    client = client_for(world, "owner_patient")
    user = world.home.user
    Notification.objects.filter(user=user).delete()
    add_notifications(user, 3)
    with django_assert_max_num_queries(NOTIFICATIONS_QUERIES):
        few, page = queries(client, f"{V1}/notifications/")
    assert page["count"] == 3
    add_notifications(user, 22)
    with django_assert_max_num_queries(NOTIFICATIONS_QUERIES):
        many, page = queries(client, f"{V1}/notifications/")
    assert len(page["results"]) == 25
    assert few == many


def test_marking_notifications_read_costs_the_same_for_3_or_25(
    world, django_assert_max_num_queries
):
    client = client_for(world, "owner_patient")
    user = world.home.user
    for count in (3, 25):
        add_notifications(user, count)
        newest = Notification.objects.filter(user=user).latest("pk").pk
        with django_assert_max_num_queries(MARK_READ_QUERIES):
            response = client.post(f"{V1}/notifications/read/", {"up_to": newest}, format="json")
        assert response.status_code == 200
        assert response.json()["unread"] == 0
