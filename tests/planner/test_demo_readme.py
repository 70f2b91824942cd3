"""The demo `make run` seeds, as the README walks a doctor through it: "Generate a draft
program" makes a draft for the patient the demo leaves without one, and tells every other
patient why not in plain words; no demo patient trains at home before the first supervised
session."""

from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from planner.models import Program, SessionLog, SupervisedSession
from rehab.demo import DEMO_PASSWORDS
from rehab.models import Patient
from tests.demo_world import demo  # noqa: F401 (a fixture)
from tests.planner.test_admin import row_counts

pytestmark = [pytest.mark.usefixtures("demo"), pytest.mark.django_db]

INTERNALS = ("patient:", "status:", "saddle_anesthesia", "_")


def test_generate_a_draft_program_works_on_the_demo_as_the_readme_says():
    readme = " ".join((Path(settings.BASE_DIR) / "README.md").read_text().split())
    assert 'Patients, select, "Generate a draft program" (Sergei Fedorov' in readme
    client = Client()
    assert client.login(username="doctor", password=DEMO_PASSWORDS["doctor"])
    patients = list(Patient.objects.filter(clinician__user__username="doctor"))
    without = [p for p in patients if not Program.objects.filter(patient=p).exists()]
    # Newly examined, no program yet; and Pavel Morozov and Anton Lebedev, whose red flags
    # allow none.
    assert sorted(p.last_name for p in without) == ["Fedorov", "Lebedev", "Morozov"]
    fedorov = next(p for p in without if p.last_name == "Fedorov")
    before = Program.objects.count()
    response = client.post(
        reverse("admin:rehab_patient_changelist"),
        {"action": "generate_draft_program", "_selected_action": [p.pk for p in patients]},
        follow=True,
    )
    assert response.status_code == 200
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert len(messages) == len(patients)
    drafted = Program.objects.get(patient=fedorov)
    assert drafted.status == "draft" and Program.objects.count() == before + 1
    assert any(
        m.startswith("Sergei Fedorov:")
        and reverse("admin:planner_program_change", args=[drafted.pk]) in m
        for m in messages
    )
    for message in messages:
        text = message.split("<a ")[0]  # the link's address is no word a doctor reads
        for internal in INTERNALS:
            assert internal not in text, message
    assert any("Saddle anaesthesia" in m for m in messages)  # Pavel Morozov's red flag
    # And a second go changes nothing: every patient now has a program or a red flag.
    counts = row_counts()
    client.post(
        reverse("admin:rehab_patient_changelist"),
        {"action": "generate_draft_program", "_selected_action": [p.pk for p in patients]},
    )
    assert row_counts() == counts


def test_home_training_never_starts_before_the_first_supervised_session():
    at_home = Program.objects.filter(home_started_on__isnull=False).select_related("patient")
    assert at_home.exists()
    for program in Program.objects.exclude(status="draft").select_related("patient"):
        zone = ZoneInfo(program.patient.time_zone)
        first = SupervisedSession.objects.filter(program=program).order_by("number").first()
        assert first is not None
        first_day = first.scheduled_for.astimezone(zone).date()
        if program.home_started_on is not None:
            assert first.status == "done"
            assert program.home_started_on >= first_day, program
        logged = SessionLog.objects.filter(home_session__program=program).values_list(
            "home_session__day", flat=True
        )
        for day in logged:
            assert program.home_started_on is not None and day >= program.home_started_on
            assert day >= first_day
