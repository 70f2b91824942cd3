"""Patients with logins and programs at each stage, for the patient app's tests."""

from typing import Any

import pytest
from django.contrib.auth import get_user_model

from rehab import services as rehab_services
from rehab.models import Patient
from tests.conftest import PASSWORD, make_patient, program_for
from web.assets import WORKER_VERSION_HEADER, assets_version


def from_the_service_worker() -> dict[str, str]:
    """Headers of a page the app's service worker asks for, holding this version's files
    (its navigation preload, sw.js): the page names them instead of carrying them inside."""
    return {WORKER_VERSION_HEADER: assets_version()}


def with_login(patient: Patient, username: str) -> Any:
    user = get_user_model().objects.create_user(username, password=PASSWORD)
    patient.user = user
    patient.save(update_fields=["user"])
    return user


def sciatica_patient(clinician, username: str, **overrides: Any) -> Patient:
    patient = make_patient(clinician, time_zone="Europe/Moscow", **overrides)
    rehab_services.patient_diagnosis_add(
        patient=patient, code="sciatica", side="left", stage="subacute"
    )
    with_login(patient, username)
    return patient


@pytest.fixture
def owner(clinician, library) -> Patient:
    """A patient a few days into home training, signed up for the app."""
    patient = sciatica_patient(clinician, "vera", first_name="Vera", email="vera@example.org")
    program_for(patient, clinician)
    return patient


@pytest.fixture
def other_patient(colleague, library) -> Patient:
    """Another clinic's patient, also at home, with a login of their own."""
    patient = sciatica_patient(colleague, "oleg", first_name="Oleg", sex="male")
    program_for(patient, colleague)
    return patient


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner.user)
    return client
