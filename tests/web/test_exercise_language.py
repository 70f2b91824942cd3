"""A patient reads every exercise in their own language: Today, the exercise page, the
names of its pictures and its demonstration, the calendar feed and the printed handout; an
exercise without a translation (one a clinic added) in English; an edited translation
shows at once."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from exercises.models import Exercise
from exercises.selectors import exercise_text
from notifications.models import ReminderPreferences
from notifications.selectors import calendar_feed_render
from planner import selectors
from planner.handout import handout_html
from planner.models import ProgramExercise
from planner.selectors.handout import program_handout
from tests.api.test_query_counts import add_mastered_exercises
from tests.conftest import PASSWORD
from tests.exercises.test_admin import change_data, translations_data

pytestmark = pytest.mark.django_db

# A time zone on each side of UTC.
ZONES = ["Europe/Moscow", "America/Los_Angeles"]


def speaks(patient, language: str, zone: str = "Europe/Moscow", client=None) -> None:
    patient.language, patient.time_zone = language, zone
    patient.save(update_fields=["language", "time_zone"])
    if client is not None:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language


def home_exercises(patient) -> list[Exercise]:
    return [entry.item.exercise for entry in selectors.patient_today(patient=patient).home]


def english_words(exercise: Exercise) -> list[str]:
    """What only the English texts say: the name, the summary, each step and note."""
    return [exercise.name, exercise.summary, *exercise.steps, *exercise.safety]


def visible(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#x27;", "'")


@pytest.mark.parametrize("zone", ZONES)
def test_a_russian_patients_today_names_and_explains_every_exercise_in_russian(
    owner_client, owner, zone
):
    speaks(owner, "ru", zone, owner_client)
    exercises = home_exercises(owner)
    assert exercises
    page = owner_client.get(reverse("web:today")).content.decode()
    text = visible(page)
    for exercise in exercises:
        russian = exercise_text(exercise=exercise, language="ru")
        assert russian.translated
        assert russian.name in text
        assert all(step in text for step in russian.steps)
        assert all(note in text for note in russian.safety)
        for english in english_words(exercise):
            assert english not in text, english
        # The pictures are named in Russian too.
        assert f'alt="{russian.name}:' in page


def test_an_english_patients_today_stays_english(owner_client, owner):
    speaks(owner, "en", "America/Los_Angeles", owner_client)
    text = visible(owner_client.get(reverse("web:today")).content.decode())
    for exercise in home_exercises(owner):
        assert exercise.name in text and exercise.steps[0] in text
        assert exercise_text(exercise=exercise, language="ru").name not in text


def test_the_exercise_page_and_its_pictures_are_in_russian(owner_client, owner):
    speaks(owner, "ru", client=owner_client)
    exercise = home_exercises(owner)[0]
    russian = exercise_text(exercise=exercise, language="ru")
    page = owner_client.get(reverse("web:exercise", args=[exercise.slug])).content.decode()
    text = visible(page)
    assert russian.name in page.split("</title>")[0]
    assert russian.summary in text and all(step in text for step in russian.steps)
    assert not any(english in text for english in english_words(exercise))
    picture = owner_client.get(reverse("web:illustration", args=[exercise.slug, "start"]))
    assert russian.name in picture.content.decode()
    demonstration = owner_client.get(reverse("web:demonstration", args=[exercise.slug]))
    assert f"<title>{russian.name}:" in demonstration.content.decode()
    assert exercise.name not in demonstration.content.decode()


def test_an_exercise_without_a_translation_is_shown_in_english_the_others_in_russian(
    owner_client, owner
):
    speaks(owner, "ru", client=owner_client)
    added, *others = home_exercises(owner)
    added.translations.all().delete()  # as one a clinic added in the admin
    added.save()
    text = visible(owner_client.get(reverse("web:today")).content.decode())
    assert added.name in text and added.steps[0] in text
    for exercise in others:
        assert exercise_text(exercise=exercise, language="ru").name in text
        assert exercise.name not in text


def today_queries(client) -> int:
    cache.clear()  # rendered again, not the cached page
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("web:today")).status_code == 200
    return len(captured)


def test_russian_today_costs_the_same_for_few_or_many_exercises(owner_client, owner):
    english = (speaks(owner, "en", client=owner_client), today_queries(owner_client))[1]
    speaks(owner, "ru", client=owner_client)
    few = today_queries(owner_client)
    # The translations come with the exercises (one query for all, which English does not
    # need); the day's walk, kept by the program as text, is named in Russian with one more.
    assert few <= english + 2
    add_mastered_exercises(selectors.patient_current_program(patient=owner), 15)
    assert len(home_exercises(owner)) >= 18
    assert today_queries(owner_client) == few


def test_a_translation_edited_in_the_admin_shows_on_a_cached_today_at_once(
    client, owner, clinician
):
    patient_client = type(client)()
    patient_client.force_login(owner.user)
    speaks(owner, "ru", client=patient_client)
    exercise = home_exercises(owner)[0]
    old = exercise_text(exercise=exercise, language="ru").name
    assert old in visible(patient_client.get(reverse("web:today")).content.decode())
    day = selectors.patient_local_today(patient=owner)
    stamp = selectors.patient_day_stamp(patient=owner, day=day)
    assert client.login(username=clinician.user.username, password=PASSWORD)
    data = change_data(exercise, **translations_data(exercise, name="Новое название"))
    later = timezone.now() + timedelta(minutes=1)
    with time_machine.travel(later, tick=False):
        url = reverse("admin:exercises_exercise_change", args=[exercise.pk])
        assert client.post(url, data).status_code == 302
    assert selectors.patient_day_stamp(patient=owner, day=day) != stamp
    text = visible(patient_client.get(reverse("web:today")).content.decode())
    assert "Новое название" in text and old not in text


@pytest.mark.parametrize("zone", ZONES)
def test_the_calendar_feed_names_the_exercises_in_russian(owner, zone):
    speaks(owner, "ru", zone)
    token = ReminderPreferences.objects.get_or_create(patient=owner)[0].calendar_token
    feed = calendar_feed_render(token=token, now=timezone.now() - timedelta(days=1)) or ""
    unfolded = feed.replace("\r\n ", "").replace("\\,", ",")
    for exercise in home_exercises(owner):
        assert exercise_text(exercise=exercise, language="ru").name in unfolded
        assert f"{exercise.name}:" not in unfolded


def test_the_handout_prints_the_exercises_in_russian(owner):
    speaks(owner, "ru")
    program = selectors.patient_current_program(patient=owner)
    html = handout_html(program_handout(program=program, app_url="https://clinic.test/app/"))
    text = visible(html)
    for exercise in home_exercises(owner):
        russian = exercise_text(exercise=exercise, language="ru")
        assert russian.name in text and russian.steps[0] in text and russian.safety[0] in text
        assert exercise.name not in text and exercise.steps[0] not in text


def test_the_clinics_list_of_exercises_to_practise_is_in_russian(owner_client, owner):
    speaks(owner, "ru", client=owner_client)
    item = ProgramExercise.objects.filter(
        version__program__patient=owner, exercise__in=home_exercises(owner)
    ).first()
    assert item is not None
    ProgramExercise.objects.filter(pk=item.pk).update(state="supervised", mastered_on=None)
    text = visible(owner_client.get(reverse("web:today")).content.decode())
    assert exercise_text(exercise=item.exercise, language="ru").name in text
    assert item.exercise.name not in text
