"""/app/push/subscribe/, the patient app's registration for Web Push: the same checks as
the API (one service), field messages in JSON, and another patient's endpoint left theirs."""

import pytest

from notifications.models import PushSubscription
from tests.api.conftest import row_counts
from tests.notifications.push_keys import AUTH, OTHER_P256DH, P256DH

URL = "/app/push/subscribe/"
ENDPOINT = "https://fcm.googleapis.com/fcm/send/dQw4w9WgXcQ:APA91bH-phone"
FORM = {"endpoint": ENDPOINT, "p256dh": P256DH, "auth": AUTH}


def test_a_visitor_is_sent_to_sign_in_and_nothing_is_written(client, owner):
    before = row_counts()
    response = client.post(URL, FORM)
    assert response.status_code == 302 and "/app/login/" in response["Location"]
    assert row_counts() == before


def test_a_clinician_is_refused_and_nothing_is_written(client, clinician, owner):
    client.force_login(clinician.user)
    before = row_counts()
    assert client.post(URL, FORM).status_code == 403
    assert row_counts() == before


def test_the_owner_registers_and_again_updates_the_keys(owner_client, owner):
    assert owner_client.post(URL, FORM).status_code == 201
    assert owner_client.post(URL, {**FORM, "p256dh": OTHER_P256DH}).status_code == 201
    stored = PushSubscription.objects.get()
    assert (stored.user, stored.endpoint, stored.p256dh) == (owner.user, ENDPOINT, OTHER_P256DH)


def test_another_patients_endpoint_stays_theirs(owner_client, owner, other_patient, client):
    assert owner_client.post(URL, FORM).status_code == 201
    held = PushSubscription.objects.values().get()
    client.force_login(other_patient.user)
    before = row_counts()
    response = client.post(URL, {**FORM, "p256dh": OTHER_P256DH})
    assert response.status_code == 409 and list(response.json()["errors"]) == ["endpoint"]
    assert PushSubscription.objects.values().get() == held
    assert row_counts() == before


@pytest.mark.parametrize(
    ("change", "fields"),
    [
        ({"endpoint": "https://169.254.169.254/latest/meta-data/"}, {"endpoint"}),
        ({"endpoint": "https://fcm.googleapis.com/fcm/send/" + "a" * 4972}, {"endpoint"}),
        ({"endpoint": "https://fcm.googleapis.com/fcm/send/a\x00b"}, {"endpoint"}),
        ({"endpoint": "http://updates.push.services.mozilla.com/wpush/v2/x"}, {"endpoint"}),
        ({"p256dh": "key", "auth": "secret"}, {"p256dh", "auth"}),
    ],
)
def test_what_the_api_refuses_is_refused_here_too(owner_client, owner, change, fields):
    before = row_counts()
    response = owner_client.post(URL, {**FORM, **change})
    assert response.status_code == 400 and set(response.json()["errors"]) == fields
    assert row_counts() == before


def test_a_russian_speaking_patient_reads_the_reason_in_russian(owner_client, owner):
    owner_client.cookies["django_language"] = "ru"
    response = owner_client.post(URL, {**FORM, "endpoint": "https://127.0.0.1/"})
    assert response.json()["errors"] == {"endpoint": ["Это не адрес службы уведомлений браузера."]}
