"""The server sends Web Push only to the browsers' push services (PUSH_SERVICE_HOSTS).

A push endpoint is an address a browser hands over and the server later connects to: the
registration refuses any other address, the sender checks again just before connecting,
and a registered endpoint stays with the account that registered it.
"""

import base64
from collections.abc import Iterator

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import translation
from py_vapid import Vapid01

from notifications.channels.push import push_deliver
from notifications.messages import Message
from notifications.models import PushSubscription
from notifications.push_endpoints import push_endpoint_problem, push_subscription_check
from notifications.services import PushEndpointTaken, push_subscription_register
from tests.conftest import make_patient
from tests.notifications.push_keys import AUTH, OTHER_P256DH, P256DH, b64url
from tests.notifications.test_reminders import PushService

# What browsers really hand out (shapes as of 2026).
BROWSER_ENDPOINTS = [
    "https://fcm.googleapis.com/fcm/send/dQw4w9WgXcQ:APA91bH-abc_DEF123",  # Chrome, Android
    "https://fcm.googleapis.com/wp/dQw4w9WgXcQ:APA91bH",  # Chrome's newer form
    "https://updates.push.services.mozilla.com/wpush/v2/gAAAAABk-abc",  # Firefox
    "https://web.push.apple.com/QGuQyavXutnMH-abc",  # Safari
    "https://wns2-par02p.notify.windows.com/w/?token=BQYAAA%2bXyz",  # Edge on Windows
    "https://fcm.googleapis.com:443/fcm/send/abc",  # the https port, written out
    "https://FCM.googleapis.com/fcm/send/abc",  # host names are not case-sensitive
]

REFUSED_ENDPOINTS = [
    ("", "missing"),
    ("http://fcm.googleapis.com/fcm/send/abc", "https://"),
    ("https://169.254.169.254/latest/meta-data/iam/", "push service"),  # cloud metadata
    ("https://metadata.google.internal/computeMetadata/v1/", "push service"),
    ("https://127.0.0.1/admin", "push service"),
    ("https://localhost/x", "push service"),
    ("https://[::1]/x", "push service"),
    ("https://fcm.googleapis.com.attacker.example/x", "push service"),
    ("https://attacker-fcm.googleapis.com/x", "push service"),  # exact entry: no subdomains
    ("https://pushapple.com/x", "push service"),  # not under push.apple.com
    ("https://fcm.googleapis.com:8443/fcm/send/abc", "standard https port"),
    ("https://fcm.googleapis.com:0/x", "standard https port"),
    ("https://fcm.googleapis.com:99999/x", "not a web address"),
    ("https://user:pw@fcm.googleapis.com/fcm/send/abc", "user name"),
    ("https://169.254.169.254@fcm.googleapis.com/x", "user name"),
    ("https://fcm.googleapis.com/fcm/send/" + "a" * 4972, "too long"),  # 5,008 characters
    ("https://fcm.googleapis.com/fcm/send/a\x00b", "characters"),
    ("https://fcm.googleapis.com/fcm/send/a b", "characters"),
    ("https://fcm.googleapis.com/fcm/send/a\r\nX-Injected: 1", "characters"),
    ("https://fcm.googleapis.com/fcm/send/ключ", "characters"),
    ("javascript:alert(1)", "not a web address"),
    ("https:///fcm/send/abc", "not a web address"),
]


@pytest.mark.parametrize("endpoint", BROWSER_ENDPOINTS)
def test_the_browsers_push_services_are_accepted(endpoint):
    assert push_endpoint_problem(endpoint) is None


@pytest.mark.parametrize(("endpoint", "reason"), REFUSED_ENDPOINTS)
def test_any_other_address_is_refused_with_the_reason(endpoint, reason):
    problem = push_endpoint_problem(endpoint)
    assert problem is not None and reason in problem


def test_the_reason_is_given_in_the_patients_language():
    with translation.override("ru"):
        problem = push_endpoint_problem("https://169.254.169.254/")
    assert problem is not None and problem != push_endpoint_problem("https://169.254.169.254/")


def test_the_clinic_may_allow_a_domain_or_one_whole_origin(settings):
    settings.PUSH_SERVICE_HOSTS = [".push.clinic.example", "http://10.0.0.7:8123"]
    assert push_endpoint_problem("https://push.clinic.example/a") is None
    assert push_endpoint_problem("https://eu.push.clinic.example/a") is None
    assert push_endpoint_problem("http://10.0.0.7:8123/push/a") is None
    # The origin is exact: another port or scheme on that host is not it.
    assert push_endpoint_problem("http://10.0.0.7:8124/push/a") is not None
    assert push_endpoint_problem("https://10.0.0.7:8123/push/a") is not None
    # The defaults are no longer in the list.
    assert push_endpoint_problem(BROWSER_ENDPOINTS[0]) is not None


@pytest.mark.parametrize(
    ("p256dh", "auth", "fields"),
    [
        (P256DH, AUTH, set()),
        (P256DH + "=", AUTH + "==", set()),  # padded base64url is the same key
        ("", "", {"p256dh", "auth"}),
        (b64url(b"\x04" + bytes(63)), AUTH, {"p256dh"}),  # a byte short
        (b64url(b"\x02" + bytes(64)), AUTH, {"p256dh"}),  # not an uncompressed point
        (P256DH.replace(P256DH[5], "+", 1), AUTH, {"p256dh"}),  # base64, not base64url
        (P256DH, b64url(bytes(15)), {"auth"}),
        (P256DH, AUTH + "\x00", {"auth"}),
        (P256DH, "A" * 300, {"auth"}),
    ],
)
def test_the_keys_must_be_a_browsers_keys(p256dh, auth, fields):
    errors = push_subscription_check(endpoint=BROWSER_ENDPOINTS[0], p256dh=p256dh, auth=auth)
    assert set(errors) == fields


