"""API tokens expire after API_TOKEN_TTL_DAYS, and any new password revokes them all: the
admin's password form, the patient app's reset and `manage.py changepassword`."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.conftest import PASSWORD, make_patient

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/"
EXPIRED = {"detail": "Token has expired; sign in again."}


@pytest.fixture
def vera(clinician):
    patient = make_patient(clinician, first_name="Vera", email="vera@example.org")
    patient.user = get_user_model().objects.create_user(
        "vera", email="vera@example.org", password=PASSWORD
    )
    patient.save()
    return patient.user


def with_token(key: str, **extra) -> APIClient:
    client = APIClient(**extra)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_a_token_works_until_30_days_then_is_refused_and_deleted(vera):
    token = Token.objects.create(user=vera)
    later = token.created + timedelta(days=29, hours=23)
    with time_machine.travel(later, tick=False):
        assert with_token(token.key).get(ME).status_code == 200
    with time_machine.travel(token.created + timedelta(days=30), tick=False):
        response = with_token(token.key).get(ME)
        assert response.status_code == 401 and response.json() == EXPIRED
    assert not Token.objects.filter(key=token.key).exists()


def test_the_expiry_is_said_in_russian(vera):
    token = Token.objects.create(user=vera)
    with time_machine.travel(token.created + timedelta(days=31), tick=False):
        response = with_token(token.key).get(ME, HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 401
    assert response.json() == {"detail": "Срок действия токена истёк; войдите снова."}


@override_settings(API_TOKEN_TTL_DAYS=2)
def test_the_lifetime_is_a_setting(vera):
    token = Token.objects.create(user=vera)
    with time_machine.travel(token.created + timedelta(days=2), tick=False):
        assert with_token(token.key).get(ME).status_code == 401


def test_the_token_endpoint_issues_a_fresh_token_for_an_expired_one(vera):
    old = Token.objects.create(user=vera)
    credentials = {"username": "vera", "password": PASSWORD}
    with time_machine.travel(old.created + timedelta(days=10), tick=False):
        same = APIClient().post("/api/v1/auth/token/", credentials).json()["token"]
        assert same == old.key  # not yet expired: the same one
    with time_machine.travel(old.created + timedelta(days=40), tick=False):
        fresh = APIClient().post("/api/v1/auth/token/", credentials).json()["token"]
        assert fresh != old.key
        assert with_token(fresh).get(ME).status_code == 200
    assert list(Token.objects.filter(user=vera).values_list("key", flat=True)) == [fresh]


def test_the_admin_password_form_revokes_the_tokens(client, vera):
    token = Token.objects.create(user=vera)
    get_user_model().objects.create_superuser("root", password=PASSWORD)
    client.force_login(get_user_model().objects.get(username="root"))
    url = reverse("admin:auth_user_password_change", args=[vera.pk])
    response = client.post(
        url, {"password1": "new-pass-phrase-31", "password2": "new-pass-phrase-31"}
    )
    assert response.status_code == 302
    vera.refresh_from_db()
    assert vera.check_password("new-pass-phrase-31")
    assert not Token.objects.filter(user=vera).exists()
    assert with_token(token.key).get(ME).status_code == 401


def test_a_bad_password_form_revokes_nothing(client, vera):
    token = Token.objects.create(user=vera)
    get_user_model().objects.create_superuser("root", password=PASSWORD)
    client.force_login(get_user_model().objects.get(username="root"))
    url = reverse("admin:auth_user_password_change", args=[vera.pk])
    response = client.post(url, {"password1": "new-pass-phrase-31", "password2": "different"})
    assert response.status_code == 200
    assert Token.objects.filter(key=token.key).exists()


def test_the_patient_apps_password_reset_revokes_the_tokens(client, vera):
    token = Token.objects.create(user=vera)
    client.post("/app/password-reset/", {"email": "vera@example.org"})
    link = re.search(r"https?://[^/]+(/app/password-reset/\S+/)", mail.outbox[0].body).group(1)
    form = client.get(link, follow=True)
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "fresh-start-2026", "new_password2": "fresh-start-2026"},
    )
    assert done["Location"] == "/app/password-reset/complete/"
    assert not Token.objects.filter(key=token.key).exists()


def test_changepassword_revokes_the_tokens(vera, monkeypatch):
    token = Token.objects.create(user=vera)
    # The command asks on the terminal; answer it.
    monkeypatch.setattr(
        "django.contrib.auth.management.commands.changepassword.getpass.getpass",
        lambda prompt="": "another-long-phrase-9",
    )
    call_command("changepassword", "vera", stdout=None)
    vera.refresh_from_db()
    assert vera.check_password("another-long-phrase-9")
    assert not Token.objects.filter(key=token.key).exists()


def test_a_service_setting_a_password_revokes_the_tokens(vera):
    Token.objects.create(user=vera)
    vera.set_password("set-in-a-shell-42")
    vera.save()
    assert not Token.objects.filter(user=vera).exists()


def test_saving_the_user_otherwise_keeps_the_tokens(vera, client):
    token = Token.objects.create(user=vera)
    vera.first_name = "Vera"
    vera.save()
    vera.last_login = timezone.now()
    vera.save(update_fields=["last_login"])
    # Signing in to the app (which stamps last_login) keeps the phone's token too.
    assert client.post("/app/login/", {"username": "vera", "password": PASSWORD}).status_code == 302
    # So does the same password saved again, hash and all.
    vera.refresh_from_db()
    vera.save()
    assert Token.objects.filter(key=token.key).exists()


def test_another_users_new_password_keeps_this_users_tokens(vera, clinician):
    token = Token.objects.create(user=vera)
    clinician.user.set_password("doctor-new-phrase-5")
    clinician.user.save()
    assert Token.objects.filter(key=token.key).exists()
