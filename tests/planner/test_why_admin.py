"""The doctors' workspace shows each explanation with its rule's code, in the clinician's
words and the doctor's language; a clinician's own note as written; on a program's page
the names inside the explanations are read once, however many exercises name others."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from planner import selectors, services
from planner.admin.shared import why_html
from planner.models import ProgramExercise
from tests.conftest import SUITE_NOW
from tests.planner.test_admin import patient_with_sciatica
from tests.rehab.test_admin import login
from tests.web.test_why_language import DOSE, NOTE, explanation, naming, translate_dose

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("library")]


def test_why_html_is_in_the_doctors_language_with_the_rule_code(monkeypatch):
    russian = translate_dose(monkeypatch)
    with translation.override("ru"):
        html = why_html(explanation())
    assert f"<div><code>D-DOSE</code> {russian}</div>" in html
    assert f"<code>CHANGE</code> {NOTE['text']}".replace("'", "&#x27;") in html
    with translation.override("en"):
        html = why_html(explanation())
    # The clinician's words, factors and all (not the patient's plainer ones).
    assert f"<div><code>D-DOSE</code> {DOSE.text}</div>" in html


def program_page_queries(client, program) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(
            reverse("admin:planner_program_change", args=[program.pk]), HTTP_ACCEPT_LANGUAGE="ru"
        )
    assert response.status_code == 200
    return len(captured), response.content.decode()


def test_the_program_page_reads_the_names_in_its_explanations_once(client, clinician):
    program = services.program_generate(
        patient=patient_with_sciatica(clinician),
        by=clinician.user,
        start_date=SUITE_NOW.date() - timedelta(days=3),
    )
    items = list(
        selectors.program_exercises(version=selectors.program_current_version(program=program))
    )
    slugs = [item.exercise.slug for item in items]
    login(client, clinician.user)
    program_page_queries(client, program)  # the first page of a sign-in reads more
    ProgramExercise.objects.filter(pk=items[0].pk).update(explanation=naming(slugs[:1]))
    one, _ = program_page_queries(client, program)
    ProgramExercise.objects.filter(pk__in=[i.pk for i in items]).update(explanation=naming(slugs))
    every, page = program_page_queries(client, program)
    assert every == one
    named = items[-1].exercise
    assert named.translations.get(language="ru").name in page
