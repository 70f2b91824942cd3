"""The patient list's record actions in the admin: export one patient's data, erase after a
confirmation page, and delete with everything of theirs; only the patient's own clinician or
an administrator, and a refused request changes nothing."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from notifications import records
from planner.models import ExerciseLog
from rehab.models import Patient
from tests.conftest import PASSWORD
from tests.notifications.test_records import NOW, full_record

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:rehab_patient_changelist")


@pytest.fixture
def superuser():
    return get_user_model().objects.create_superuser("root", password=PASSWORD)


def act(client, user, action: str, *patients: Patient, **extra: str):
    client.force_login(user)
    data = {"action": action, "_selected_action": [p.pk for p in patients], **extra}
    return client.post(CHANGELIST, data)


def test_the_patients_clinician_downloads_her_data_as_a_json_file(client, clinician):
    patient = full_record(clinician)
    response = act(client, clinician.user, "export_patient_data", patient)
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="patient-{patient.pk}-export.json"'
    )
    assert response["Cache-Control"] == "no-store"
    document = json.loads(response.content.decode())
    assert document["format"] == "rehab-patient-export"
    assert document["patient"]["last_name"] == "Кузнецова"


def test_an_administrator_may_export_any_patient(client, clinician, superuser):
    patient = full_record(clinician)
    response = act(client, superuser, "export_patient_data", patient)
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"


def test_another_clinician_gets_no_file(client, clinician, colleague):
    patient = full_record(clinician)
    response = act(client, colleague.user, "export_patient_data", patient)
    assert response.status_code == 302  # nothing of theirs selected: back to the list
    assert "Content-Disposition" not in response


def test_an_export_is_of_one_patient_at_a_time(client, clinician):
    one = full_record(clinician)
    two = full_record(clinician, email="olga@example.ru", last_name="Волкова")
    response = act(client, clinician.user, "export_patient_data", one, two)
    assert response.status_code == 302 and "Content-Disposition" not in response


def test_erasing_asks_first_then_erases(client, clinician):
    patient = full_record(clinician)
    page = act(client, clinician.user, "erase_patients", patient)
    assert page.status_code == 200
    assert "cannot be undone" in page.content.decode()
    assert Patient.objects.get(pk=patient.pk).erased_at is None

    done = act(client, clinician.user, "erase_patients", patient, post="yes")
    assert done.status_code == 302
    patient.refresh_from_db()
    assert patient.erased_at is not None
    assert patient.full_name == f"Erased patient #{patient.pk}"
    # The list shows who was erased, and when.
    listing = client.get(CHANGELIST).content.decode()
    assert f"Erased patient #{patient.pk}" in listing
    assert '<td class="field-erased_display">2026-11-25</td>' in listing


def test_another_clinician_cannot_erase_and_nothing_changes(client, clinician, colleague):
    patient = full_record(clinician)
    before = records.patient_export(patient=patient, now=NOW)
    act(client, colleague.user, "erase_patients", patient, post="yes")
    assert records.patient_export(patient=patient, now=NOW) == before


def test_an_administrator_deletes_a_patient_with_logs_and_her_account(client, clinician, superuser):
    patient = full_record(clinician)
    user_pk = patient.user_id
    assert ExerciseLog.objects.filter(home_session__program__patient=patient).exists()
    client.force_login(superuser)
    url = reverse("admin:rehab_patient_delete", args=[patient.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Cannot delete" not in page.content.decode()
    response = client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not Patient.objects.filter(pk=patient.pk).exists()
    assert not get_user_model().objects.filter(pk=user_pk).exists()


def test_delete_selected_deletes_each_with_everything_of_theirs(client, clinician, superuser):
    one = full_record(clinician)
    two = full_record(clinician, email="olga@example.ru", last_name="Волкова")
    response = act(client, superuser, "delete_selected", one, two, post="yes")
    assert response.status_code == 302
    assert not Patient.objects.filter(pk__in=[one.pk, two.pk]).exists()
    assert not get_user_model().objects.filter(pk__in=[one.user_id, two.user_id]).exists()


def test_a_clinician_cannot_delete_a_patient_and_nothing_changes(client, clinician):
    patient = full_record(clinician)
    client.force_login(clinician.user)
    url = reverse("admin:rehab_patient_delete", args=[patient.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert Patient.objects.filter(pk=patient.pk, user__isnull=False).exists()
