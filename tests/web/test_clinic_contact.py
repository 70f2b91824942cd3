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


# -- A paused Today says whom to call too ----------------------------------------------------


def paused(owner) -> None:
    from planner import selectors as planner_selectors
    from planner import services as planner_services

    program = planner_selectors.patient_current_program(patient=owner)
    planner_services.program_pause(
        program=program, by=owner.clinician.user, reason="Your doctor wants to see you first."
    )


def test_a_paused_today_gives_the_clinicians_and_the_clinics_phones(owner_client, owner, clinic):
    clinician = owner.clinician
    clinician.phone = "+7 495 765-43-21"
    clinician.save(update_fields=["phone"])
    paused(owner)
    html = owner_client.get("/app/today/").content.decode()
    assert "Your program is paused" in html
    assert 'href="tel:+7 495 765-43-21"' in html  # the clinician
    assert "Your clinic: Spine Rehab Centre." in html
    assert '<a class="button primary" href="tel:+74951234567">' in html
    assert "<!--clinic-contact-->" not in html


def test_a_paused_today_without_a_clinician_phone_still_gives_the_clinics(
    owner_client, owner, clinic
):
    assert not owner.clinician.phone
    paused(owner)
    html = owner_client.get("/app/today/").content.decode()
    assert "Call the clinic: +7 (495) 123-45-67" in html
    assert 'href="tel:+74951234567"' in html


def test_a_paused_today_in_russian(owner_client, owner, clinic):
    owner.language = "ru"
    owner.save(update_fields=["language"])
    owner_client.cookies["django_language"] = "ru"
    paused(owner)
    html = owner_client.get("/app/today/").content.decode()
    assert "Программа приостановлена" in html
    assert f"{YOUR_CLINIC_RU}: Spine Rehab Centre." in html
    assert f"{CONTACT_RU}: +7 (495) 123-45-67" in html


def test_the_clinics_new_phone_shows_on_the_cached_paused_today_without_a_query_more(
    owner_client, owner, clinic, django_assert_max_num_queries
):
    paused(owner)
    owner_client.get("/app/today/")  # rendered and cached under the day's stamp
    clinic.phone = "+7 (495) 000-11-22"
    rehab_services.clinic_settings_save(clinic=clinic)
    owner_client.get("/app/today/")  # the clinic's settings read once into their cache
    # The session, the user with the patient, the stamp: the clinic's phone comes from the
    # clinic's cached settings, not from the page cached before the change.
    with django_assert_max_num_queries(3):
        html = owner_client.get("/app/today/").content.decode()
    assert 'href="tel:+74950001122"' in html
    assert "+7 (495) 123-45-67" not in html


def test_a_day_at_home_has_no_clinic_line(owner_client, clinic):
    html = owner_client.get("/app/today/").content.decode()
    assert "Call the clinic" not in html
    assert "<!--clinic-contact-->" not in html


def test_a_paused_today_before_the_clinic_has_settings_has_no_clinic_line(owner_client, owner):
    paused(owner)
    html = owner_client.get("/app/today/").content.decode()
    assert "Your program is paused" in html
    assert "Call the clinic" not in html
