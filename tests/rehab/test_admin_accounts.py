"""The patient page's `user` field: a clinician links a patient's record only to a free
patient account, never to the superuser's, a clinician's, staff's or another patient's."""

import pytest
from django.contrib.auth import get_user_model

from rehab.admin import patient_account_choices
from rehab.models import Patient
from tests.conftest import PASSWORD, make_patient
from tests.rehab.test_admin import ADD, add_form, login

pytestmark = pytest.mark.django_db


def account(username: str, **extra):
    return get_user_model().objects.create_user(username, password=PASSWORD, **extra)


@pytest.fixture
def free():
    """A patient's account that no record is linked to yet."""
    return account("free-patient")


@pytest.fixture
def superuser():
    return get_user_model().objects.create_superuser("root", password=PASSWORD)


@pytest.fixture
def linked_elsewhere(colleague):
    """A colleague's patient's own account."""
    theirs = make_patient(colleague, first_name="Theirs")
    theirs.user = account("theirs")
    theirs.save()
    return theirs.user


def test_the_field_offers_only_free_patient_accounts(
    client, clinician, colleague, outsider, free, superuser, linked_elsewhere
):
    account("gone", is_active=False)
    login(client, clinician.user)
    form = client.get(ADD).context["adminform"].form
    offered = set(form.fields["user"].queryset.values_list("username", flat=True))
    assert offered == {"free-patient"}
    html = client.get(ADD).content.decode()
    assert "free-patient" in html
    for hidden in ("root", "outsider", "colleague", "owner", "theirs", "gone"):
        assert f">{hidden}<" not in html


@pytest.mark.parametrize(
    "forged", ["superuser", "linked_elsewhere", "colleague_account", "own_account", "outsider"]
)
def test_a_forged_account_id_is_refused_and_nothing_saved(
    client, clinician, colleague, outsider, superuser, linked_elsewhere, forged
):
    target = {
        "superuser": superuser,
        "linked_elsewhere": linked_elsewhere,
        "colleague_account": colleague.user,
        "own_account": clinician.user,
        "outsider": outsider,
    }[forged]
    login(client, clinician.user)
    before = Patient.objects.count()
    response = client.post(ADD, add_form(clinician, user=str(target.pk)))
    assert response.status_code == 200
    assert "user" in response.context["adminform"].form.errors
    assert Patient.objects.count() == before
    assert not Patient.objects.filter(user=target, first_name="New").exists()
    superuser.refresh_from_db()
    assert superuser.check_password(PASSWORD)  # and the account itself is untouched


def test_a_clinician_links_a_free_patient_account(client, clinician, free):
    login(client, clinician.user)
    response = client.post(ADD, add_form(clinician, user=str(free.pk)))
    assert response.status_code == 302
    assert Patient.objects.get(first_name="New").user == free
    assert not patient_account_choices().filter(pk=free.pk).exists()  # no longer free


def test_a_patient_keeps_their_own_account_as_a_choice(clinician, free):
    patient = make_patient(clinician, first_name="Linked")
    patient.user = free
    patient.save()
    assert list(patient_account_choices(patient=patient)) == [free]
    assert list(patient_account_choices()) == []


def test_the_form_check_holds_without_the_admin(clinician, superuser):
    from workspace.admin import PatientAdminForm

    patient = make_patient(clinician, first_name="Direct")
    data = {k: v for k, v in add_form(clinician, user=str(superuser.pk)).items() if "-" not in k}
    form = PatientAdminForm(data, instance=patient)
    assert not form.is_valid() and "user" in form.errors
