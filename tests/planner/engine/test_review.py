"""The weekly progression review (CLINICAL.md, "Progression from the patient's log").

Each rule branch first, on hand-made weeks; then whole courses of simulated weeks
(small doses grow, a stable patient never steps back, a step back recovers); then
properties that must hold for any week of any exercise: one change at a time, at
most 10 % up on the exact dose, 20-30 % down, never past the exercise's limits,
nothing goes up after a red flag, and the same week always gives the same review.
"""

import random
from dataclasses import fields, replace
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.engine.dose import ExactDose, shown_dose, tenths
from planner.engine.review import (
    ExerciseLog,
    ExerciseUnderReview,
    Proposal,
    WeekReview,
    baseline_pain,
    median,
    review_week,
)
from planner.engine.types import Dose

MONDAY = date(2025, 3, 3)
VARIABLES = tuple(f.name for f in fields(Dose))
# The limits of the hand-made exercises: repetitions 4-30 (holds to 30 s), or 20-300 seconds.
REPS_MIN, REPS_MAX = Dose(1, 4, 0, 0), Dose(4, 30, 30, 0)
TIMED_MIN, TIMED_MAX = Dose(1, 0, 0, 20), Dose(3, 0, 0, 300)


def day(n: int) -> date:
    return MONDAY + timedelta(days=n)


def log(n, *, done=True, during=1, after=1, feel="easy") -> ExerciseLog:
    return ExerciseLog(day(n), done, during, after, feel)


def easy_week(sessions=7, *, pain=1, start=0) -> tuple[ExerciseLog, ...]:
    """A session done on each of the first `sessions` days, low pain, every one easy."""
    return tuple(log(start + n, during=pain, after=pain) for n in range(sessions))


def steady_week(*, during, after, start=0) -> tuple[ExerciseLog, ...]:
    """Seven easy sessions with the same pain every day."""
    return tuple(log(start + n, during=during, after=after) for n in range(7))


def reps_exercise(
    *,
    slug="bridge",
    sets=2,
    reps=10,
    hold_s=0,
    low=REPS_MIN,
    high=REPS_MAX,
    logs=None,
    scheduled=7,
    baseline=3,
    baseline_during=None,
    baseline_after=None,
    harder=None,
    easier=None,
    exact=None,
) -> ExerciseUnderReview:
    return ExerciseUnderReview(
        slug=slug,
        name=slug.replace("-", " ").capitalize(),
        dose=Dose(sets, reps, hold_s, 0),
        dose_min=low,
        dose_max=high,
        harder=harder,
        easier=easier,
        scheduled_days=scheduled,
        logs=easy_week() if logs is None else logs,
        baseline_pain_during=baseline if baseline_during is None else baseline_during,
        baseline_pain_after=baseline if baseline_after is None else baseline_after,
        exact=exact,
    )


def timed_exercise(*, duration_s=60, low=TIMED_MIN, high=TIMED_MAX, **kwargs):
    exercise = reps_exercise(low=low, high=high, **kwargs)
    return replace(exercise, dose=Dose(exercise.dose.sets, 0, 0, duration_s))


def review_one(exercise: ExerciseUnderReview, **kwargs) -> Proposal:
    (proposal,) = review_week([exercise], **kwargs).proposals
    return proposal


def rules(proposal: Proposal) -> list[str]:
    return [reason.rule for reason in proposal.reasons]


def text(proposal: Proposal) -> str:
    return " ".join(reason.text for reason in proposal.reasons)


def applied(exercise: ExerciseUnderReview, proposal: Proposal, logs) -> ExerciseUnderReview:
    """Next week's exercise once the proposal is applied (a change of variant keeps the dose)."""
    return replace(exercise, dose=proposal.dose, exact=proposal.exact, logs=logs)


def course(exercise: ExerciseUnderReview, weeks) -> list[Proposal]:
    """Review week after week, applying every proposal; `weeks` gives each week's logs."""
    proposals = []
    for logs in weeks:
        exercise = replace(exercise, logs=logs)
        proposal = review_one(exercise)
        proposals.append(proposal)
        exercise = applied(exercise, proposal, logs)
    return proposals


