"""Clinicians invite their patients to the app from the admin's patient list."""

import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from notifications import records
from notifications import services as notification_services
from rehab.models import PatientInvite
from tests.conftest import PASSWORD, make_patient

pytestmark = pytest.mark.django_db


def invite(client, *patients):
    return client.post(
        "/admin/rehab/patient/",
        {"action": "invite_to_app", "_selected_action": [p.pk for p in patients]},
        follow=True,
    )


def test_the_clinician_gets_the_link_and_the_patient_an_email_in_their_language(client, clinician):
    vera = make_patient(clinician, first_name="Vera", email="vera@example.org")
    notification_services.reminder_preferences_update(patient=vera, language="ru")
    quiet = make_patient(clinician, first_name="Quiet")  # no email address: the link is shown
    client.login(username="owner", password=PASSWORD)
    page = invite(client, vera, quiet).content.decode()

    assert PatientInvite.objects.filter(patient__in=[vera, quiet]).count() == 2
    assert "emailed to vera@example.org" in page
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["vera@example.org"]
    link = re.search(r"http://testserver/app/invite/[\w-]+/", message.body).group(0)
    assert link in page
    client.logout()
    assert client.get(link).status_code == 200


def test_a_clinician_cannot_invite_another_clinicians_patient(client, clinician, colleague):
    theirs = make_patient(colleague, email="theirs@example.org")
    client.login(username="owner", password=PASSWORD)
    invite(client, theirs)
    assert not PatientInvite.objects.exists()
    assert mail.outbox == []


def test_an_erased_patient_is_not_invited_and_the_others_still_are(client, clinician):
    erased = make_patient(clinician, first_name="Gone", email="gone@example.org")
    records.patient_erase(patient=erased, by=clinician.user)
    vera = make_patient(clinician, first_name="Vera", email="vera@example.org")
    client.login(username="owner", password=PASSWORD)
    page = invite(client, erased, vera).content.decode()

    assert "an erased patient cannot be invited to the app" in page
    assert list(PatientInvite.objects.values_list("patient", flat=True)) == [vera.pk]
    assert [message.to for message in mail.outbox] == [["vera@example.org"]]
    with pytest.raises(ValidationError):
        notification_services.patient_invite_send(
            patient=erased, by=clinician.user, base_url="http://testserver/"
        )
    assert not PatientInvite.objects.filter(patient=erased).exists()
