"""The patient downloads their own data from Settings (/app/settings/export/): only their
own, only signed in as a patient, never cached."""

import json

import pytest

from notifications import records
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

URL = "/app/settings/export/"


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == f"/app/login/?next={URL}"


def test_the_patient_downloads_their_own_data(owner_client, owner, other_patient):
    response = owner_client.get(URL)
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="patient-{owner.pk}-export.json"'
    )
    assert response["Cache-Control"] == "no-store"
    text = response.content.decode()
    document = json.loads(text)
    assert document["patient"]["id"] == owner.pk
    assert document["account"]["username"] == "vera"
    assert document["programs"] and document["home_sessions"]
    assert "Oleg" not in text and "oleg" not in text
    assert owner.user.password not in text


def test_another_patient_gets_only_their_own(client, owner, other_patient):
    client.force_login(other_patient.user)
    document = json.loads(client.get(URL).content.decode())
    assert document["patient"]["id"] == other_patient.pk
    assert document["account"]["username"] == "oleg"


def test_clinic_staff_get_no_patient_data_here(client, clinician, owner):
    assert client.login(username=clinician.user.username, password=PASSWORD)
    response = client.get(URL)
    assert response.status_code == 403
    assert "Content-Disposition" not in response


def test_only_a_download(owner_client):
    assert owner_client.post(URL).status_code == 405


def test_the_export_costs_a_bounded_number_of_queries(owner_client, django_assert_max_num_queries):
    # The export's own queries, one per part of the record (notifications.records.PARTS),
    # and the session's.
    with django_assert_max_num_queries(len(records.PARTS) + 6):
        assert owner_client.get(URL).status_code == 200


def test_settings_offer_the_download_in_russian(owner_client, owner):
    owner.language = "ru"
    owner.save(update_fields=["language"])
    owner_client.cookies["django_language"] = "ru"
    page = owner_client.get("/app/settings/").content.decode()
    assert "Скачать мои данные" in page
    assert f'href="{URL}"' in page
