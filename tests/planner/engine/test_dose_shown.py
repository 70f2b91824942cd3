"""Doses as a person can do them (CLINICAL.md, "Dose"): the shown dose of a prescription,
"each side" for one-sided exercises, and the time estimate that counts both sides.

The exact dose (one decimal, what the weekly review grows) and the prescription stay as they
are; only what the patient is shown, and what the day's time is estimated from, is in steps.
"""

from dataclasses import replace

import pytest

from planner.engine.default_rules import DEFAULT_RULES
from planner.engine.dose import (
    REST_BETWEEN_SETS_S,
    SETUP_PER_EXERCISE_S,
    ExactDose,
    displayed_dose,
    exercise_seconds,
    shown_dose,
)
from planner.engine.generate.plan import generate_plan
from planner.engine.serialize import dose_text, plan_to_dict, plan_to_text
from planner.engine.types import Dose
from tests.planner.engine.catalogue import catalogue, exercise, profile

WIDE_LOW, WIDE_HIGH = Dose(1, 0, 0, 0), Dose(20, 100, 120, 3600)


def hold_shown(seconds: int, ceiling: int | None = None) -> int:
    top = Dose(9, 99, ceiling, 0) if ceiling is not None else None
    return displayed_dose(Dose(2, 10, seconds, 0), top).hold_s


def duration_shown(seconds: int, ceiling: int | None = None) -> int:
    top = Dose(9, 0, 0, ceiling) if ceiling is not None else None
    return displayed_dose(Dose(1, 0, 0, seconds), top).duration_s


# -- the exact dose, rounded for show (the review's one decimal) -----------------------------------


@pytest.mark.parametrize(
    ("field", "exact", "shown"),
    [
        ("reps", 7.6, 8),
        ("reps", 7.4, 7),
        ("hold_s", 2.4, 2),  # a brief pause under 5 s: whole seconds
        ("hold_s", 22.0, 20),
        ("hold_s", 23.0, 25),
        ("duration_s", 14 * 60 + 24, 14 * 60),  # 14 min 24 s: 14 min
        ("duration_s", 4 * 60 + 20, 4 * 60 + 30),  # 4 min 20 s: 4.5 min (half minutes under 5)
    ],
)
def test_the_exact_dose_is_shown_in_steps_a_person_can_do(field, exact, shown):
    values = {"sets": 2.0, "reps": 0.0, "hold_s": 0.0, "duration_s": 0.0} | {field: exact}
    if field != "duration_s":
        values["reps"] = values["reps"] or 10.0
    assert getattr(shown_dose(ExactDose(**values), WIDE_LOW, WIDE_HIGH), field) == shown


# -- a prescription as shown ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seconds", "shown"), [(22, 20), (23, 25), (5, 5), (7, 5), (8, 10), (30, 30), (2, 2), (3, 3)]
)
def test_a_prescribed_hold_is_shown_in_five_second_steps_a_brief_pause_in_seconds(seconds, shown):
    assert hold_shown(seconds) == shown


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [
        (14 * 60 + 24, 14 * 60),
        (14 * 60 + 30, 15 * 60),
        (4 * 60 + 20, 4 * 60 + 30),
        (4 * 60 + 10, 4 * 60),
        (2 * 60 + 40, 2 * 60 + 30),
        (47, 45),
        (120, 120),
    ],
)
def test_a_prescribed_duration_is_shown_in_whole_or_half_minutes(seconds, shown):
    assert duration_shown(seconds) == shown


def test_sets_and_repetitions_are_shown_as_prescribed():
    assert displayed_dose(Dose(3, 7, 0, 0)) == Dose(3, 7, 0, 0)


def test_the_shown_dose_never_rounds_up_past_the_exercise_s_maximum():
    # 23 s rounds to 25 s, over a 23 s maximum: the step below instead.
    assert hold_shown(23, ceiling=23) == 20
    assert hold_shown(23, ceiling=25) == 25
    assert duration_shown(14 * 60 + 40, ceiling=14 * 60 + 40) == 14 * 60


