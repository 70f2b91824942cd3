"""An exercise's patient-facing texts in every language of the site: kept in the library file,
required by the loader, editable in the admin, and read by `exercise_text`."""

# ruff: noqa: RUF001 (Russian text is meant here)

import re
import tomllib
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from time_machine import travel

from exercises.models import Exercise, ExerciseTranslation, library_languages
from exercises.selectors import exercise_text
from exercises.services import DEFAULT_LIBRARY, LibraryError, library_load
from tests.conftest import PASSWORD
from tests.exercises.test_admin import change_data, translations_data
from tests.exercises.test_load_library import entry, write

pytestmark = pytest.mark.django_db

SEEDED = tomllib.loads(DEFAULT_LIBRARY.read_text())["exercise"]
RU_TABLE = (
    "[exercise.translations.ru]\n"
    'name = "Мост"\n'
    'summary = "Укрепляет ягодицы."\n'
    'steps = ["Лягте на спину.", "На выдохе мягко напрягите живот."]\n'
    'safety = ["Прекратите, если боль уходит ниже по ноге."]\n'
)


def snapshot() -> list[tuple]:
    return list(
        ExerciseTranslation.objects.order_by("exercise__slug", "language").values_list(
            "exercise__slug", "language", "name", "instructions"
        )
    ) + list(Exercise.objects.order_by("slug").values_list("slug", "updated_at"))


# -- The seeded library -------------------------------------------------------------------------


def test_the_site_requires_russian():
    assert library_languages() == ["ru"]


@pytest.mark.parametrize("exercise", SEEDED, ids=[e["slug"] for e in SEEDED])
def test_every_seeded_exercise_is_in_every_language_of_the_site(exercise):
    for language in library_languages():
        text = exercise.get("translations", {}).get(language)
        assert text, f"{exercise['slug']} lacks its {language} translation"
        assert len(text["steps"]) == len(exercise["steps"])
        assert len(text["safety"]) == len(exercise["safety"])


@pytest.mark.parametrize("exercise", SEEDED, ids=[e["slug"] for e in SEEDED])
def test_the_russian_texts_are_russian_and_say_stop_first(exercise):
    text = exercise["translations"]["ru"]
    for line in [text["name"], text["summary"], *text["steps"], *text["safety"]]:
        assert not re.search(r"[A-Za-z]", line), line  # no English word left behind
        assert re.search(r"[а-яё]", line, re.IGNORECASE), line
    # "Stop if ..." comes first in every language.
    assert text["safety"][0].startswith("Прекратите"), text["safety"][0]


def test_the_russian_wording_is_the_same_throughout():
    lines = [
        line
        for exercise in SEEDED
        for line in exercise["translations"]["ru"]["safety"]
        + exercise["translations"]["ru"]["steps"]
    ]
    numbness = [line for line in lines if "онемение, покалывание или слабость" in line]
    assert len(numbness) >= 60
    assert all("новое онемение, покалывание или слабость в ноге" in line for line in numbness)
    assert not any(re.search(r"терапевт|инструктор", line) for line in lines)


def test_the_loaded_library_has_every_translation(library):
    assert not Exercise.objects.exclude(translations__language="ru").exists()
    press_up = Exercise.objects.get(slug="prone-press-up")
    text = exercise_text(exercise=press_up, language="ru")
    assert text.translated and text.name == "Прогиб назад на руках лёжа на животе"
    assert len(text.steps) == len(press_up.steps) and len(text.safety) == len(press_up.safety)


# -- The loader ---------------------------------------------------------------------------------


def test_translations_are_loaded_and_loading_again_changes_nothing(tmp_path, empty_library):
    path = write(tmp_path, entry("bridge"))
    assert library_load(path=path).created == ["bridge"]
    row = ExerciseTranslation.objects.get(exercise__slug="bridge", language="ru")
    assert row.name == "Упражнение bridge"
    assert row.steps == ["Lie on your back.", "Breathe out and tighten your tummy gently."]
    before = snapshot()
    assert library_load(path=path).unchanged == ["bridge"]
    assert snapshot() == before


def test_a_changed_translation_updates_the_exercise_and_its_time(tmp_path, empty_library):
    library_load(path=write(tmp_path, entry("bridge")))
    stamp = Exercise.objects.get(slug="bridge").updated_at
    with_russian = entry("bridge", ru=False) + RU_TABLE
    later = timezone.now() + timedelta(minutes=1)
    with travel(later, tick=False):
        report = library_load(path=write(tmp_path, with_russian))
    assert report.updated == ["bridge"]
    assert ExerciseTranslation.objects.get(exercise__slug="bridge").name == "Мост"
    assert Exercise.objects.get(slug="bridge").updated_at > stamp


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (entry("x", ru=False), "exercise 'x': no translation into 'ru'"),
        (
            entry("x", ru=False) + RU_TABLE.replace('"Лягте на спину.", ', ""),
            "exercise 'x', translation 'ru': 1 steps where the exercise has 2",
        ),
        (
            entry("x", ru=False)
            + RU_TABLE.replace(
                '["Прекратите, если боль уходит ниже по ноге."]', '["Прекратите.", "Ещё."]'
            ),
            "exercise 'x', translation 'ru': 2 safety where the exercise has 1",
        ),
        (
            entry("x") + RU_TABLE.replace(".ru]", ".de]"),
            "exercise 'x': translation into unknown language 'de'",
        ),
        (
            entry("x") + RU_TABLE.replace(".ru]", ".en]"),
            "exercise 'x': translation into unknown language 'en'",
        ),
        (entry("x", ru=False) + RU_TABLE.replace('"Мост"', '"  "'), "name is required text"),
        (
            entry("x", ru=False) + RU_TABLE.replace('["Лягте', '["", "Лягте'),
            "steps must be a non-empty list of one-line texts",
        ),
    ],
    ids=["missing", "fewer-steps", "more-safety", "unknown", "base-language", "empty", "blank"],
)
def test_a_missing_or_wrong_translation_is_refused_and_nothing_is_written(
    tmp_path, empty_library, text, message
):
    library_load(path=write(tmp_path, entry("existing", 1)))
    before = snapshot()
    with pytest.raises(LibraryError) as refused:
        library_load(path=write(tmp_path, entry("existing", 2), text))
    assert any(
        problem.startswith(message) or message in problem for problem in refused.value.problems
    ), refused.value.problems
    assert snapshot() == before


