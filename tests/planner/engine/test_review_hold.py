"""Hold (CLINICAL.md, "Progression from the patient's log"): V-HOLD, V-NODATA.

Pain of 4 or 5, fewer than 70 % of the planned sessions done, no planned sessions,
no pain scores, or last sessions that did not feel easy: the dose stays the same.
"""

import pytest

from planner.engine.dose import ExactDose
from tests.planner.engine.weeks import (
    easy_week,
    log,
    reps_exercise,
    review_one,
    rules,
    steady_week,
    text,
)


@pytest.mark.parametrize("pain", [4, 5])
def test_pain_of_four_or_five_holds_the_dose(pain):
    exercise = reps_exercise(baseline=4, logs=steady_week(during=2, after=pain))
    proposal = review_one(exercise)
    assert (proposal.action, proposal.variable, proposal.dose) == ("hold", None, exercise.dose)
    assert proposal.exact == ExactDose.of(exercise.dose)
    assert rules(proposal) == ["V-HOLD"]
    assert f"Pain reached {pain} out of 10" in text(proposal)


def test_a_hold_keeps_the_exact_dose():
    exact = ExactDose(2, 7.2, 0, 0)
    exercise = reps_exercise(reps=7, exact=exact, baseline=4, logs=steady_week(during=2, after=4))
    proposal = review_one(exercise)
    assert (proposal.action, proposal.exact, proposal.dose) == ("hold", exact, exercise.dose)


@pytest.mark.parametrize(
    ("done", "scheduled", "action", "shown"),
    [
        (69, 100, "hold", "69 %"),
        (70, 100, "progress", "70 %"),
        (4, 6, "hold", "66 %"),  # what a real week can give: 4 of 6 days
        (5, 7, "progress", "71 %"),
    ],
)
def test_adherence_under_seventy_percent_holds_and_seventy_percent_progresses(
    done, scheduled, action, shown
):
    exercise = reps_exercise(logs=easy_week(done), scheduled=scheduled)
    proposal = review_one(exercise)
    assert proposal.action == action
    assert f"done on {done} of {scheduled} planned days ({shown})" in text(proposal)


def test_missed_and_painful_weeks_give_both_reasons_to_hold():
    exercise = reps_exercise(baseline=4, logs=(log(0, during=5),), scheduled=7)
    proposal = review_one(exercise)
    assert proposal.action == "hold"
    assert rules(proposal) == ["V-HOLD", "V-HOLD"]


def test_an_entry_for_a_skipped_session_does_not_count_as_done():
    logs = (*easy_week(4), log(4, done=False), log(5, done=False))
    assert review_one(reps_exercise(logs=logs, scheduled=6)).action == "hold"


def test_two_entries_on_one_day_count_as_one_session():
    logs = (*easy_week(4), *easy_week(4))
    assert review_one(reps_exercise(logs=logs, scheduled=6)).action == "hold"  # 4 of 6 days


def test_without_planned_sessions_there_is_no_data_and_the_dose_holds():
    exercise = reps_exercise(logs=(), scheduled=0)
    proposal = review_one(exercise)
    assert (proposal.action, proposal.dose) == ("hold", exercise.dose)
    assert rules(proposal) == ["V-NODATA"]


@pytest.mark.parametrize(
    "last_two", [("easy", "right"), ("right", "easy"), ("easy", "hard"), ("easy", None)]
)
def test_low_pain_that_does_not_yet_feel_easy_holds(last_two):
    logs = (*easy_week(5), log(5, feel=last_two[0]), log(6, feel=last_two[1]))
    proposal = review_one(reps_exercise(logs=logs))
    assert (proposal.action, rules(proposal)) == ("hold", ["V-HOLD"])
    assert "until it feels easy" in text(proposal)


def test_the_last_sessions_are_the_latest_days_whatever_order_they_were_logged_in():
    logs = (log(6, feel="easy"), log(5, feel="easy"), log(0, feel="hard"), *easy_week(5)[1:])
    assert review_one(reps_exercise(logs=logs)).action == "progress"


def test_a_single_session_is_not_enough_to_feel_easy():
    assert review_one(reps_exercise(logs=easy_week(1), scheduled=1)).action == "hold"


def test_without_pain_scores_the_dose_holds():
    logs = tuple(log(n, during=None, after=None) for n in range(7))
    proposal = review_one(reps_exercise(logs=logs))
    assert proposal.action == "hold"
    assert "No pain scores" in text(proposal)