# -- the registration ---------------------------------------------------------------------------


def test_an_endpoint_another_patient_holds_stays_theirs(clinician):
    vera = make_patient(clinician, first_name="Vera", time_zone="Europe/Moscow")
    ana = make_patient(clinician, first_name="Ana", time_zone="America/Los_Angeles")
    for patient, name, language in ((vera, "vera", "ru"), (ana, "ana", "en")):
        patient.user = type(clinician.user).objects.create_user(name, password="x-long-pass-1")
        patient.language = language
        patient.save(update_fields=["user", "language"])
    endpoint = BROWSER_ENDPOINTS[0]
    held = push_subscription_register(user=vera.user, endpoint=endpoint, p256dh=P256DH, auth=AUTH)
    before = PushSubscription.objects.values().get()
    with pytest.raises(PushEndpointTaken) as taken:
        push_subscription_register(user=ana.user, endpoint=endpoint, p256dh=OTHER_P256DH, auth=AUTH)
    assert set(taken.value.message_dict) == {"endpoint"}
    assert PushSubscription.objects.values().get() == before
    # Vera registering again is the same row with the new keys.
    again = push_subscription_register(
        user=vera.user, endpoint=endpoint, p256dh=OTHER_P256DH, auth=AUTH
    )
    assert again.pk == held.pk and PushSubscription.objects.get().p256dh == OTHER_P256DH


def test_a_refused_registration_writes_nothing(patient):
    with pytest.raises(ValidationError) as error:
        push_subscription_register(
            user=patient.clinician.user,
            endpoint="https://169.254.169.254/latest/meta-data/",
            p256dh=P256DH,
            auth=AUTH,
        )
    assert set(error.value.message_dict) == {"endpoint"}
    assert not PushSubscription.objects.exists()


# -- the sender ---------------------------------------------------------------------------------


@pytest.fixture
def push_service(settings) -> Iterator[PushService]:
    """The local stand-in of a push service, allowed by its exact origin (last entry)."""
    vapid = Vapid01()
    vapid.generate_keys()
    raw = vapid.private_key.private_numbers().private_value.to_bytes(32, "big")
    settings.VAPID_PRIVATE_KEY = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    service = PushService()
    settings.PUSH_SERVICE_HOSTS = [*settings.PUSH_SERVICE_HOSTS, service.url]
    yield service
    service.close()


MESSAGE = Message(title="Время упражнений", body="Сегодня 6 упражнений.", link="/app/today/")


def test_the_sender_never_connects_to_an_address_the_settings_do_not_allow(
    clinician, push_service, settings
):
    """A row stored before the check (or a host taken off the list since) is switched off
    without a connection: nothing reaches the address, and nothing is retried."""
    allowed = PushSubscription.objects.create(
        user=clinician.user, endpoint=f"{push_service.url}/push/ok", p256dh=P256DH, auth=AUTH
    )
    # The stand-in by another name: a connection would reach it, but the origin is not allowed.
    port = push_service.server.server_port
    stored_before = PushSubscription.objects.create(
        user=clinician.user, endpoint=f"http://localhost:{port}/push/x", p256dh=P256DH, auth=AUTH
    )
    assert push_deliver("t1", [stored_before], MESSAGE) is False
    stored_before.refresh_from_db()
    assert not stored_before.is_active and "Not a push service" in stored_before.disabled_reason
    assert push_service.requests == []

    settings.PUSH_SERVICE_HOSTS = list(settings.PUSH_SERVICE_HOSTS)[:-1]  # the stand-in off
    assert push_deliver("t2", [allowed], MESSAGE) is False
    allowed.refresh_from_db()
    assert not allowed.is_active and push_service.requests == []


def test_the_sender_still_sends_to_an_allowed_push_service(clinician, push_service):
    subscription = PushSubscription.objects.create(
        user=clinician.user, endpoint=f"{push_service.url}/push/ok", p256dh=P256DH, auth=AUTH
    )
    assert push_deliver("t3", [subscription], MESSAGE) is True
    assert len(push_service.requests) == 1
    subscription.refresh_from_db()
    assert subscription.is_active


# -- the migration that removes the rows stored before the check --------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migration_deletes_only_the_rows_the_sender_may_not_send_to(library):
    executor = MigrationExecutor(connection)
    before = [("notifications", "0005_claim_send_mark")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    user = old.get_model("auth", "User").objects.create(username="migrating-push")
    subscription = old.get_model("notifications", "PushSubscription")
    kept = [
        subscription.objects.create(user=user, endpoint=e, p256dh=P256DH, auth=AUTH).pk
        for e in BROWSER_ENDPOINTS[:4]
    ]
    refused = ["https://169.254.169.254/latest/meta-data/", "http://127.0.0.1:6379/"]
    if connection.vendor == "sqlite":
        # Stored there before the check (SQLite keeps any length, and a NUL); PostgreSQL's
        # column refuses both, so no such row can exist in it.
        refused += [
            "https://fcm.googleapis.com/fcm/send/" + "a" * 4972,
            "https://fcm.googleapis.com/a\x00b",
        ]
    for endpoint in refused:
        subscription.objects.create(user=user, endpoint=endpoint, p256dh="k", auth="a")

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert sorted(PushSubscription.objects.values_list("pk", flat=True)) == sorted(kept)
