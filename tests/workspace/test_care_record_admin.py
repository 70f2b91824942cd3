"""The record of care in the admin: the patient's clinician reads it, nobody else does."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from planner import services
from rehab import services as rehab_services
from rehab.models import CareAction, CareRecordEntry, Patient, RedFlag
from tests.conftest import PASSWORD, make_patient, program_for
from tests.rehab.test_admin import add_form, login

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("library")]
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _frozen_clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def care_url(patient: Patient) -> str:
    return reverse("admin:rehab_patient_care_record", args=[patient.pk])


@pytest.fixture
def course(clinician) -> Patient:
    patient = make_patient(clinician, time_zone="America/Los_Angeles")
    rehab_services.patient_diagnosis_add(
        patient=patient, code="sciatica", side="left", stage="chronic"
    )
    program = program_for(patient, clinician)
    services.program_pause(program=program, by=clinician.user, reason="Flare-up, call Friday.")
    return patient


def test_the_owner_reads_who_did_what_newest_first(client, clinician, course):
    login(client, clinician.user)
    response = client.get(care_url(course))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Program paused" in html and "Flare-up, call Friday." in html
    assert "Owner Doctor" in html
    rows = response.context["rows"]
    assert rows[0]["what"] == "Program paused"  # the newest first
    assert {row["what"] for row in rows} >= {"Program drafted", "Program approved"}
    change = client.get(reverse("admin:rehab_patient_change", args=[course.pk]))
    assert care_url(course) in change.content.decode()  # linked from the patient page


def test_a_superuser_reads_it(admin_client, course):
    assert admin_client.get(care_url(course)).status_code == 200


@pytest.mark.parametrize("who", ["colleague", "outsider", "patient_user", "anonymous"])
def test_nobody_else_reads_it(client, colleague, outsider, course, who):
    if who == "colleague":
        login(client, colleague.user)
    elif who == "outsider":
        login(client, outsider)
    elif who == "patient_user":
        user = get_user_model().objects.create_user("pat", password=PASSWORD)
        course.user = user
        course.save()
        login(client, user)
    response = client.get(care_url(course))
    if who in ("colleague", "outsider"):
        assert response.status_code == 404
    else:  # not staff: the admin's sign-in page
        assert response.status_code == 302 and "/login/" in response["Location"]
    assert "Flare-up" not in response.content.decode()


def test_a_russian_speaking_clinician_reads_russian_labels(client, clinician, course):
    login(client, clinician.user)
    response = client.get(care_url(course), HTTP_ACCEPT_LANGUAGE="ru")
    html = response.content.decode()
    assert "Программа приостановлена" in html
    assert "Журнал лечения" in html


def test_the_list_costs_the_same_queries_however_long(
    client, clinician, course, django_assert_max_num_queries
):
    login(client, clinician.user)
    client.get(care_url(course))  # warm the session and the content types
    CareRecordEntry.objects.bulk_create(
        CareRecordEntry(
            patient=course,
            at=NOW - timedelta(minutes=i),
            actor=clinician.user,
            actor_kind="clinic",
            action=CareAction.PROGRAM_CHANGED,
            detail={"program": 1, "version": i, "note": "x", "diff": []},
        )
        for i in range(120)
    )
    with django_assert_max_num_queries(12):
        response = client.get(care_url(course) + "?page=2")
    assert response.status_code == 200
    assert len(response.context["rows"]) == 50
    assert "Page 2 of 3" in response.content.decode()


def test_a_record_edit_in_the_admin_shows_each_field_changed(client, clinician, course):
    login(client, clinician.user)
    url = reverse("admin:rehab_patient_change", args=[course.pk])
    data = add_form(clinician)
    data |= {
        "first_name": course.first_name,
        "last_name": course.last_name,
        "date_of_birth": course.date_of_birth.isoformat(),
        "weight_kg": "72.5",
        "height_cm": str(course.height_cm),
        "time_zone": course.time_zone,
        "reminder_time": "09:00",
        "language": "en",
        "sex": course.sex,
        "fitness_level": course.fitness_level,
        "red_flags-TOTAL_FORMS": "1",
        "red_flags-0-red_flag": str(RedFlag.objects.get(code="saddle_anesthesia").pk),
        "red_flags-0-status": "active",
        "red_flags-0-noted_at_0": timezone.localdate().isoformat(),
        "red_flags-0-noted_at_1": "09:00:00",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context.get("errors")
    changed = CareRecordEntry.objects.get(patient=course, action=CareAction.RECORD_CHANGED)
    assert changed.actor == clinician.user
    assert {"what": "record", "field": "weight (kg)", "old": "70.0", "new": "72.5"} in (
        changed.changes
    )
    flag = CareRecordEntry.objects.get(patient=course, action=CareAction.RED_FLAG_RECORDED)
    assert flag.actor == clinician.user and flag.detail["code"] == "saddle_anesthesia"
    html = client.get(care_url(course)).content.decode()
    assert "weight (kg)" in html and "72.5" in html
    assert course.history.latest().weight_kg == Decimal("72.5")
    assert course.history.latest().history_user == clinician.user


def test_the_patient_and_program_history_pages_answer_the_owner_only(
    client, clinician, colleague, course
):
    program = course.programs.get()
    login(client, clinician.user)
    for url in (
        reverse("admin:rehab_patient_history", args=[course.pk]),
        reverse("admin:planner_program_history", args=[program.pk]),
    ):
        assert client.get(url).status_code == 200
    client.logout()
    login(client, colleague.user)
    for url in (
        reverse("admin:rehab_patient_history", args=[course.pk]),
        reverse("admin:planner_program_history", args=[program.pk]),
    ):
        assert client.get(url).status_code in (302, 404)
