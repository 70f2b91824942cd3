"""The guided session's data (web/timer.py): the timer plays the dose the card shows, rests as
long as the time estimate counts, and speaks the patient's language. Its run in a browser is
tests/e2e/test_timer.py."""

import json
import re
from types import SimpleNamespace

import pytest
from django.utils import translation

from planner.engine.dose import REST_BETWEEN_SETS_S, SETUP_PER_EXERCISE_S, exercise_seconds
from planner.engine.types import Dose
from tests.web.test_dose_shown import READERS, one_sided_with_a_22_second_hold, reader
from web.assets import asset_urls
from web.timer import READY_S, SWITCH_S, timer_plan, timer_words


def item(sets: int, reps: int, hold_s: int, duration_s: int, *, per_side: bool = False):
    """A program exercise as the timer reads it (its shown dose made from its numbers)."""
    return SimpleNamespace(
        sets=sets,
        reps=reps,
        hold_s=hold_s,
        duration_s=duration_s,
        per_side=per_side,
        exercise=SimpleNamespace(seconds_per_rep=4, slug="x"),
    )


def test_a_hold_exercise_is_timed_as_shown_with_the_estimates_rests():
    plan = timer_plan(item(2, 7, 22, 0))
    assert plan is not None
    # A 22 s hold is shown, and held, as 20 s; one repetition's movement is its pace.
    assert (plan.sets, plan.reps, plan.hold_s, plan.duration_s) == (2, 7, 20, 0)
    assert (plan.rep_s, plan.rest_s, plan.ready_s, plan.switch_s) == (
        4,
        REST_BETWEEN_SETS_S,
        READY_S,
        0,
    )
    assert plan.data()["hold"] == "20" and plan.data()["per-side"] == ""
    with translation.override("en"):
        plan = timer_plan(item(2, 7, 22, 0))
    assert plan is not None
    assert plan.rest_words == "Rest 30 s"
    assert plan.hold_words == "Hold 20 s"
    minutes = round(exercise_seconds(Dose(2, 7, 20, 0), 4) / 60)
    assert plan.about == f"About {minutes} minutes with the rests."


def test_a_one_sided_exercise_changes_sides_and_counts_both():
    with translation.override("en"):
        plan = timer_plan(item(1, 3, 30, 0, per_side=True))
    assert plan is not None
    assert (plan.per_side, plan.switch_s) == (True, SWITCH_S)
    assert plan.data()["per-side"] == "1" and plan.data()["switch"] == str(SWITCH_S)
    # 3 x (4 + 30) s each side, no rest (one set), 20 s of setting up: 224 s, about 4 minutes.
    assert plan.about == "About 4 minutes with the rests."


def test_a_timed_exercise_counts_its_length_down_with_no_repetitions():
    plan = timer_plan(item(2, 0, 0, 14 * 60 + 24))
    assert plan is not None
    assert (plan.reps, plan.hold_s, plan.duration_s, plan.hold_words) == (0, 0, 14 * 60, "")


def test_a_repetitions_exercise_without_a_hold_is_paced_by_its_seconds_per_rep():
    plan = timer_plan(item(3, 10, 0, 0))
    assert plan is not None
    assert (plan.reps, plan.hold_s, plan.rep_s, plan.hold_words) == (10, 0, 4, "")
    # An exercise with no pace in the library gets a steady one.
    paceless = item(1, 5, 0, 0)
    paceless.exercise.seconds_per_rep = 0
    assert timer_plan(paceless).rep_s == 3


def test_getting_ready_and_changing_sides_fit_in_the_estimates_setting_up_time():
    assert READY_S + SWITCH_S <= SETUP_PER_EXERCISE_S


def test_nothing_to_time_gives_no_timer():
    assert timer_plan(item(0, 0, 0, 0)) is None
    assert timer_plan(SimpleNamespace(shown_dose=Dose(1, 0, 0, 0), per_side=False)) is None


def test_russian_words_with_their_plurals():
    with translation.override("ru"):
        words = timer_words()
        one = timer_plan(item(1, 1, 0, 30))
        four = timer_plan(item(1, 3, 30, 0, per_side=True))
        rest = timer_plan(item(2, 7, 22, 0))
    assert one is not None and four is not None and rest is not None
    assert one.about == "Около 1 минуты вместе с отдыхом."  # noqa: RUF001
    assert four.about == "Около 4 минут вместе с отдыхом."  # noqa: RUF001
    assert (rest.rest_words, rest.hold_words) == ("Отдых 30 с", "Удерживайте 20 с")  # noqa: RUF001
    assert words["set"] == "Подход {n} из {total}"
    assert words["other_side"] == "Теперь другая сторона"
    with translation.override("en"):
        english = timer_words()
    # Every word is translated ("s" and "min" too), and the step numbers' places kept.
    assert not [key for key in words if words[key] == english[key]]
    for key, text in english.items():
        assert re.findall(r"\{\w+\}", words[key]) == re.findall(r"\{\w+\}", text), key


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "time_zone"), READERS)
def test_today_and_the_exercise_page_give_the_timer_its_dose_and_words(
    owner_client, owner, language, time_zone
):
    reader(owner, language, time_zone, owner_client)
    one_sided = one_sided_with_a_22_second_hold(owner)
    page = owner_client.get("/app/today/").content.decode()
    timers = re.findall(r'<section class="timer" id="timer-([\w-]+)" hidden[^>]*>', page)
    assert one_sided.exercise.slug in timers and len(timers) == len(set(timers)) > 1
    card = page.split(f'id="timer-{one_sided.exercise.slug}"')[1].split(">")[0]
    for attribute in ('data-sets="2"', 'data-reps="7"', 'data-hold="20"', 'data-per-side="1"'):
        assert attribute in card
    assert {"en": 'aria-label="Timer"', "ru": 'aria-label="Таймер"'}[language] in card
    # The words once for the page, in the patient's language, and the script beside them.
    assert page.count('id="timer-words"') == 1 and "web/timer.js" in page
    words = json.loads(page.split('id="timer-words" type="application/json">')[1].split("<")[0])
    assert words["start"] == {"en": "Start the timer", "ru": "Запустить таймер"}[language]
    # The face and buttons once for the page too, in a template the script copies into each.
    assert page.count('<template id="timer-face">') == 1 and page.count("timer-start") == 1
    face = page.split('<template id="timer-face">')[1].split("</template>")[0]
    assert {"en": ">Start the timer<", "ru": ">Запустить таймер<"}[language] in face

    # Offline too: the service worker keeps the script the page names.
    script = asset_urls()["web/timer.js"]
    assert f'<script src="{script}" defer>' in page
    assert f'"{script}"' in owner_client.get("/app/sw.js").content.decode()

    exercise_page = owner_client.get(f"/app/exercises/{one_sided.exercise.slug}/").content.decode()
    assert f'id="timer-{one_sided.exercise.slug}"' in exercise_page
    assert exercise_page.count('id="timer-words"') == 1
    assert exercise_page.count('<template id="timer-face">') == 1