# -- progress ------------------------------------------------------------------------------------


def test_progress_raises_repetitions_first_by_at_most_ten_percent():
    proposal = review_one(reps_exercise(reps=10, hold_s=10))
    assert proposal.action == "progress"
    assert proposal.variable == "reps"
    assert proposal.exact == ExactDose(2, 11, 10, 0)
    assert proposal.dose == Dose(2, 11, 10, 0)  # the hold waits for another week
    assert set(rules(proposal)) == {"V-PROGRESS"}
    assert "Repetitions up from 10.0 to 11.0 (you do 11 instead of 10)" in text(proposal)


def test_ten_percent_more_is_floored_to_a_tenth_so_it_never_exceeds_ten_percent():
    proposal = review_one(reps_exercise(reps=29, high=Dose(4, 40, 0, 0)))
    assert proposal.exact.reps == 31.9  # 29 x 1.1; 32.0 would be 10.3 % more
    assert proposal.dose.reps == 32


def test_five_repetitions_grow_week_after_week_by_their_exact_dose():
    exercise = reps_exercise(reps=5)
    proposals = course(exercise, [easy_week()] * 6)
    assert all((p.action, p.variable) == ("progress", "reps") for p in proposals)
    assert [p.exact.reps for p in proposals] == [5.5, 6.0, 6.6, 7.2, 7.9, 8.6]
    assert [p.dose.reps for p in proposals] == [6, 6, 7, 7, 8, 9]


def test_a_week_whose_exact_dose_grows_unseen_is_still_progress_and_says_so():
    exercise = reps_exercise(reps=6, exact=ExactDose(2, 5.5, 0, 0))
    proposal = review_one(exercise)
    assert (proposal.action, proposal.variable) == ("progress", "reps")
    assert (proposal.exact.reps, proposal.dose) == (6.0, exercise.dose)
    assert "Repetitions up from 5.5 to 6.0 (you do 6, as before" in text(proposal)


def test_eight_repetitions_grow_to_eight_point_eight_shown_as_nine():
    proposal = review_one(reps_exercise(reps=8, hold_s=10))
    assert (proposal.action, proposal.variable) == ("progress", "reps")
    assert (proposal.exact.reps, proposal.dose) == (8.8, Dose(2, 9, 10, 0))


def test_repetitions_at_their_maximum_let_the_hold_grow():
    proposal = review_one(reps_exercise(reps=30, hold_s=20))
    assert (proposal.variable, proposal.exact.hold_s) == ("hold_s", 22.0)
    assert proposal.dose.hold_s == 20  # holds are shown in 5 s steps: 22 s shows as 20 s


def test_a_five_second_hold_grows_week_after_week():
    exercise = reps_exercise(reps=30, hold_s=5)
    proposals = course(exercise, [easy_week()] * 5)
    assert all((p.action, p.variable) == ("progress", "hold_s") for p in proposals)
    assert [p.exact.hold_s for p in proposals] == [5.5, 6.0, 6.6, 7.2, 7.9]
    assert [p.dose.hold_s for p in proposals] == [5, 5, 5, 5, 10]
    assert "you hold 5 seconds, as before" in text(proposals[0])


def test_a_timed_exercise_progresses_by_its_duration():
    proposal = review_one(timed_exercise(duration_s=600, high=Dose(3, 0, 0, 1200)))
    assert (proposal.action, proposal.variable) == ("progress", "duration_s")
    assert (proposal.exact.duration_s, proposal.dose) == (660.0, Dose(2, 0, 0, 660))
    assert "Duration up from 600.0 to 660.0 seconds (you do 11 minutes instead of 10" in text(
        proposal
    )


def test_a_timed_exercise_grows_its_duration_before_its_hold():
    exercise = replace(
        timed_exercise(duration_s=60), dose=Dose(2, 0, 10, 60), dose_max=Dose(3, 0, 30, 300)
    )
    assert review_one(exercise).variable == "duration_s"


