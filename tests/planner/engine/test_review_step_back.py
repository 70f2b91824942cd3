"""Step back (CLINICAL.md, "Progression from the patient's log"): V-STEP-BACK.

Pain of 6 or more, pain 2 points over its baseline, or pain that flares the next
day cuts the volume by 20-30 % of the exact dose; where that would go under the
exercise's minimum, the easier variant is proposed.
"""

from dataclasses import replace

import pytest

from planner.engine.dose import ExactDose
from planner.engine.types import Dose
from tests.planner.engine.weeks import (
    easy_week,
    log,
    reps_exercise,
    review_one,
    rules,
    steady_week,
    text,
    timed_exercise,
)


@pytest.mark.parametrize(("during", "after"), [(6, 2), (2, 6), (9, 9)])
def test_pain_of_six_or_more_steps_back_by_a_quarter(during, after):
    logs = (*easy_week(6), log(6, during=during, after=after))
    proposal = review_one(reps_exercise(reps=12, baseline=5, logs=logs))
    assert (proposal.action, proposal.variable) == ("step_back", "reps")
    assert (proposal.exact.reps, proposal.dose) == (9.0, Dose(2, 9, 0, 0))  # 12 x 0.75
    assert set(rules(proposal)) == {"V-STEP-BACK"}
    assert f"Pain reached {max(during, after)} out of 10" in text(proposal)


def test_pain_during_two_points_over_the_baseline_during_steps_back():
    # Steady pain, so no next-day flare: only the rise over the baseline.
    logs = steady_week(during=3, after=1)
    proposal = review_one(reps_exercise(reps=10, baseline_during=1, baseline_after=1, logs=logs))
    assert proposal.action == "step_back"
    assert (proposal.exact.reps, proposal.dose.reps) == (7.5, 8)  # 7.5 shows half up as 8
    assert "Pain during the exercise reached 3 out of 10, 2 points above the baseline" in text(
        proposal
    )


def test_pain_after_two_points_over_the_baseline_after_steps_back():
    logs = steady_week(during=1, after=3)
    proposal = review_one(reps_exercise(baseline_during=3, baseline_after=1, logs=logs))
    assert proposal.action == "step_back"
    assert "Pain after the exercise reached 3 out of 10" in text(proposal)


def test_pain_is_compared_like_with_like_against_its_baseline():
    # 3 during is no rise over a baseline of 3 during, though it is 2 over the baseline after.
    logs = steady_week(during=3, after=1)
    exercise = reps_exercise(baseline_during=3, baseline_after=1, logs=logs)
    assert review_one(exercise).action == "progress"


def test_pain_one_point_over_the_baseline_does_not_step_back():
    logs = steady_week(during=2, after=3)
    assert review_one(reps_exercise(baseline=2, logs=logs)).action == "progress"


def test_without_a_baseline_only_the_fixed_pain_thresholds_apply():
    exercise = replace(
        reps_exercise(logs=steady_week(during=3, after=3)),
        baseline_pain_during=None,
        baseline_pain_after=None,
    )
    proposal = review_one(exercise)
    assert proposal.action == "progress"
    assert "above the baseline" not in text(proposal)


def test_pain_during_that_flares_the_next_day_steps_back():
    # Tuesday: 3 during, 2 points above Monday's pain during (1); 3 is within baseline + 1.
    logs = (log(0, during=1, after=1), log(1, during=3, after=1), *easy_week(5, start=2))
    proposal = review_one(reps_exercise(baseline=3, logs=logs))
    assert proposal.action == "step_back"
    assert (
        "On Tuesday 4 March pain during the exercise was 3, 2 points above the pain during it "
        "the day before (1)"
    ) in text(proposal)
    assert "flared the next day" in text(proposal)


def test_pain_after_that_flares_the_next_day_steps_back():
    logs = (log(0, during=1, after=0), log(1, during=1, after=2), *easy_week(5, start=2))
    proposal = review_one(reps_exercise(baseline=3, logs=logs))
    assert proposal.action == "step_back"
    assert "pain after the exercise was 2, 2 points above the pain after it" in text(proposal)


def test_pain_during_is_not_compared_with_the_day_before_s_pain_after():
    # The old comparison saw a flare every day: 3 during today against 1 after yesterday.
    logs = steady_week(during=3, after=1)
    proposal = review_one(reps_exercise(baseline_during=3, baseline_after=1, logs=logs))
    assert proposal.action == "progress"
    assert "flared" not in text(proposal)


