"""Progress (CLINICAL.md, "Progression from the patient's log"): V-PROGRESS, V-HARDER.

A calm, easy week grows one variable by at most 10 % of its exact dose: first the
repetitions (or the time), then the hold, then one more set; at the maximum comes
the harder variant, which starts supervised.
"""

from dataclasses import replace

import pytest

from planner.engine.dose import ExactDose
from planner.engine.types import Dose
from tests.planner.engine.weeks import (
    course,
    easy_week,
    reps_exercise,
    review_one,
    rules,
    text,
    timed_exercise,
)


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
    assert "Duration up from 10 min to 11 min (you do 11 minutes instead of 10" in text(proposal)


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