def test_something_prescribed_is_never_shown_as_nothing():
    assert duration_shown(2) == 2
    assert hold_shown(1) == 1
    assert displayed_dose(Dose(1, 10, 0, 0)).hold_s == 0


def test_a_dose_already_in_steps_is_shown_as_it_is():
    for dose in (Dose(2, 10, 5, 0), Dose(1, 3, 30, 0), Dose(1, 0, 0, 600), Dose(2, 0, 0, 90)):
        assert displayed_dose(dose, dose) == dose


# -- each side: the time counts both sides -------------------------------------------------------


def test_a_one_sided_exercise_s_time_counts_its_work_twice_not_its_rests_or_setting_up():
    dose = Dose(2, 10, 5, 0)  # 2 x 10 x (4 s + 5 s hold) = 180 s of work
    both_at_once = exercise_seconds(dose, 4)
    each_side = exercise_seconds(dose, 4, per_side=True)
    assert both_at_once == 180 + REST_BETWEEN_SETS_S + SETUP_PER_EXERCISE_S
    assert each_side == 2 * 180 + REST_BETWEEN_SETS_S + SETUP_PER_EXERCISE_S


def test_a_timed_one_sided_exercise_counts_both_sides_too():
    assert exercise_seconds(Dose(1, 0, 0, 60), 0, per_side=True) == 120 + SETUP_PER_EXERCISE_S


def test_the_plan_counts_both_sides_of_a_one_sided_exercise():
    stretch = exercise("a-leg-stretch", "stretching", 1, ("standing",), reps=3, hold_s=30, sets=1)
    one_sided = replace(stretch, per_side=True)
    person = profile(fitness="high", age=30)
    plain = generate_plan(person, catalogue(stretch), DEFAULT_RULES)
    sided = generate_plan(person, catalogue(one_sided), DEFAULT_RULES)
    before = next(e for e in plain.exercises if e.slug == "a-leg-stretch")
    after = next(e for e in sided.exercises if e.slug == "a-leg-stretch")
    assert after.dose == before.dose and after.per_side and not before.per_side
    assert after.seconds == exercise_seconds(after.dose, 4, per_side=True) > before.seconds
    assert sided.daily_seconds == sum(e.seconds for e in sided.exercises)
    assert sided.daily_seconds - plain.daily_seconds == after.seconds - before.seconds
    assert plan_to_dict(sided)["exercises"][
        [e.slug for e in sided.exercises].index("a-leg-stretch")
    ]["per_side"]
    assert "1 x 3 each side, hold 30 s" in plan_to_text(sided)


def test_the_day_is_shortened_to_whole_minutes_counting_both_sides():
    # 1 set of 25 min each side cannot fit: cut, to whole minutes, never below the minimum.
    long = exercise("a-long-stretch", "stretching", 1, ("standing",), duration_s=1500, sets=1)
    plan = generate_plan(
        profile(fitness="high", age=30), catalogue(replace(long, per_side=True)), DEFAULT_RULES
    )
    cut = next(e for e in plan.exercises if e.slug == "a-long-stretch")
    assert any(r.rule == "P-TIME" for r in cut.why)
    assert cut.dose.duration_s % 60 == 0 and cut.dose.duration_s >= 1500 // 3
    assert plan.daily_seconds <= 25 * 60
    assert cut.seconds == 2 * cut.dose.duration_s + SETUP_PER_EXERCISE_S


def test_a_clinician_s_shorthand_says_each_side():
    assert dose_text(1, 3, 30, 0, per_side=True) == "1 x 3 each side, hold 30 s"
    assert dose_text(2, 0, 0, 60, per_side=True) == "2 x 1 min each side"
    assert dose_text(2, 10, 0, 0) == "2 x 10"