def test_sets_rise_once_repetitions_and_hold_are_at_their_maximum_with_volume_up_ten_percent():
    proposal = review_one(reps_exercise(sets=2, reps=30, hold_s=30))
    assert (proposal.action, proposal.variable) == ("progress", "sets")
    # 2 x 30 = 60 repetitions; 3 sets of 22 = 66, exactly 10 % more; the hold stays.
    assert proposal.exact == ExactDose(3, 22, 30, 0)
    assert proposal.dose == Dose(3, 22, 30, 0)
    assert proposal.exact.sets * proposal.exact.reps <= 1.1 * 60
    assert "you do 3 x 22 instead of 2 x 30" in text(proposal)


def test_after_one_more_set_the_repetitions_grow_again():
    exercise = reps_exercise(sets=3, reps=22, hold_s=30)
    proposal = review_one(exercise)
    assert (proposal.variable, proposal.exact.reps) == ("reps", 24.2)


def test_a_set_that_would_take_the_repetitions_under_their_minimum_is_not_added():
    # One set of 10: two sets could hold 5.5 each, under the minimum of 8.
    exercise = reps_exercise(
        sets=1, reps=10, low=Dose(1, 8, 0, 0), high=Dose(2, 10, 0, 0), harder="next-one"
    )
    proposal = review_one(exercise)
    assert (proposal.action, proposal.dose, proposal.new_exercise) == ("hold", exercise.dose, None)
    assert "one more set would take the repetitions under the exercise's minimum" in text(proposal)


def test_progress_stops_at_the_maximum():
    proposal = review_one(reps_exercise(reps=20, high=Dose(4, 21, 0, 0)))
    assert (proposal.exact.reps, proposal.dose.reps) == (21.0, 21)  # 22 would pass the maximum


def test_at_the_maximum_dose_the_harder_variant_is_proposed_and_starts_supervised():
    exercise = reps_exercise(reps=30, hold_s=0, sets=4, harder="bridge-single-leg")
    proposal = review_one(exercise)
    assert proposal.action == "harder_variant"
    assert proposal.new_exercise == "bridge-single-leg"
    assert proposal.variable is None
    assert (proposal.dose, proposal.exact) == (exercise.dose, ExactDose.of(exercise.dose))
    harder = next(r.text for r in proposal.reasons if r.rule == "V-HARDER")
    assert "supervised at the clinic" in harder


@pytest.mark.parametrize(
    ("sets", "reps", "hold_s", "growing"),
    [
        (4, 29, 30, "reps"),
        (4, 30, 25, "hold_s"),
        (3, 30, 30, "sets"),
        (2, 8, 0, "reps"),  # a small dose grows; it does not jump to the harder variant
    ],
)
def test_the_harder_variant_comes_only_when_every_variable_is_at_its_maximum(
    sets, reps, hold_s, growing
):
    proposal = review_one(reps_exercise(sets=sets, reps=reps, hold_s=hold_s, harder="next-one"))
    assert (proposal.action, proposal.variable, proposal.new_exercise) == (
        "progress",
        growing,
        None,
    )


def test_an_exact_dose_just_under_the_maximum_grows_before_the_harder_variant():
    exercise = reps_exercise(reps=30, sets=4, exact=ExactDose(4, 29.6, 0, 0), harder="next-one")
    proposal = review_one(exercise)
    assert (proposal.action, proposal.exact.reps, proposal.dose) == (
        "progress",
        30.0,
        exercise.dose,
    )


def test_a_hold_of_zero_is_not_part_of_the_dose_and_does_not_stop_the_harder_variant():
    # The maximum allows a 30 s hold, but this exercise is prescribed without one.
    exercise = reps_exercise(reps=30, sets=4, hold_s=0, harder="next-one")
    assert review_one(exercise).action == "harder_variant"


