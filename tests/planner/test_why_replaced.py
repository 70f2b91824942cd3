"""An exercise the daily recheck puts in place of one the rules now rule out says why as
data: a Russian-speaking patient reads it in Russian and in plain words, an English one in
English."""

from datetime import timedelta

import pytest
import time_machine

from planner import services
from planner.explanations import reasons_text
from tests.conftest import start_program
from tests.planner.test_safety_invariant import (
    FROZEN,
    current_rows,
    lying_slugs,
    pregnant_patient,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("library")]


@pytest.mark.parametrize("zone", ["Pacific/Auckland", "America/Los_Angeles"])
def test_what_takes_a_ruled_out_exercises_place_says_why_in_the_patients_language(clinician, zone):
    with time_machine.travel(FROZEN, tick=False):
        patient = pregnant_patient(clinician, 12, zone)
        program = start_program(patient, clinician.user, FROZEN.date(), master=True)
    with time_machine.travel(FROZEN + timedelta(days=8), tick=False):
        services.programs_recheck_due()
    rows = current_rows(program)
    assert lying_slugs(rows) == set()
    swapped = [r for r in rows if r.explanation and r.explanation[0]["rule"] == "R-PREG-2"]
    assert swapped
    row = swapped[0]
    assert all("message" in reason for reason in row.explanation)
    english = reasons_text(row.explanation, language="en", patient=True)
    assert english[0]["text"].startswith("In place of an exercise the rules now rule out: ")
    russian = reasons_text(row.explanation, language="ru", patient=True)
    assert russian[0]["text"].startswith("Заменяет упражнение, которое вам сейчас не подходит: ")
    assert not any(" x 0." in line["text"] for line in english + russian)
