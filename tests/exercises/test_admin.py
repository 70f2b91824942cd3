"""The exercise library in the doctors' admin."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from exercises.models import Exercise, MovementTag
from rehab.models import Diagnosis
from rehab.selectors import clinic_settings
from tests.conftest import PASSWORD
from tests.exercises.test_load_library import entry, write

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:exercises_exercise_changelist")


@pytest.fixture
def doctor_client(client, clinician):
    assert client.login(username=clinician.user.username, password=PASSWORD)
    return client


def queries_for(client, url: str) -> tuple[int, str]:
    # The admin reads the clinic's settings (its clock) from the shared cache, which loading
    # the library may have emptied: the page's own queries are the ones counted.
    clinic_settings()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


def test_whole_library_changelist_in_constant_queries(
    doctor_client, tmp_path, django_assert_max_num_queries, empty_library
):
    call_command(
        "load_library", "--file", str(write(tmp_path, entry("one"), entry("two"))), verbosity=0
    )
    few, _ = queries_for(doctor_client, CHANGELIST)
    Exercise.objects.all().delete()
    call_command("load_library", verbosity=0)
    assert Exercise.objects.count() >= 60
    many, html = queries_for(doctor_client, CHANGELIST)
    assert many == few
    # 14, and the translations (the list says which an exercise lacks).
    with django_assert_max_num_queries(15):
        doctor_client.get(CHANGELIST)
    assert "Prone press-up" in html or "prone" in html


@pytest.mark.parametrize(
    "query",
    ["?category__exact=neural_mobilisation", "?difficulty__exact=1"],
)
def test_filters(doctor_client, query):
    response = doctor_client.get(CHANGELIST + query)
    assert response.status_code == 200
    shown = list(response.context["cl"].result_list)
    assert shown
    if "category" in query:
        assert {ex.category for ex in shown} == {"neural_mobilisation"}
    if "difficulty" in query:
        assert {ex.difficulty for ex in shown} == {1}


def test_filter_by_movement_tag(doctor_client):
    prone = MovementTag.objects.get(code="prone")
    response = doctor_client.get(CHANGELIST + f"?movement_tags__id__exact={prone.pk}")
    shown = list(response.context["cl"].result_list)
    assert {ex.slug for ex in shown} == set(
        Exercise.objects.filter(movement_tags=prone).values_list("slug", flat=True)
    )
    assert "prone-press-up" in {ex.slug for ex in shown}


def test_filter_by_indication(doctor_client):
    stenosis = Diagnosis.objects.get(code="spinal_stenosis")
    response = doctor_client.get(CHANGELIST + f"?indications__id__exact={stenosis.pk}")
    shown = list(response.context["cl"].result_list)
    assert shown and all(stenosis in ex.indications.all() for ex in shown)


def change_data(exercise: Exercise, **overrides) -> dict:
    data = {
        "name": exercise.name,
        "slug": exercise.slug,
        "is_active": "on",
        "category": exercise.category,
        "starting_position": exercise.starting_position,
        "difficulty": exercise.difficulty,
        "equipment": exercise.equipment,
        "movement_tags": [t.pk for t in exercise.movement_tags.all()],
        "indications": [d.pk for d in exercise.indications.all()],
        "harder_variant": exercise.harder_variant_id or "",
        "summary": exercise.summary,
        "instructions": exercise.instructions,
        "safety_notes": exercise.safety_notes,
    }
    for name in ("sets", "reps", "hold_s", "duration_s"):
        for prefix in ("default", "min", "max"):
            data[f"{prefix}_{name}"] = getattr(exercise, f"{prefix}_{name}")
    data["seconds_per_rep"] = exercise.seconds_per_rep
    data.update(translations_data(exercise))
    data.update(overrides)
    return data


def translations_data(exercise: Exercise, **changes: str) -> dict:
    """The translations inline as the page sends it back, each as it is (`changes`, such as
    `name="..."`, edit the first); the exercise's texts in the patients' other languages."""
    rows = list(exercise.translations.order_by("language"))
    data: dict = {
        "translations-TOTAL_FORMS": len(rows),
        "translations-INITIAL_FORMS": len(rows),
        "translations-MIN_NUM_FORMS": 0,
        "translations-MAX_NUM_FORMS": 1000,
    }
    for index, row in enumerate(rows):
        fields = {
            "id": row.pk,
            "exercise": exercise.pk,
            "language": row.language,
            "name": row.name,
            "summary": row.summary,
            "instructions": row.instructions,
            "safety_notes": row.safety_notes,
        }
        if index == 0:
            fields.update(changes)
        data.update({f"translations-{index}-{key}": value for key, value in fields.items()})
    return data


def test_doctor_links_a_harder_variant(doctor_client, tmp_path):
    call_command(
        "load_library",
        "--file",
        str(write(tmp_path, entry("easy", 1), entry("hard", 3))),
        verbosity=0,
    )
    easy, hard = Exercise.objects.get(slug="easy"), Exercise.objects.get(slug="hard")
    url = reverse("admin:exercises_exercise_change", args=[easy.pk])
    response = doctor_client.post(url, change_data(easy, harder_variant=hard.pk))
    assert response.status_code == 302
    easy.refresh_from_db()
    assert easy.harder_variant == hard


def test_a_harder_variant_that_is_not_harder_is_refused(doctor_client, tmp_path):
    call_command(
        "load_library",
        "--file",
        str(write(tmp_path, entry("easy", 1), entry("hard", 3))),
        verbosity=0,
    )
    easy, hard = Exercise.objects.get(slug="easy"), Exercise.objects.get(slug="hard")
    url = reverse("admin:exercises_exercise_change", args=[hard.pk])
    response = doctor_client.post(url, change_data(hard, harder_variant=easy.pk))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "must be above this exercise's 3" in errors["harder_variant"][0]
    hard.refresh_from_db()
    assert hard.harder_variant is None


def test_unknown_equipment_and_bad_dose_are_refused(doctor_client, tmp_path):
    call_command("load_library", "--file", str(write(tmp_path, entry("easy", 1))), verbosity=0)
    easy = Exercise.objects.get(slug="easy")
    url = reverse("admin:exercises_exercise_change", args=[easy.pk])
    response = doctor_client.post(url, change_data(easy, equipment=["trampoline"], default_reps=99))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "equipment" in errors and "default_reps" in errors
    easy.refresh_from_db()
    assert easy.default_reps == 10


def test_builtin_movement_tag_code_cannot_be_renamed(doctor_client, admin_client):
    from exercises.models import MovementTag

    tag = MovementTag.objects.get(code="prone")
    url = reverse("admin:exercises_movementtag_change", args=[tag.pk])
    admin_client.post(url, {"code": "on_tummy", "description": "renamed"})
    tag.refresh_from_db()
    assert tag.code == "prone"
