"""Patients with logins and programs at each stage, for the patient app's tests."""

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from planner import selectors, services
from planner.models import Program
from rehab import services as rehab_services
from rehab.models import Patient
from tests.conftest import PASSWORD, make_patient


@pytest.fixture
def library(db: None) -> None:
    call_command("load_library", verbosity=0)


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


def program_for(patient: Patient, clinician, *, days_ago: int = 3, master: bool = True) -> Program:
    start = selectors.patient_local_today(patient=patient) - timedelta(days=days_ago)
    program = services.program_generate(patient=patient, by=clinician.user, start_date=start)
    program = services.program_approve(program=program, by=clinician.user)
    if master:
        version = selectors.program_current_version(program=program)
        for item in selectors.program_exercises(version=version):
            services.mastery_sign_off(program_exercise=item, by=clinician.user, on=start)
    program.refresh_from_db()
    return program


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
