"""The account lockout (django-axes): after 10 failed sign-ins for one account, wherever they
were tried (the API's token endpoint, the patient app, the admin) and from whatever address,
the account is refused for 15 minutes with a clear message, even with the right password."""

from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.test import override_settings
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.conftest import PASSWORD, make_patient

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
LOCKED_EN = (
    "Too many failed sign-ins for this account. Try again in 15 minutes, or reset your password."
)
LOCKED_RU = (
    "Слишком много неудачных попыток входа в эту учётную запись. Попробуйте снова "
    "через 15 минут или восстановите пароль."
)


@pytest.fixture
def vera(clinician):
    """A patient with her own account in the app."""
    patient = make_patient(clinician, first_name="Vera")
    patient.user = get_user_model().objects.create_user("vera", password=PASSWORD)
    patient.save()
    return patient.user


def token_attempt(password: str, username: str = "vera", address: str = "203.0.113.5", **extra):
    return APIClient().post(
        TOKEN_URL,
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        **extra,
    )


def fail_ten_times(username: str = "vera") -> None:
    # From ten different addresses: the lockout is the account's, not an address's.
    # The tenth failure is already answered with the lockout.
    for attempt in range(10):
        response = token_attempt("wrong", username=username, address=f"198.51.100.{attempt}")
        assert response.status_code == (429 if attempt == 9 else 400)


def test_ten_failures_lock_the_account_even_for_the_right_password(vera):
    for _ in range(9):
        assert token_attempt("wrong").status_code == 400
    response = token_attempt("wrong")
    assert response.status_code == 429 and response.json() == {"detail": LOCKED_EN}

    response = token_attempt(PASSWORD)
    assert response.status_code == 429
    assert response.json() == {"detail": LOCKED_EN}
    assert not Token.objects.filter(user=vera).exists()  # a refused sign-in obtains nothing


def test_the_lockout_message_in_russian(vera):
    fail_ten_times()
    response = token_attempt(PASSWORD, HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 429 and response.json() == {"detail": LOCKED_RU}


def test_failures_count_per_account_whatever_the_address(vera, clinician):
    fail_ten_times()
    assert token_attempt(PASSWORD, address="192.0.2.77").status_code == 429
    # Another account is not touched, from the very same addresses.
    response = token_attempt(PASSWORD, username=clinician.user.username, address="198.51.100.1")
    assert response.status_code == 200


def test_the_lockout_ends_after_15_minutes(vera):
    fail_ten_times()
    with time_machine.travel(timezone.now() + timedelta(minutes=14), tick=False):
        assert token_attempt(PASSWORD).status_code == 429
    with time_machine.travel(timezone.now() + timedelta(minutes=16), tick=False):
        response = token_attempt(PASSWORD)
        assert response.status_code == 200 and "token" in response.json()


def test_attempts_during_the_lockout_do_not_prolong_it(vera):
    fail_ten_times()
    with time_machine.travel(timezone.now() + timedelta(minutes=10), tick=False):
        assert token_attempt("wrong").status_code == 429
        assert token_attempt(PASSWORD).status_code == 429
    with time_machine.travel(timezone.now() + timedelta(minutes=16), tick=False):
        assert token_attempt(PASSWORD).status_code == 200


def test_a_successful_sign_in_starts_the_count_again(vera):
    for _ in range(9):
        assert token_attempt("wrong").status_code == 400
    assert token_attempt(PASSWORD).status_code == 200
    for _ in range(9):
        assert token_attempt("wrong").status_code == 400
    assert token_attempt(PASSWORD).status_code == 200


def test_the_patient_app_and_the_token_endpoint_share_one_count(client, vera):
    for attempt in range(9):
        if attempt % 2:
            assert token_attempt("wrong").status_code == 400
        else:
            response = client.post("/app/login/", {"username": "vera", "password": "wrong"})
            assert response.status_code == 200
    assert token_attempt("wrong").status_code == 429  # the tenth
    response = client.post("/app/login/", {"username": "vera", "password": PASSWORD})
    assert response.status_code == 429
    assert LOCKED_EN in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert token_attempt(PASSWORD).status_code == 429


def test_the_patient_app_says_so_in_russian_on_its_sign_in_page(client, vera):
    fail_ten_times()
    client.cookies["django_language"] = "ru"
    response = client.post(
        "/app/login/", {"username": "vera", "password": PASSWORD}, HTTP_ACCEPT_LANGUAGE="ru"
    )
    assert response.status_code == 429
    html = response.content.decode()
    assert LOCKED_RU in html
    assert 'name="username"' in html and 'value="vera"' in html  # the sign-in form again
    assert "_auth_user_id" not in client.session


def test_the_admin_sign_in_is_locked_too(client, clinician):
    username = clinician.user.username
    for _ in range(10):
        response = client.post("/admin/login/", {"username": username, "password": "wrong"})
        assert response.status_code in (200, 429)
    response = client.post("/admin/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 429
    html = response.content.decode()
    assert LOCKED_EN in html and 'name="password"' in html
    assert "_auth_user_id" not in client.session
    assert token_attempt(PASSWORD, username=username).status_code == 429


def test_the_superusers_account_is_locked_like_any_other(client):
    get_user_model().objects.create_superuser("root", password=PASSWORD)
    fail_ten_times("root")
    response = client.post("/admin/login/", {"username": "root", "password": PASSWORD})
    assert response.status_code == 429 and "_auth_user_id" not in client.session


def test_failed_attempts_are_recorded_for_the_admin_without_the_password(vera):
    token_attempt("s3cret-guess")
    attempt = AccessAttempt.objects.get(username="vera")
    assert attempt.failures_since_start == 1
    assert "s3cret-guess" not in attempt.post_data + attempt.get_data


@override_settings(AXES_FAILURE_LIMIT=3)
def test_the_limit_is_a_setting(vera):
    for _ in range(2):
        assert token_attempt("wrong").status_code == 400
    assert token_attempt("wrong").status_code == 429
