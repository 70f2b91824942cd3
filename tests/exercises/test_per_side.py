"""One-sided exercises (CLINICAL.md, "Dose": "each side" for one-sided exercises, the time
estimate counting both sides): the library's `per_side` flag, how the loader checks it, that
the seeded library sets it by the exercises' own steps, and the doctors' admin."""

import re
import tomllib

import pytest
from django.core.management import call_command
from django.urls import reverse

from exercises.models import Exercise
from exercises.services import DEFAULT_LIBRARY, LibraryError, library_load
from tests.conftest import PASSWORD
from tests.exercises.test_admin import change_data
from tests.exercises.test_load_library import entry, write

# A step that does a set's repetitions, holds or time on one side and then the same on the
# other: the dose is each side's.
ONE_SIDE_THEN_THE_OTHER = re.compile(
    r"all the repetitions (?:on|with|standing on) one"
    r"|onto the other side to repeat"
    r"|turn round to face the other way"
)
# A step that changes side with every repetition, or within the set's time, or counts right
# and left as one repetition: the dose already covers both sides.
SIDES_WITHIN_THE_DOSE = re.compile(
    r"(?:sides|legs) (?:with )?each repetition|alternating sides|keep changing"
    r"|right and left together count as one|[Hh]alfway through the set time"
)


def seeded() -> list[dict]:
    with DEFAULT_LIBRARY.open("rb") as handle:
        return tomllib.load(handle)["exercise"]


# -- the library file --------------------------------------------------------------------------


def test_every_exercise_done_one_side_then_the_other_is_marked_each_side():
    for ex in seeded():
        one_sided = any(ONE_SIDE_THEN_THE_OTHER.search(step) for step in ex["steps"])
        assert ex.get("per_side", False) == one_sided, ex["slug"]


def test_exercises_that_change_sides_within_their_dose_are_not_marked():
    within = [
        ex
        for ex in seeded()
        if any(SIDES_WITHIN_THE_DOSE.search(step) for step in ex["steps"])
        and not any(ONE_SIDE_THEN_THE_OTHER.search(step) for step in ex["steps"])
    ]
    assert {"bird-dog", "dead-bug", "single-knee-to-chest", "side-plank", "single-leg-stance"} <= {
        ex["slug"] for ex in within
    }
    assert not [ex["slug"] for ex in within if ex.get("per_side")]


def test_the_seeded_one_sided_exercises_are_the_stretches_for_one_leg_and_the_side_work():
    marked = {ex["slug"] for ex in seeded() if ex.get("per_side")}
    assert {
        "hamstring-stretch-strap",
        "calf-stretch-wall",
        "clamshell",
        "single-leg-bridge",
        "standing-hip-abduction",
        "side-lying-thoracic-rotation",
        "standing-pallof-press",
    } <= marked
    # Done with the one leg the clinician shows, not with both.
    assert not {"seated-sciatic-slider", "supine-sciatic-slider"} & marked


@pytest.mark.django_db
def test_the_loaded_library_keeps_the_flag(library):
    assert Exercise.objects.get(slug="clamshell").per_side
    assert not Exercise.objects.get(slug="bird-dog").per_side
    assert Exercise.objects.filter(per_side=True).count() == sum(
        1 for ex in seeded() if ex.get("per_side")
    )


# -- the loader ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_per_side_is_loaded_and_defaults_to_both_sides_at_once(tmp_path, empty_library):
    library_load(path=write(tmp_path, entry("one-leg", per_side="true"), entry("both")))
    assert Exercise.objects.get(slug="one-leg").per_side
    assert not Exercise.objects.get(slug="both").per_side


@pytest.mark.django_db
@pytest.mark.parametrize("value", ['"yes"', "1", '"true"'])
def test_a_per_side_that_is_not_true_or_false_names_the_exercise_and_writes_nothing(
    tmp_path, empty_library, value
):
    library_load(path=write(tmp_path, entry("existing", 1)))
    before = list(Exercise.objects.values_list("slug", "difficulty", "per_side", "updated_at"))
    with pytest.raises(LibraryError) as exc:
        library_load(path=write(tmp_path, entry("existing", 2), entry("clamshell", per_side=value)))
    assert "exercise 'clamshell': per_side must be true or false (without quotes)." in (
        exc.value.problems
    )
    assert (
        list(Exercise.objects.values_list("slug", "difficulty", "per_side", "updated_at")) == before
    )


# -- the doctors' admin ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_doctor_marks_an_exercise_each_side_in_the_admin(client, clinician, tmp_path):
    call_command("load_library", "--file", str(write(tmp_path, entry("lift"))), verbosity=0)
    lift = Exercise.objects.get(slug="lift")
    assert client.login(username=clinician.user.username, password=PASSWORD)
    url = reverse("admin:exercises_exercise_change", args=[lift.pk])
    page = client.get(url).content.decode()
    assert 'name="per_side"' in page and "Each side" in page
    assert client.post(url, change_data(lift, per_side="on")).status_code == 302
    lift.refresh_from_db()
    assert lift.per_side
    listing = client.get(reverse("admin:exercises_exercise_changelist")).content.decode()
    assert "2 x 10 each side, hold 5 s" in listing
