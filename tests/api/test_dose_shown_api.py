"""The API keeps the prescribed dose exactly and adds the dose as the patient is shown it
(CLINICAL.md, "Dose"): holds in 5 s steps, whole minutes, "each side" for a one-sided
exercise, in the reader's language; the exercise library says which exercises are one-sided.
"""

import pytest
from drf_spectacular.generators import SchemaGenerator

from exercises.models import Exercise
from planner.models import ProgramExercise
from tests.api.conftest import Clinic, current_items

pytestmark = pytest.mark.django_db

V1 = "/api/v1"
SHOWN = {
    "en": "2 sets of 7 repetitions each side, hold each for 20 s",
    "ru": "2 подхода по 7 повторений на каждую сторону, каждое с задержкой 20 с",  # noqa: RUF001
}


def one_sided_with_a_22_second_hold(world: Clinic) -> ProgramExercise:
    item = next(item for item in current_items(world.home_program) if item.reps)
    ProgramExercise.objects.filter(pk=item.pk).update(sets=2, reps=7, hold_s=22)
    Exercise.objects.filter(pk=item.exercise_id).update(per_side=True, max_hold_s=25)
    return ProgramExercise.objects.select_related("exercise").get(pk=item.pk)


def dose_of(items: list[dict], slug: str) -> dict:
    return next(entry["dose"] for entry in items if entry["exercise"]["slug"] == slug)


@pytest.mark.parametrize("language", ["en", "ru"])
def test_today_keeps_the_exact_dose_and_adds_the_shown_one_in_the_reader_s_language(
    world, as_actor, language
):
    item = one_sided_with_a_22_second_hold(world)
    today = as_actor("owner_patient").get(f"{V1}/today/", HTTP_ACCEPT_LANGUAGE=language).json()
    dose = dose_of(today["exercises"], item.exercise.slug)
    assert (dose["sets"], dose["reps"], dose["hold_s"], dose["duration_s"]) == (2, 7, 22, 0)
    assert dose["text"] == "2 x 7 each side, hold 22 s"  # the prescription, exactly
    assert dose["per_side"] is True
    assert dose["shown"] == {
        "sets": 2,
        "reps": 7,
        "hold_s": 20,
        "duration_s": 0,
        "text": SHOWN[language],
    }


def test_the_program_and_the_clinician_s_view_show_the_same(world, as_actor):
    item = one_sided_with_a_22_second_hold(world)
    program = as_actor("owner_patient").get(f"{V1}/program/").json()
    dose = dose_of(program["exercises"], item.exercise.slug)
    assert dose["hold_s"] == 22 and dose["shown"]["hold_s"] == 20 and dose["per_side"]
    clinician = (
        as_actor("clinician").get(f"{V1}/clinician/programs/{world.home_program.pk}/").json()
    )
    row = next(e for e in clinician["exercises"] if e["exercise"] == item.exercise.slug)
    assert row["dose"]["hold_s"] == 22 and row["dose"]["shown"]["text"] == SHOWN["en"]


def test_the_library_says_which_exercises_are_one_sided(world, as_actor):
    for slug, one_sided in (("clamshell", True), ("bird-dog", False)):
        body = as_actor("clinician").get(f"{V1}/exercises/{slug}/").json()
        assert body["default_dose"]["per_side"] is one_sided


def test_the_schema_documents_the_shown_dose_and_the_side():
    components = SchemaGenerator().get_schema(request=None, public=True)["components"]["schemas"]
    dose = components["Dose"]["properties"]
    assert {"per_side", "shown"} <= set(dose)
    assert "each side" in dose["per_side"]["description"]
    shown = components["ShownDose"]["properties"]
    assert set(shown) == {"sets", "reps", "hold_s", "duration_s", "text"}
    assert "5 s steps" in shown["hold_s"]["description"]
    assert components["DefaultDose"]["properties"]["per_side"]["type"] == "boolean"