def test_at_the_maximum_without_a_harder_variant_the_dose_holds():
    exercise = reps_exercise(reps=30, sets=4)
    proposal = review_one(exercise)
    assert (proposal.action, proposal.new_exercise, proposal.dose) == ("hold", None, exercise.dose)
    assert "V-HARDER" in rules(proposal)
    assert "at its maximum dose, and there is no harder variant" in text(proposal)


def test_an_exact_dose_that_no_longer_shows_as_the_prescribed_dose_restarts_from_it():
    # The clinician set 12 repetitions by hand; the exact 9.4 belonged to the old dose.
    exercise = reps_exercise(reps=12, exact=ExactDose(2, 9.4, 0, 0))
    proposal = review_one(exercise)
    assert (proposal.exact.reps, proposal.dose.reps) == (13.2, 13)


def test_an_off_step_hold_never_shows_less_while_it_grows():
    # A 6 s hold (off the 5 s steps) grown to 6.6 s would show 5 s: it stays 6 s on show,
    # and the exact dose goes on growing until it shows 10 s.
    proposals = course(reps_exercise(reps=30, hold_s=6), [easy_week()] * 3)
    assert [p.exact.hold_s for p in proposals] == [6.6, 7.2, 7.9]
    assert [p.dose.hold_s for p in proposals] == [6, 6, 10]


def test_the_variables_a_proposal_does_not_change_keep_their_prescribed_value():
    # 22 s is off the 5 s display grid; growing the repetitions leaves it as prescribed.
    proposal = review_one(reps_exercise(reps=10, hold_s=22))
    assert proposal.dose == Dose(2, 11, 22, 0)


# -- step back -----------------------------------------------------------------------------------


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


# -- hold ----------------------------------------------------------------------------------------


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


# -- courses of weeks ----------------------------------------------------------------------------


def test_a_stable_patient_logging_3_during_and_1_after_never_steps_back_in_twelve_weeks():
    exercise = reps_exercise(reps=8, hold_s=5, baseline_during=3, baseline_after=1)
    proposals = course(exercise, [steady_week(during=3, after=1)] * 12)
    assert [p.action for p in proposals] == ["progress"] * 12
    assert proposals[-1].dose.reps > 8


def test_after_a_step_back_the_dose_recovers_within_a_few_easy_weeks():
    exercise = reps_exercise(reps=10, baseline=1)
    flare_week = (*easy_week(6), log(6, during=6, after=6))
    proposals = course(exercise, [flare_week] + [easy_week()] * 4)
    assert (proposals[0].action, proposals[0].dose.reps) == ("step_back", 8)
    assert [p.action for p in proposals[1:]] == ["progress"] * 4
    assert [p.exact.reps for p in proposals] == [7.5, 8.2, 9.0, 9.9, 10.8]
    assert proposals[-1].dose.reps >= 10  # back at (and past) the dose before the flare


def test_eight_repetitions_set_by_hand_after_a_step_back_grow_again():
    proposals = course(reps_exercise(reps=8), [easy_week()] * 3)
    assert [(p.exact.reps, p.dose.reps) for p in proposals] == [(8.8, 9), (9.6, 10), (10.5, 11)]


def test_a_course_changes_at_most_one_variable_a_week():
    exercise = reps_exercise(sets=1, reps=5, hold_s=5, high=Dose(3, 12, 10, 0), harder="next")
    proposals = course(exercise, [easy_week()] * 40)
    before = exercise.dose
    for proposal in proposals:
        moved = changed(before, proposal.dose)
        assert set(moved) <= allowed(proposal.variable, volume="reps")
        before = proposal.dose
    assert proposals[-1].action == "harder_variant"


# -- the week ------------------------------------------------------------------------------------


def test_a_quiet_week_neither_pauses_nor_flags_nor_alerts():
    review = review_week([reps_exercise()])
    assert (review.pause_progression, review.flag_patient, review.reasons) == (False, False, ())
    assert (review.alert_clinician, review.alert_reasons) == (False, ())


