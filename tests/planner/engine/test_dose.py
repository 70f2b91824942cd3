"""The exact dose and the dose as shown (CLINICAL.md, "Dose"; "Progression from the log").

Doses are shown as a person can do them: whole sets and repetitions, holds in 5 s steps,
durations in whole minutes (half minutes under 5 minutes, 5 s steps under a minute),
always rounded half up and always within the exercise's limits.
"""

import math
from dataclasses import fields

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.engine.dose import ExactDose, shown_dose, tenths
from planner.engine.types import Dose

VARIABLES = tuple(f.name for f in fields(Dose))
# Wide limits, so the rounding is seen on its own.
LOW, HIGH = Dose(1, 0, 0, 0), Dose(20, 100, 120, 3600)


def reps(value: float) -> int:
    return shown_dose(ExactDose(2, value, 0, 0), LOW, HIGH).reps


def hold(value: float) -> int:
    return shown_dose(ExactDose(2, 10, value, 0), LOW, HIGH).hold_s


def duration(value: float) -> int:
    return shown_dose(ExactDose(1, 0, 0, value), LOW, HIGH).duration_s


# -- the exact dose ------------------------------------------------------------------------------


def test_the_exact_dose_of_a_dose_is_that_dose():
    assert ExactDose.of(Dose(2, 10, 5, 0)) == ExactDose(2.0, 10.0, 5.0, 0.0)
    assert shown_dose(ExactDose.of(Dose(2, 10, 5, 0)), LOW, HIGH) == Dose(2, 10, 5, 0)


def test_the_exact_dose_keeps_one_decimal_rounded_half_up():
    assert ExactDose(2, 5.55, 0.05, 8.8 * 1.1).reps == 5.6
    assert ExactDose(2, 5.55, 0.05, 0).hold_s == 0.1
    # Float arithmetic does not leave two "equal" exact doses unequal.
    assert ExactDose(2, 0.1 + 0.2, 0, 0) == ExactDose(2, 0.3, 0, 0)


@pytest.mark.parametrize("bad", [-0.1, math.inf, math.nan])
def test_an_exact_dose_is_a_finite_number_of_zero_or_more(bad):
    with pytest.raises(ValueError, match="finite number of 0 or more"):
        ExactDose(2, bad, 0, 0)


def test_tenths_are_rounded_half_up():
    assert [tenths(v) for v in (5.5, 5.55, 5.549, 0.05, 0.0)] == [55, 56, 55, 1, 0]


# -- sets and repetitions ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("exact", "shown"),
    [(5.0, 5), (5.4, 5), (5.5, 6), (6.5, 7), (2.5, 3), (7.9, 8), (0.4, 0)],
)
def test_repetitions_are_whole_and_rounded_half_up_never_to_even(exact, shown):
    assert reps(exact) == shown


def test_sets_are_whole_half_up_and_never_fewer_than_one():
    assert shown_dose(ExactDose(2.5, 10, 0, 0), LOW, HIGH).sets == 3
    assert shown_dose(ExactDose(0.2, 10, 0, 0), Dose(0, 0, 0, 0), HIGH).sets == 1


# -- holds ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("exact", "shown"),
    [
        (22.0, 20),
        (22.4, 20),
        (22.5, 25),
        (23.0, 25),
        (5.0, 5),
        (7.4, 5),
        (7.5, 10),
        (30.0, 30),
    ],
)
def test_holds_of_five_seconds_or_more_are_shown_in_five_second_steps_half_up(exact, shown):
    assert hold(exact) == shown


@pytest.mark.parametrize(("exact", "shown"), [(2.0, 2), (2.5, 3), (3.4, 3), (4.9, 5), (0.0, 0)])
def test_holds_under_five_seconds_are_shown_in_whole_seconds(exact, shown):
    assert hold(exact) == shown


# -- durations -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("exact", "shown"),
    [
        (14 * 60 + 24, 14 * 60),  # 14 min 24 s shows 14 min
        (14 * 60 + 30, 15 * 60),
        (300.0, 300),
        (660.0, 660),
        (726.0, 720),
    ],
)
def test_durations_from_five_minutes_are_whole_minutes(exact, shown):
    assert duration(exact) == shown


@pytest.mark.parametrize(
    ("exact", "shown"),
    [
        (2 * 60 + 40, 150),  # 2 min 40 s shows 2.5 min
        (2 * 60 + 45, 180),
        (60.0, 60),
        (66.0, 60),
        (290.0, 300),
    ],
)
def test_durations_from_one_to_five_minutes_are_half_minutes(exact, shown):
    assert duration(exact) == shown


@pytest.mark.parametrize(("exact", "shown"), [(45.0, 45), (47.4, 45), (47.5, 50), (59.0, 60)])
def test_durations_under_a_minute_are_five_second_steps(exact, shown):
    assert duration(exact) == shown


# -- limits --------------------------------------------------------------------------------------


def test_the_shown_dose_is_clamped_into_the_exercise_s_limits():
    low, high = Dose(2, 6, 5, 0), Dose(3, 12, 22, 0)
    # 12.6 repetitions show 13 and a 22.5 s hold shows 25: over the maximum, so the maximum.
    assert shown_dose(ExactDose(4, 12.6, 22.5, 0), low, high) == Dose(3, 12, 22, 0)
    # Under the minimum: the minimum.
    assert shown_dose(ExactDose(1, 4.2, 2, 0), low, high) == Dose(2, 6, 5, 0)


def test_a_duration_is_clamped_too():
    assert shown_dose(ExactDose(1, 0, 0, 14 * 60 + 24), LOW, Dose(1, 0, 0, 800)).duration_s == 800


# -- properties ----------------------------------------------------------------------------------

PROPERTY = settings(max_examples=300, deadline=None, database=None)
EXACT = st.integers(0, 40000).map(lambda t: t / 10)


@st.composite
def limits(draw) -> tuple[Dose, Dose]:
    values = [sorted(draw(st.lists(st.integers(0, 4000), min_size=2, max_size=2))) for _ in "1234"]
    low = Dose(*(v[0] for v in values))
    high = Dose(*(v[1] for v in values))
    return low, high


@PROPERTY
@given(st.builds(ExactDose, EXACT, EXACT, EXACT, EXACT), limits())
def test_the_shown_dose_is_always_within_its_limits_with_at_least_one_set(exact, bounds):
    low, high = bounds
    shown = shown_dose(exact, low, high)
    assert shown.sets >= 1
    for name in VARIABLES:
        value = getattr(shown, name)
        if name == "sets" and high.sets == 0:
            continue  # at least one set wins over a maximum of none
        assert getattr(low, name) <= value <= getattr(high, name)


@PROPERTY
@given(EXACT, EXACT)
def test_more_exact_dose_never_shows_less(a, b):
    small, large = sorted((a, b))
    assert reps(small) <= reps(large)
    assert hold(small) <= hold(large)
    assert duration(small) <= duration(large)


@PROPERTY
@given(st.builds(ExactDose, EXACT, EXACT, EXACT, EXACT))
def test_within_wide_limits_the_shown_dose_is_never_more_than_half_a_step_off(exact):
    shown = shown_dose(exact, Dose(0, 0, 0, 0), Dose(5000, 5000, 5000, 5000))
    assert abs(shown.reps - exact.reps) <= 0.5
    assert abs(shown.hold_s - exact.hold_s) <= (2.5 if exact.hold_s >= 5 else 0.5)
    step = 60 if exact.duration_s >= 300 else 30 if exact.duration_s >= 60 else 5
    assert abs(shown.duration_s - exact.duration_s) <= step / 2
