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


# -- Signing out forgets this phone --------------------------------------------------------

LOGOUT = "/app/logout/"


def test_signing_out_forgets_this_phones_endpoint_so_the_next_patient_can_use_it(
    owner_client, owner, other_patient, client
):
    assert owner_client.post(URL, FORM).status_code == 201
    kept = PushSubscription.objects.create(
        user=owner.user, endpoint=ENDPOINT + "-her-laptop", p256dh=P256DH, auth=AUTH
    )
    response = owner_client.post(LOGOUT, {"push_endpoint": ENDPOINT})
    assert response.status_code == 302 and response["Location"] == "/app/login/"
    # Her other browser still gets her reminders; this phone no longer does.
    assert list(PushSubscription.objects.values_list("pk", flat=True)) == [kept.pk]
    client.force_login(other_patient.user)
    assert client.post(URL, {**FORM, "p256dh": OTHER_P256DH}).status_code == 201


def test_signing_out_never_forgets_another_accounts_endpoint(owner_client, owner, other_patient):
    theirs = PushSubscription.objects.create(
        user=other_patient.user, endpoint=ENDPOINT, p256dh=P256DH, auth=AUTH
    )
    before = row_counts()
    assert owner_client.post(LOGOUT, {"push_endpoint": ENDPOINT}).status_code == 302
    assert PushSubscription.objects.filter(pk=theirs.pk).exists()
    # Only her session went.
    assert {k: v for k, v in row_counts().items() if k != "rehab.UserSession"} == {
        k: v for k, v in before.items() if k != "rehab.UserSession"
    }


@pytest.mark.parametrize("endpoint", ["", "x" * 5000, "https://fcm.googleapis.com/a\x00b"])
def test_signing_out_without_or_with_a_bad_endpoint_just_signs_out(owner_client, owner, endpoint):
    assert owner_client.post(URL, FORM).status_code == 201
    response = owner_client.post(LOGOUT, {"push_endpoint": endpoint})
    assert response.status_code == 302
    assert PushSubscription.objects.count() == 1
    assert owner_client.get("/app/today/").status_code == 302  # signed out


def test_a_visitors_sign_out_changes_nothing(client, owner):
    PushSubscription.objects.create(user=owner.user, endpoint=ENDPOINT, p256dh=P256DH, auth=AUTH)
    before = row_counts()
    assert client.post(LOGOUT, {"push_endpoint": ENDPOINT}).status_code == 302
    assert row_counts() == before


def test_the_sign_out_form_carries_the_field_the_app_fills_in(owner_client, owner):
    page = owner_client.get("/app/settings/").content.decode()
    assert 'id="sign-out"' in page and 'name="push_endpoint"' in page
