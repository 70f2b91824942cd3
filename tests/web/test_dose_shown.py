"""The dose as a person can do it, in the patient's language, on Today, the exercise page and
the printed handout (CLINICAL.md, "Dose"): holds in 5 s steps, whole minutes (half minutes
under 5), "each side" for a one-sided exercise, whose time counts both sides on Today.

A clinician's dose off those steps ("hold 22 s", "14 min 24 s") is kept as prescribed and
shown in steps; the timer counts what is shown.
"""

import io
import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from pypdf import PdfReader

from exercises.selectors import exercise_text
from notifications.models import ReminderPreferences
from notifications.selectors import calendar_feed_render
from planner import selectors
from planner.engine.dose import exercise_seconds
from planner.models import ProgramExercise

pytestmark = pytest.mark.django_db

# Each a language with a time zone on one side of UTC.
READERS = [("en", "America/Los_Angeles"), ("ru", "Europe/Moscow")]
WORDS = {
    # A repetitions exercise at 2 x 7 with a 22 s hold, made one-sided.
    "en": "2 sets of 7 repetitions each side, hold each for 20 s",
    "ru": "2 подхода по 7 повторений на каждую сторону, каждое с задержкой 20 с",  # noqa: RUF001
}
TIMED_WORDS = {"en": "1 set of 14 min", "ru": "1 подход по 14 мин"}


def reader(patient, language: str, time_zone: str, client=None) -> None:
    """The patient's language and time zone, and the app's language cookie (set at sign-in)."""
    patient.language, patient.time_zone = language, time_zone
    patient.save(update_fields=["language", "time_zone"])
    if client is not None:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language


def home(patient) -> list[ProgramExercise]:
    return [entry.item for entry in selectors.patient_today(patient=patient).home]


def one_sided_with_a_22_second_hold(patient) -> ProgramExercise:
    """The first repetitions exercise of the day, prescribed 2 x 7 with a 22 s hold, and its
    exercise marked one-sided (saved, as the admin does: the day's stamp changes)."""
    item = next(item for item in home(patient) if item.reps)
    ProgramExercise.objects.filter(pk=item.pk).update(sets=2, reps=7, hold_s=22)
    exercise = item.exercise
    exercise.max_hold_s = max(exercise.max_hold_s, 25)
    exercise.per_side = True
    exercise.save()
    return ProgramExercise.objects.select_related("exercise").get(pk=item.pk)


@pytest.mark.parametrize(("language", "time_zone"), READERS)
def test_today_shows_the_dose_in_steps_each_side_and_counts_both_sides(
    owner_client, owner, language, time_zone
):
    reader(owner, language, time_zone, owner_client)
    item = one_sided_with_a_22_second_hold(owner)
    page = owner_client.get("/app/today/").content.decode()
    assert WORDS[language] in page
    card = page.split(f'id="ex-{item.exercise.slug}"')[1].split("</li>")[0]
    assert "22" not in re.sub(r"<[^>]*>", " ", card)  # its text (a picture's data is no text)
    assert 'data-hold="20"' in page  # the timer counts the hold as shown
    # The day's minutes count both sides of the one-sided exercise.
    items = home(owner)
    seconds = sum(
        exercise_seconds(i.shown_dose, i.exercise.seconds_per_rep, per_side=i.exercise.per_side)
        for i in items
    )
    day = selectors.patient_today(patient=owner)
    assert day.estimated_minutes == round(seconds / 60)
    one_side = exercise_seconds(item.shown_dose, item.exercise.seconds_per_rep)
    assert item.estimated_seconds == one_side + 2 * 7 * (item.exercise.seconds_per_rep + 20)


@pytest.mark.parametrize(("language", "time_zone"), READERS)
def test_the_exercise_page_shows_the_dose_in_steps_each_side(
    owner_client, owner, language, time_zone
):
    reader(owner, language, time_zone, owner_client)
    item = one_sided_with_a_22_second_hold(owner)
    page = owner_client.get(f"/app/exercises/{item.exercise.slug}/").content.decode()
    assert WORDS[language] in page and 'data-hold="20"' in page


@pytest.mark.parametrize(("language", "time_zone"), READERS)
def test_a_timed_dose_is_shown_in_whole_minutes(owner_client, owner, language, time_zone):
    reader(owner, language, time_zone, owner_client)
    item = home(owner)[0]
    ProgramExercise.objects.filter(pk=item.pk).update(
        sets=1, reps=0, hold_s=0, duration_s=14 * 60 + 24
    )
    item.exercise.max_duration_s = max(item.exercise.max_duration_s, 15 * 60)
    item.exercise.per_side = False
    item.exercise.save()
    page = owner_client.get(f"/app/exercises/{item.exercise.slug}/").content.decode()
    assert TIMED_WORDS[language] in page and "24" not in page.split('class="dose"')[1][:80]
    assert 'data-duration="840"' in page


def test_the_prescription_is_kept_exactly(owner):
    item = one_sided_with_a_22_second_hold(owner)
    assert (item.sets, item.reps, item.hold_s) == (2, 7, 22)
    assert item.dose_text == "2 x 7 each side, hold 22 s"  # the clinician's shorthand


def test_the_handout_prints_the_dose_in_steps_each_side_in_russian(owner_client, owner):
    reader(owner, "ru", "Europe/Moscow", owner_client)
    one_sided_with_a_22_second_hold(owner)
    response = owner_client.get("/app/handout.pdf")
    reader_ = PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join(page.extract_text() for page in reader_.pages).split())
    assert WORDS["ru"] in text


def test_the_calendar_feed_describes_the_dose_in_the_patients_words(owner):
    reader(owner, "ru", "Europe/Moscow")
    item = one_sided_with_a_22_second_hold(owner)
    token = ReminderPreferences.objects.get_or_create(patient=owner)[0].calendar_token
    feed = calendar_feed_render(token=token, now=timezone.now() - timedelta(days=1)) or ""
    unfolded = feed.replace("\r\n ", "").replace("\\,", ",")
    name = exercise_text(exercise=item.exercise, language="ru").name  # the Russian name
    assert f"{name}: {WORDS['ru']}" in unfolded
