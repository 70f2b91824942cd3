"""The urgent-symptom screen says whom to call: the clinic by name, its phone as a tel: link,
and the patient's own clinician's phone when there is one; in English and in Russian. The
password reset email is signed with the clinic's name and phone."""

import pytest
from django.core import mail

from rehab import services as rehab_services
from rehab.models import ClinicSettings

pytestmark = pytest.mark.django_db

CONTACT_RU = "Позвонить в клинику"  # "Call the clinic"
YOUR_CLINIC_RU = "Ваша клиника"


@pytest.fixture
def clinic() -> ClinicSettings:
    return rehab_services.clinic_settings_save(
        clinic=ClinicSettings(
            name="Spine Rehab Centre",
            address="12 Lenina St, Moscow",
            phone="+7 (495) 123-45-67",
            time_zone="Europe/Moscow",
        )
    )


def urgent_page(client, symptom: str = "fever") -> str:
    response = client.post("/app/symptoms/", {"symptoms": [symptom]})
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("symptom", ["fever", "saddle_anesthesia"])
def test_the_urgent_screen_gives_the_clinics_name_and_phone_to_call(
    owner_client, clinic, symptom, django_assert_max_num_queries
):
    with django_assert_max_num_queries(40):
        html = urgent_page(owner_client, symptom)
    assert "Your clinic: Spine Rehab Centre." in html
    assert '<a class="button primary" href="tel:+74951234567">' in html
    assert "Call the clinic: +7 (495) 123-45-67" in html


def test_the_clinicians_own_phone_is_there_too_when_they_have_one(owner_client, owner, clinic):
    clinician = owner.clinician
    clinician.phone = "+7 495 765-43-21"
    clinician.save(update_fields=["phone"])
    html = urgent_page(owner_client)
    assert 'href="tel:+74951234567"' in html  # the clinic
    assert 'href="tel:+7 495 765-43-21"' in html  # the clinician, as _contact.html links it


def test_the_urgent_screen_in_russian(owner_client, owner, clinic):
    owner.language = "ru"
    owner.save(update_fields=["language"])
    owner_client.cookies["django_language"] = "ru"
    html = urgent_page(owner_client)
    assert f"{YOUR_CLINIC_RU}: Spine Rehab Centre." in html
    assert f"{CONTACT_RU}: +7 (495) 123-45-67" in html
    assert 'href="tel:+74951234567"' in html


def test_before_the_clinic_has_settings_the_screen_still_works_without_a_number(owner_client):
    html = urgent_page(owner_client)
    assert "Contact your clinic" in html
    assert "Call the clinic" not in html


def test_the_password_reset_email_is_signed_with_the_clinics_name_and_phone(client, owner, clinic):
    owner.user.email = "vera@example.org"
    owner.user.save(update_fields=["email"])
    response = client.post("/app/password-reset/", {"email": "vera@example.org"})
    assert response.status_code == 302
    [message] = mail.outbox
    assert "/app/password-reset/" in message.body
    assert message.body.rstrip().endswith("-- \nSpine Rehab Centre\nPhone: +7 (495) 123-45-67")


def test_before_the_clinic_has_settings_the_password_reset_email_is_unsigned(client, owner):
    owner.user.email = "vera@example.org"
    owner.user.save(update_fields=["email"])
    client.post("/app/password-reset/", {"email": "vera@example.org"})
    [message] = mail.outbox
    assert "-- " not in message.body