def test_creeping_pain_alerts_the_clinician_without_pausing():
    # Baseline 2 during; the week's median pain during is 4 and its highest 5: under 6.
    logs = (*steady_week(during=4, after=1)[:5], log(5, during=5), log(6, during=3))
    exercises = [
        reps_exercise(slug=slug, baseline_during=2, baseline_after=1, logs=logs)
        for slug in ("bridge", "clam")
    ]
    review = review_week(exercises)
    assert review.alert_clinician
    assert [r.rule for r in review.alert_reasons] == ["V-CREEP"]
    assert (
        "The median pain during exercise this week was 4 out of 10, 2 points above the "
        "baseline (2)" in review.alert_reasons[0].text
    )
    assert not review.pause_progression and not review.flag_patient


def test_creeping_pain_after_exercise_alerts_too():
    review = review_week([reps_exercise(baseline=1, logs=steady_week(during=1, after=3))])
    assert review.alert_clinician
    assert "pain after exercise" in review.alert_reasons[0].text


def test_the_median_over_all_scores_of_the_week_decides_not_one_bad_day():
    logs = (*steady_week(during=2, after=1)[:6], log(6, during=5))
    review = review_week([reps_exercise(baseline_during=2, baseline_after=1, logs=logs)])
    assert not review.alert_clinician
    assert review.proposals[0].action == "step_back"  # the bad day still steps back


def test_pain_one_point_over_the_baseline_raises_no_alert():
    review = review_week([reps_exercise(baseline=2, logs=steady_week(during=3, after=3))])
    assert not review.alert_clinician


def test_creep_compares_each_score_with_its_own_exercise_s_baseline():
    review = review_week(
        [
            reps_exercise(slug="bridge", baseline_during=1, logs=steady_week(during=3, after=1)),
            reps_exercise(slug="clam", baseline_during=2, logs=steady_week(during=4, after=1)),
        ]
    )
    assert review.alert_clinician
    assert "in the median, 2 points above each exercise's baseline" in review.alert_reasons[0].text


def test_pain_of_six_pauses_and_creeping_pain_alerts_as_well():
    logs = steady_week(during=6, after=1)
    review = review_week([reps_exercise(baseline_during=2, baseline_after=1, logs=logs)])
    assert review.pause_progression and review.flag_patient and review.alert_clinician


def test_a_reported_red_flag_pauses_progression_and_holds_what_would_progress():
    painful = reps_exercise(
        slug="cat-camel", baseline=1, logs=(*easy_week(6), log(6, during=3, after=3))
    )
    review = review_week(
        [reps_exercise(slug="bridge"), timed_exercise(slug="walk", harder="x"), painful],
        red_flag_reported=True,
    )
    assert review.pause_progression and review.flag_patient
    assert [r.rule for r in review.reasons] == ["V-PAUSE"]
    assert "red flag" in review.reasons[0].text
    bridge, cat_camel, walk = review.proposals
    assert (bridge.action, rules(bridge)) == ("hold", ["V-PAUSE"])
    assert bridge.exact == ExactDose.of(bridge.dose)
    assert walk.action == "hold"
    assert cat_camel.action == "step_back"  # steps back stay


def test_a_harder_variant_is_held_back_while_paused():
    exercise = reps_exercise(reps=30, sets=4, harder="bridge-march")
    assert review_one(exercise).action == "harder_variant"
    proposal = review_one(exercise, red_flag_reported=True)
    assert (proposal.action, proposal.new_exercise, proposal.dose) == ("hold", None, exercise.dose)


def test_pain_of_six_with_one_exercise_flags_the_patient_and_pauses_the_rest():
    painful = reps_exercise(slug="plank", baseline=5, logs=(*easy_week(6), log(6, during=6)))
    review = review_week([painful, reps_exercise(slug="bridge")])
    assert review.pause_progression and review.flag_patient
    assert [r.rule for r in review.reasons] == ["V-PAUSE"]
    assert "Pain reached 6 out of 10 with Plank" in review.reasons[0].text
    assert [(p.slug, p.action) for p in review.proposals] == [
        ("bridge", "hold"),
        ("plank", "step_back"),
    ]