def test_a_clinic_that_adds_a_language_requires_it(tmp_path, empty_library, settings):
    settings.LANGUAGES = [*settings.LANGUAGES, ("de", "Deutsch")]
    assert library_languages() == ["ru", "de"]
    with pytest.raises(LibraryError) as refused:
        library_load(path=write(tmp_path, entry("bridge")))
    assert refused.value.problems[0].startswith("exercise 'bridge': no translation into 'de'")
    german = RU_TABLE.replace(".ru]", ".de]")
    library_load(path=write(tmp_path, entry("bridge") + german))
    assert sorted(
        ExerciseTranslation.objects.filter(exercise__slug="bridge").values_list(
            "language", flat=True
        )
    ) == ["de", "ru"]


def test_one_translation_per_exercise_and_language_and_never_empty(library):
    press_up = Exercise.objects.get(slug="prone-press-up")
    with transaction.atomic(), pytest.raises(IntegrityError):
        ExerciseTranslation.objects.create(
            exercise=press_up,
            language="ru",
            name="x",
            summary="x",
            instructions="x",
            safety_notes="x",
        )
    with transaction.atomic(), pytest.raises(IntegrityError):
        ExerciseTranslation.objects.create(
            exercise=press_up,
            language="de",
            name="",
            summary="x",
            instructions="x",
            safety_notes="x",
        )


# -- Read in the patient's language -------------------------------------------------------------


def test_an_exercise_without_a_translation_is_read_in_english(library):
    exercise = Exercise.objects.get(slug="prone-press-up")
    exercise.translations.all().delete()
    text = exercise_text(exercise=exercise, language="ru")
    assert (text.name, text.steps, text.translated) == (exercise.name, exercise.steps, False)
    assert text.slug == exercise.slug  # the rest is the exercise's own


def test_the_language_is_matched_by_its_main_part_and_english_reads_the_exercise(library):
    exercise = Exercise.objects.get(slug="prone-press-up")
    assert exercise_text(exercise=exercise, language="ru-RU").name.startswith("Прогиб")
    english = exercise_text(exercise=exercise, language="en")
    assert english.name == exercise.name and english.translated


# -- The admin ----------------------------------------------------------------------------------


@pytest.fixture
def doctor(client, clinician):
    assert client.login(username=clinician.user.username, password=PASSWORD)
    return client


def change_url(exercise: Exercise) -> str:
    return reverse("admin:exercises_exercise_change", args=[exercise.pk])


def test_a_doctor_corrects_a_translation_and_the_exercise_is_marked_changed(doctor, library):
    exercise = Exercise.objects.get(slug="prone-press-up")
    before = exercise.updated_at
    page = doctor.get(change_url(exercise)).content.decode()
    assert "Translation for patients" in page and "Прогиб назад на руках" in page
    data = change_data(exercise, **translations_data(exercise, name="Прогиб на руках"))
    with_clock = timezone.now() + timedelta(minutes=5)
    with travel(with_clock, tick=False):
        assert doctor.post(change_url(exercise), data).status_code == 302
    exercise.refresh_from_db()
    assert exercise.translations.get(language="ru").name == "Прогиб на руках"
    assert exercise.updated_at > before


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": ""}, "name", "This field is required."),
        ({"instructions": "Лягте на живот."}, "instructions", "1 lines; the exercise has 7"),
        ({"safety_notes": "Прекратите.\n\n"}, "safety_notes", "1 lines; the exercise has 4"),
        ({"language": "de"}, "language", "Select a valid choice."),
    ],
)
def test_a_wrong_translation_is_refused_in_the_admin_and_nothing_changes(
    doctor, library, changes, field, message
):
    exercise = Exercise.objects.get(slug="prone-press-up")
    before = snapshot()
    response = doctor.post(
        change_url(exercise), change_data(exercise, **translations_data(exercise, **changes))
    )
    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][0].formset.errors[0]
    assert message in " ".join(errors[field]), errors
    assert snapshot() == before


def test_a_new_exercise_without_a_translation_is_flagged_and_one_can_be_added(doctor, library):
    exercise = Exercise.objects.get(slug="prone-press-up")
    exercise.translations.all().delete()
    listing = doctor.get(reverse("admin:exercises_exercise_changelist")).content.decode()
    assert "Missing: ru." in listing
    page = doctor.get(change_url(exercise)).content.decode()
    assert "Missing: ru. Patients who read it see this exercise in English." in page
    data = change_data(exercise)
    data.update(
        {
            "translations-TOTAL_FORMS": 1,
            "translations-0-exercise": exercise.pk,
            "translations-0-language": "ru",
            "translations-0-name": "Прогиб на руках",
            "translations-0-summary": "Мягко прогибает поясницу.",
            "translations-0-instructions": "\n".join(f"Шаг {n}." for n in range(1, 8)),
            "translations-0-safety_notes": "\n".join(f"Прекратите {n}." for n in range(1, 5)),
        }
    )
    assert doctor.post(change_url(exercise), data).status_code == 302
    assert exercise_text(exercise=exercise, language="ru").steps[6] == "Шаг 7."
    assert settings.LANGUAGE_CODE == "en"
