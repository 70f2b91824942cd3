"""Registering a browser for Web Push through the API: only a push service's address, a
browser's keys, and never another patient's endpoint. A refused request changes nothing."""

import pytest

from notifications.models import PushSubscription
from tests.api.conftest import row_counts
from tests.notifications.push_keys import AUTH, OTHER_P256DH, P256DH

URL = "/api/v1/push-subscriptions/"
ENDPOINT = "https://web.push.apple.com/QGuQyavXutnMH-registered"
BODY = {"endpoint": ENDPOINT, "keys": {"p256dh": P256DH, "auth": AUTH}}


@pytest.mark.parametrize(
    ("actor", "status"),
    [
        ("anonymous", 401),
        ("clinician", 403),
        ("colleague", 403),
        ("superuser", 403),
    ],
)
def test_only_a_patient_registers_a_browser_and_a_refusal_writes_nothing(
    world, as_actor, actor, status
):
    before = row_counts()
    assert as_actor(actor).post(URL, BODY).status_code == status
    assert row_counts() == before


def test_the_owner_registers_and_registering_again_is_the_same_row(world, as_actor):
    client = as_actor("owner_patient")
    first = client.post(URL, BODY)
    assert first.status_code == 201
    again = client.post(URL, {**BODY, "keys": {"p256dh": OTHER_P256DH, "auth": AUTH}})
    assert again.status_code == 201 and again.json()["id"] == first.json()["id"]
    stored = PushSubscription.objects.get(endpoint=ENDPOINT)
    assert (stored.user, stored.p256dh) == (world.home.user, OTHER_P256DH)


def test_another_patients_endpoint_is_not_moved(world, as_actor):
    assert as_actor("owner_patient").post(URL, BODY).status_code == 201
    held = PushSubscription.objects.values().get(endpoint=ENDPOINT)
    before = row_counts()
    response = as_actor("other_patient").post(
        URL, {**BODY, "keys": {"p256dh": OTHER_P256DH, "auth": AUTH}}
    )
    assert response.status_code == 409 and list(response.json()) == ["endpoint"]
    assert PushSubscription.objects.values().get(endpoint=ENDPOINT) == held
    assert row_counts() == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**BODY, "endpoint": "https://169.254.169.254/latest/meta-data/"}, "endpoint"),
        ({**BODY, "endpoint": "https://127.0.0.1/"}, "endpoint"),
        ({**BODY, "endpoint": "https://fcm.googleapis.com:8443/fcm/send/x"}, "endpoint"),
        ({**BODY, "endpoint": "https://u:p@fcm.googleapis.com/fcm/send/x"}, "endpoint"),
        # What the endpoint stored before: 5,008 characters, and a NUL.
        ({**BODY, "endpoint": "https://fcm.googleapis.com/fcm/send/" + "a" * 4972}, "endpoint"),
        ({**BODY, "endpoint": "https://fcm.googleapis.com/fcm/send/a\x00b"}, "endpoint"),
        ({**BODY, "endpoint": " https://fcm.googleapis.com/fcm/send/x"}, "endpoint"),
        ({**BODY, "keys": {"p256dh": "BP1", "auth": AUTH}}, "keys.p256dh"),
        ({**BODY, "keys": {"p256dh": P256DH, "auth": "a1"}}, "keys.auth"),
    ],
)
def test_an_address_or_key_a_browser_would_not_give_is_refused(world, as_actor, body, field):
    before = row_counts()
    response = as_actor("owner_patient").post(URL, body)
    assert response.status_code == 400 and list(response.json()) == [field]
    assert row_counts() == before


def test_the_reason_is_in_the_patients_language(world, as_actor):
    response = as_actor("owner_patient").post(
        URL,
        {**BODY, "endpoint": "https://169.254.169.254/"},
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    assert response.json() == {"endpoint": ["Это не адрес службы уведомлений браузера."]}