def test_pain_of_five_neither_pauses_nor_flags():
    exercise = reps_exercise(baseline=4, logs=(log(0, during=5),))
    review = review_week([exercise])
    assert not review.pause_progression and not review.flag_patient


def test_proposals_come_in_slug_order():
    review = review_week([reps_exercise(slug=s) for s in ("plank", "bird-dog", "walk")])
    assert [p.slug for p in review.proposals] == ["bird-dog", "plank", "walk"]


def test_an_exercise_listed_twice_is_refused():
    with pytest.raises(ValueError, match="bridge"):
        review_week([reps_exercise(), reps_exercise()])


# -- baseline ------------------------------------------------------------------------------------


def test_the_baseline_is_the_median_of_each_measure_over_the_first_seven_days_at_home():
    logs = (
        log(0, during=5, after=2),
        log(1, during=3, after=None),
        log(2, during=4, after=2),
        log(7, during=9, after=9),  # the eighth day: not the first week
        log(-1, during=9, after=9),  # before home training started
    )
    assert baseline_pain(logs, first_home_day=day(0)) == (4, 2)


def test_an_even_count_takes_the_mean_of_the_middle_two_rounded_half_up():
    logs = (log(0, during=2, after=1), log(1, during=3, after=2), log(6, during=3, after=1))
    logs = (*logs, log(6, during=2, after=1))
    assert baseline_pain(logs, first_home_day=day(0)) == (3, 1)  # 2.5 is 3; 1 and 1 are 1
    assert [median(v) for v in ([2, 3], [1, 4], [0, 1, 1, 3], [])] == [3, 3, 1, None]


def test_a_measure_without_scores_in_the_first_week_has_no_baseline():
    logs = (log(0, during=None, after=2), log(8, during=3, after=3))
    assert baseline_pain(logs, first_home_day=day(0)) == (None, 2)
    assert baseline_pain((), first_home_day=day(0)) == (None, None)


def test_the_baseline_does_not_depend_on_the_order_of_the_entries():
    logs = tuple(log(n % 7, during=n % 5, after=(3 * n) % 4) for n in range(12))
    expected = baseline_pain(logs, first_home_day=day(0))
    assert baseline_pain(reversed(logs), first_home_day=day(0)) == expected


# -- properties ----------------------------------------------------------------------------------

# No example database: the tests leave no files behind, and every run draws afresh.
PROPERTY = settings(max_examples=200, deadline=None, database=None)
SLUGS = ("bird-dog", "bridge", "cat-camel", "clam", "plank", "walk")
# Low pain and "easy" are drawn often, so progress and the harder variant are reached too.
PAIN = st.one_of(st.none(), st.integers(0, 3), st.integers(0, 10))
FEELING = st.sampled_from(["easy", "easy", "easy", "right", "hard", None])
BASELINE = st.one_of(st.none(), st.integers(0, 10))


def ordered_triple(low: int, high: int) -> st.SearchStrategy[list[int]]:
    """Minimum, current and maximum of one variable: min <= current <= max."""
    return st.lists(st.integers(low, high), min_size=3, max_size=3).map(sorted)


@st.composite
def dose_ranges(draw) -> tuple[Dose, Dose, Dose, ExactDose | None]:
    """(current, minimum, maximum, exact) of a repetition or a timed exercise."""
    sets = draw(ordered_triple(1, 12))
    if draw(st.booleans()):
        seconds = draw(ordered_triple(5, 900))
        low, now, high = (Dose(sets[i], 0, 0, seconds[i]) for i in range(3))
    else:
        reps = draw(ordered_triple(1, 40))
        hold = draw(st.one_of(st.just([0, 0, 0]), ordered_triple(0, 60)))
        low, now, high = (Dose(sets[i], reps[i], hold[i], 0) for i in range(3))
    # Often at the maximum already, so the harder variant (or holding there) is reached, or
    # with all but the sets at their maximum, so that one more set is reached.
    at = draw(st.sampled_from(["now", "now", "max", "sets"]))
    if at == "max":
        now = high
    elif at == "sets":
        now = replace(high, sets=now.sets)
    exact = None
    if draw(st.booleans()):
        # An exact dose between the limits, and the dose it shows as.
        exact = ExactDose(
            *(
                draw(st.integers(10 * getattr(low, v), 10 * getattr(high, v))) / 10
                if getattr(now, v)
                else 0.0
                for v in VARIABLES
            )
        )
        now = shown_dose(exact, low, high)
    return now, low, high, exact


