"""Signing in to the patient app: invitations, sign-in, sign-out and password reset."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import timezone

from notifications.models import ReminderPreferences
from rehab.models import PatientInvite
from rehab.services import patient_invite_create
from tests.conftest import PASSWORD, make_patient

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def invited(clinician):
    patient = make_patient(clinician, first_name="Vera", email="Vera@Example.org")
    _invite, token = patient_invite_create(patient=patient, by=clinician.user)
    return patient, token


def accept(client, token, **fields):
    data = {
        "username": "vera",
        "password": "slow-and-steady-7",
        "password_again": "slow-and-steady-7",
    }
    data.update(fields)
    return client.post(f"/app/invite/{token}/", data)


def test_an_invitation_sets_up_a_patient_login_and_opens_today(client, invited):
    patient, token = invited
    page = client.get(f"/app/invite/{token}/")
    assert page.status_code == 200
    assert 'value="vera@example.org"' in page.content.decode()  # the user name suggested

    response = accept(client, token)
    assert response.status_code == 302 and response["Location"] == "/app/today/"
    patient.refresh_from_db()
    user = patient.user
    assert user.username == "vera" and user.email.lower() == patient.email.lower()
    assert not user.is_staff and not user.is_superuser
    assert user.check_password("slow-and-steady-7")
    assert client.get("/app/today/").status_code == 200  # signed in straight away
    preferences = ReminderPreferences.objects.get(patient=patient)
    assert patient.language == "en"
    assert (
        f"/calendar/{preferences.calendar_token}.ics"
        in client.get("/app/settings/").content.decode()
    )


def test_a_patient_who_signs_up_in_russian_gets_reminders_in_russian(client, invited):
    patient, token = invited
    client.cookies["django_language"] = "ru"
    assert accept(client, token).status_code == 302
    patient.refresh_from_db()
    assert patient.language == "ru"
    assert ReminderPreferences.objects.filter(patient=patient).exists()


def test_an_invitation_works_once(client, invited):
    _, token = invited
    accept(client, token)
    client.logout()
    response = client.get(f"/app/invite/{token}/")
    assert response.status_code == 410
    assert "already been used" in response.content.decode()
    assert accept(client, token, username="someone-else").status_code == 410
    assert User.objects.count() == 2  # the clinician and Vera


def test_an_expired_or_replaced_or_unknown_invitation_is_refused(client, clinician, invited):
    patient, token = invited
    PatientInvite.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    assert "expired" in client.get(f"/app/invite/{token}/").content.decode()

    _, newer = patient_invite_create(patient=patient, by=clinician.user)
    assert "replaced by a newer one" in client.get(f"/app/invite/{token}/").content.decode()
    assert client.get(f"/app/invite/{newer}/").status_code == 200
    assert client.get("/app/invite/not-a-token/").status_code == 410
    patient.refresh_from_db()
    assert patient.user is None


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"password": "12345678", "password_again": "12345678"}, "password", "entirely numeric"),
        ({"password": "short", "password_again": "short"}, "password", "too short"),
        ({"password_again": "something-else-9"}, "password_again", "differ"),
        ({"username": "bad name!"}, "username", "valid username"),
        ({"username": "owner"}, "username", "already exists"),
    ],
)
def test_a_bad_user_name_or_password_is_explained_and_nothing_is_written(
    client, invited, fields, field, message
):
    patient, token = invited
    users_before = User.objects.count()
    response = accept(client, token, **fields)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert User.objects.count() == users_before
    patient.refresh_from_db()
    assert patient.user is None
    assert PatientInvite.objects.get().used_at is None  # the link still works


def test_a_new_invitation_for_a_patient_with_a_login_sets_a_new_password(
    client, clinician, invited
):
    patient, token = invited
    accept(client, token)
    client.logout()
    _, again = patient_invite_create(patient=patient, by=clinician.user)
    assert (
        accept(
            client,
            again,
            username="ignored",
            password="new-and-better-8",
            password_again="new-and-better-8",
        ).status_code
        == 302
    )
    patient.refresh_from_db()
    assert patient.user.username == "vera"
    assert patient.user.check_password("new-and-better-8")


def test_patients_sign_in_and_out_and_never_reach_the_admin(client, invited):
    _, token = invited
    accept(client, token)
    client.logout()
    response = client.post("/app/login/", {"username": "vera", "password": "slow-and-steady-7"})
    assert response.status_code == 302 and response["Location"] == "/app/today/"
    admin = client.get("/admin/")
    assert admin.status_code == 302 and admin["Location"].startswith("/admin/login/")
    client.post("/app/logout/")
    assert client.get("/app/today/")["Location"] == "/app/login/?next=/app/today/"
    admin_login = client.post(
        "/admin/login/", {"username": "vera", "password": "slow-and-steady-7"}
    )
    assert admin_login.status_code == 200  # the admin's form refuses a non-staff account
    assert "_auth_user_id" not in client.session


def test_clinic_staff_cannot_sign_in_to_the_patient_app_by_accident(client, clinician):
    response = client.post("/app/login/", {"username": "owner", "password": PASSWORD})
    assert response.status_code == 200
    assert "Clinic staff sign in at the clinic admin" in response.content.decode()
    assert "_auth_user_id" not in client.session
    client.force_login(clinician.user)
    page = client.get("/app/today/")
    assert page.status_code == 403
    assert "/admin/" in page.content.decode()


def test_a_wrong_password_is_refused(client, invited):
    _, token = invited
    accept(client, token)
    client.logout()
    response = client.post("/app/login/", {"username": "vera", "password": "wrong"})
    assert response.status_code == 200 and "_auth_user_id" not in client.session


def test_password_reset_by_email_for_patients_only(client, clinician, invited):
    _, token = invited
    accept(client, token)
    client.logout()
    clinician.user.email = "doc@clinic.test"
    clinician.user.save()
    client.post("/app/password-reset/", {"email": "doc@clinic.test"})
    assert mail.outbox == []  # staff reset their password in the admin

    response = client.post("/app/password-reset/", {"email": "vera@example.org"})
    assert response["Location"] == "/app/password-reset/sent/"
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "vera" in body
    link = re.search(r"https?://[^/]+(/app/password-reset/\S+/)", body).group(1)
    form = client.get(link, follow=True)
    assert form.status_code == 200
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "fresh-start-2026", "new_password2": "fresh-start-2026"},
    )
    assert done["Location"] == "/app/password-reset/complete/"
    assert client.login(username="vera", password="fresh-start-2026")


# -- sign-in protection: the password reset's hourly limit -----------------------------------


@pytest.fixture
def vera_account(invited, client):
    _, token = invited
    accept(client, token)
    client.logout()
    return User.objects.get(username="vera")


def reset(client, email: str, address: str = "203.0.113.5", **extra):
    return client.post("/app/password-reset/", {"email": email}, REMOTE_ADDR=address, **extra)


def test_password_reset_is_limited_per_email_whatever_the_address(client, vera_account):
    for number in range(5):
        response = reset(client, "vera@example.org", address=f"198.51.100.{number}")
        assert response.status_code == 302
    assert len(mail.outbox) == 5
    response = reset(client, "VERA@example.org", address="192.0.2.1")
    assert response.status_code == 429
    assert "Too many password reset requests: at most 5 requests an hour." in (
        response.content.decode()
    )
    assert len(mail.outbox) == 5  # no email beyond the limit


def test_password_reset_is_limited_per_address_whatever_the_email(client, vera_account):
    for number in range(5):
        assert reset(client, f"someone{number}@example.org").status_code == 302
    response = reset(client, "vera@example.org")
    assert response.status_code == 429 and mail.outbox == []
    # A forged X-Forwarded-For is not another address.
    response = reset(client, "vera@example.org", HTTP_X_FORWARDED_FOR="192.0.2.50")
    assert response.status_code == 429 and mail.outbox == []
    # Another address is.
    assert reset(client, "vera@example.org", address="203.0.113.6").status_code == 302
    assert len(mail.outbox) == 1


def test_password_reset_limit_is_said_in_russian(client, vera_account):
    for _ in range(5):
        reset(client, "vera@example.org")
    response = reset(client, "vera@example.org", HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 429
    assert "Слишком много запросов на восстановление пароля: не больше 5 в час." in (
        response.content.decode()
    )


def test_password_reset_is_allowed_again_an_hour_later(client, vera_account):
    for _ in range(6):
        reset(client, "vera@example.org")
    assert len(mail.outbox) == 5
    with time_machine.travel(timezone.now() + timedelta(minutes=61), tick=False):
        assert reset(client, "vera@example.org").status_code == 302
    assert len(mail.outbox) == 6


def test_a_bad_email_is_refused_and_not_counted(client, vera_account):
    for _ in range(6):
        response = reset(client, "not an email")
        assert response.status_code == 200 and "email" in response.context["form"].errors
    assert reset(client, "vera@example.org").status_code == 302
    assert len(mail.outbox) == 1
