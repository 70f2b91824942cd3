"""`seed_demo_programs`: the demo shows every stage of a program, and reruns change nothing."""

import pytest
from django.apps import apps
from django.core.management import call_command

from planner.models import Program, ReviewProposal
from rehab.models import Patient

pytestmark = pytest.mark.django_db


def row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def test_demo_programs_cover_each_stage_and_a_rerun_changes_nothing():
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo_programs", verbosity=0)
    statuses = set(Program.objects.values_list("status", flat=True))
    assert statuses == {"draft", "active", "paused"}  # paused: a red flag reported from the app
    assert Program.objects.filter(home_started_on__isnull=False).exists()
    assert Program.objects.filter(status="active", home_started_on__isnull=True).exists()
    assert ReviewProposal.objects.filter(status="pending").exists()
    # Every demo patient can sign in to the app, with a plain (non-staff) account.
    assert not Patient.objects.filter(user__isnull=True).exists()
    assert not Patient.objects.filter(user__is_staff=True).exists()
    smirnova = Patient.objects.get(last_name="Smirnova").user
    assert smirnova.username == "smirnova" and smirnova.check_password("demo-patient-2026")
    # A patient with an active red flag has no program running: none is made for a flag
    # recorded at the examination, and one reported from the app paused the program.
    assert not Program.objects.filter(
        patient__red_flags__status="active", status__in=["draft", "active"]
    ).exists()
    assert Program.objects.filter(patient__red_flags__status="active", status="paused").exists()
    before = row_counts()
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo_programs", verbosity=0)
    assert row_counts() == before