DAY = st.integers(0, 6).map(day)
any_log = st.builds(
    ExerciseLog, day=DAY, done=st.booleans(), pain_during=PAIN, pain_after=PAIN, difficulty=FEELING
)
# Random entries are mostly too painful to progress: calm weeks (pain 0-1, every session done
# and easy) reach progress, the harder variant and the maximum as well.
calm_log = st.builds(
    ExerciseLog,
    day=DAY,
    done=st.just(True),
    pain_during=st.integers(0, 1),
    pain_after=st.integers(0, 1),
    difficulty=st.just("easy"),
)
week_logs = st.one_of(
    st.lists(any_log, max_size=10), st.lists(calm_log, min_size=2, max_size=10)
).map(tuple)


@st.composite
def exercises(draw, slug: str) -> ExerciseUnderReview:
    now, low, high, exact = draw(dose_ranges())
    return ExerciseUnderReview(
        slug=slug,
        name=slug,
        dose=now,
        dose_min=low,
        dose_max=high,
        harder=draw(st.none() | st.just(f"{slug}-harder")),
        easier=draw(st.none() | st.just(f"{slug}-easier")),
        scheduled_days=draw(st.integers(0, 7)),
        logs=draw(week_logs),
        baseline_pain_during=draw(BASELINE),
        baseline_pain_after=draw(BASELINE),
        exact=exact,
    )


weeks = st.lists(st.sampled_from(SLUGS), min_size=1, max_size=len(SLUGS), unique=True).flatmap(
    lambda slugs: st.tuples(*(exercises(slug) for slug in slugs)).map(list)
)


def paired(exercises: list[ExerciseUnderReview], review: WeekReview):
    by_slug = {exercise.slug: exercise for exercise in exercises}
    return [(by_slug[proposal.slug], proposal) for proposal in review.proposals]


def changed(before, after) -> list[str]:
    return [name for name in VARIABLES if getattr(before, name) != getattr(after, name)]


def allowed(variable: str | None, *, volume: str) -> set[str]:
    """What one proposal may change: its variable; one more set also lowers the volume."""
    if variable is None:
        return set()
    return {"sets", volume} if variable == "sets" else {variable}


def exact_of(exercise: ExerciseUnderReview) -> ExactDose:
    return review_one(replace(exercise, logs=(), scheduled_days=0)).exact  # a no-data hold