def test_with_several_entries_on_a_day_no_flare_any_pair_shows_is_missed():
    logs = (
        log(0, during=1, after=1),
        log(0, during=3, after=1),
        log(1, during=1, after=1),
        log(1, during=3, after=1),
        *easy_week(5, start=2),
    )
    proposal = review_one(reps_exercise(baseline=3, logs=logs))
    assert proposal.action == "step_back"  # Tuesday's 3 against Monday's lowest, 1
    assert "On Tuesday 4 March pain during" in text(proposal)


@pytest.mark.parametrize(
    "logs",
    [
        # only 1 point above the day before
        (log(0, during=1, after=1), log(1, during=2, after=1)),
        # 2 points above, but after a day without a session: not the next day
        (log(0, during=1, after=1), log(2, during=3, after=1)),
    ],
)
def test_a_small_or_later_rise_is_no_next_day_flare(logs):
    assert review_one(reps_exercise(baseline=3, logs=logs, scheduled=2)).action != "step_back"


def test_a_timed_exercise_steps_back_by_its_duration():
    logs = (*easy_week(6), log(6, during=6, after=6))
    proposal = review_one(timed_exercise(duration_s=60, baseline=5, logs=logs))
    assert (proposal.action, proposal.variable) == ("step_back", "duration_s")
    assert (proposal.exact.duration_s, proposal.dose) == (45.0, Dose(2, 0, 0, 45))


def test_a_step_back_stops_at_the_minimum_when_that_is_still_a_fifth_less():
    logs = (*easy_week(6), log(6, during=7))
    proposal = review_one(reps_exercise(reps=10, low=Dose(1, 8, 0, 0), baseline=5, logs=logs))
    assert (proposal.action, proposal.exact.reps, proposal.dose.reps) == ("step_back", 8.0, 8)


def test_a_step_back_cuts_the_exact_dose():
    # 6 x 0.75 = 4.5 exactly, shown half up as 5; the exact 4.5 is what grows again.
    logs = (*easy_week(6), log(6, during=7))
    proposal = review_one(reps_exercise(reps=6, low=Dose(1, 1, 0, 0), baseline=5, logs=logs))
    assert (proposal.action, proposal.exact.reps, proposal.dose.reps) == ("step_back", 4.5, 5)
    assert "down from 6.0 to 4.5 (25 % less; you do 5 instead of 6)" in text(proposal)


@pytest.mark.parametrize(
    ("reps", "minimum"),
    [
        (10, 9),  # the minimum allows only 10 % less
        (4, 4),  # already at the minimum
        (1, 0),  # 0.8 still shows as 1: a cut the patient would not see is none
    ],
)
def test_when_a_20_to_30_percent_cut_is_impossible_the_easier_variant_is_proposed(reps, minimum):
    logs = (*easy_week(6), log(6, during=7))
    exercise = reps_exercise(
        reps=reps, low=Dose(1, minimum, 0, 0), baseline=5, logs=logs, easier="bridge-supported"
    )
    proposal = review_one(exercise)
    assert proposal.action == "easier_variant"
    assert proposal.new_exercise == "bridge-supported"
    assert (proposal.variable, proposal.dose) == (None, exercise.dose)
    assert proposal.exact == ExactDose.of(exercise.dose)
    assert "practised first with the specialist" in text(proposal)


def test_at_the_minimum_without_an_easier_variant_the_dose_holds_for_the_clinician():
    logs = (*easy_week(6), log(6, during=7))
    exercise = reps_exercise(reps=4, low=Dose(1, 4, 0, 0), baseline=5, logs=logs)
    proposal = review_one(exercise)
    assert (proposal.action, proposal.dose, proposal.new_exercise) == ("hold", exercise.dose, None)
    assert set(rules(proposal)) == {"V-STEP-BACK"}
    assert "already at its minimum" in text(proposal)
    assert "clinician" in text(proposal)


def test_a_step_back_comes_before_a_hold_for_missed_sessions():
    exercise = reps_exercise(logs=(log(0, during=8),), scheduled=7, baseline=5)
    assert review_one(exercise).action == "step_back"