def check_proposal(exercise: ExerciseUnderReview, proposal: Proposal) -> None:
    """What every proposal must be, whatever the week."""
    before = exact_of(exercise)
    volume = "duration_s" if exercise.dose.is_timed else "reps"
    assert proposal.reasons, "every proposal says why"
    # Never two variables of one exercise in a week (one more set lowers the volume with it).
    assert set(changed(exercise.dose, proposal.dose)) <= allowed(proposal.variable, volume=volume)
    assert set(changed(before, proposal.exact)) <= allowed(proposal.variable, volume=volume)
    # The shown dose is within the exercise's limits, and so is the exact dose.
    for name in VARIABLES:
        low, high = getattr(exercise.dose_min, name), getattr(exercise.dose_max, name)
        assert low <= getattr(proposal.dose, name) <= high
        assert low <= getattr(proposal.exact, name) <= high
    # What a proposal changes is shown as the exact dose rounded.
    shown = shown_dose(proposal.exact, exercise.dose_min, exercise.dose_max)
    for name in changed(exercise.dose, proposal.dose):
        assert getattr(proposal.dose, name) == getattr(shown, name)
    if proposal.action == "progress":
        assert proposal.variable is not None
        old, new = (
            tenths(getattr(before, proposal.variable)),
            tenths(getattr(proposal.exact, proposal.variable)),
        )
        assert old < new
        if proposal.variable == "sets":
            grown = tenths(before.sets) * tenths(getattr(before, volume))
            now = tenths(proposal.exact.sets) * tenths(getattr(proposal.exact, volume))
            assert 100 * now <= 110 * grown  # the volume rises by at most 10 %
            assert tenths(getattr(proposal.exact, volume)) <= tenths(getattr(before, volume))
        else:
            assert 100 * new <= 110 * old
            for name in VARIABLES:  # the shown dose never goes down when it progresses
                assert getattr(proposal.dose, name) >= getattr(exercise.dose, name)
    if proposal.action == "step_back":
        assert proposal.variable == volume
        old, new = tenths(getattr(before, volume)), tenths(getattr(proposal.exact, volume))
        assert 20 * old <= 100 * (old - new) <= 30 * old
        assert getattr(proposal.dose, volume) < getattr(exercise.dose, volume)
    expected = {"harder_variant": exercise.harder, "easier_variant": exercise.easier}
    if proposal.action in expected:
        assert proposal.new_exercise is not None
        assert proposal.new_exercise == expected[proposal.action]
    else:
        assert proposal.new_exercise is None
    if proposal.action in ("hold", "harder_variant", "easier_variant"):
        assert (proposal.variable, proposal.dose, proposal.exact) == (None, exercise.dose, before)


@PROPERTY
@given(weeks, st.booleans())
def test_every_proposal_changes_one_variable_within_the_limits_by_the_rules(exercises, red_flag):
    review = review_week(exercises, red_flag_reported=red_flag)
    assert [p.slug for p in review.proposals] == sorted(e.slug for e in exercises)
    for exercise, proposal in paired(exercises, review):
        check_proposal(exercise, proposal)


@PROPERTY
@given(exercises("bridge"), st.lists(week_logs, min_size=1, max_size=12))
def test_over_a_course_of_random_weeks_the_shown_dose_stays_within_its_limits(exercise, logs):
    for week in logs:
        exercise = replace(exercise, logs=week)
        proposal = review_one(exercise)
        check_proposal(exercise, proposal)
        exercise = applied(exercise, proposal, week)


@PROPERTY
@given(weeks)
def test_after_a_reported_red_flag_nothing_goes_up(exercises):
    review = review_week(exercises, red_flag_reported=True)
    assert review.pause_progression and review.flag_patient
    assert all(p.action not in ("progress", "harder_variant") for p in review.proposals)


@PROPERTY
@given(weeks)
def test_pain_of_six_anywhere_pauses_and_flags_and_nothing_else_does(exercises):
    review = review_week(exercises)
    pains = [
        pain
        for exercise in exercises
        for entry in exercise.logs
        for pain in (entry.pain_during, entry.pain_after)
        if pain is not None
    ]
    six = any(pain >= 6 for pain in pains)
    assert review.pause_progression == review.flag_patient == six
    if six:
        assert all(p.action not in ("progress", "harder_variant") for p in review.proposals)
    assert review.alert_clinician == bool(review.alert_reasons)
    assert all(r.rule == "V-CREEP" for r in review.alert_reasons)


@PROPERTY
@given(weeks, st.booleans(), st.randoms(use_true_random=False))
def test_the_same_week_in_any_order_gives_the_same_review(exercises, red_flag, rng):
    review = review_week(exercises, red_flag_reported=red_flag)
    assert review_week(exercises, red_flag_reported=red_flag) == review
    shuffled = [replace(e, logs=tuple(rng.sample(e.logs, len(e.logs)))) for e in exercises]
    random.Random(rng.random()).shuffle(shuffled)
    assert review_week(iter(shuffled), red_flag_reported=red_flag) == review
