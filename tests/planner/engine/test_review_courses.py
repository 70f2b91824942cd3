"""Whole courses of simulated weeks, each review applied before the next.

Small doses grow, a stable patient never steps back, a step back recovers, and a
course changes at most one variable a week.
"""

from planner.engine.types import Dose
from tests.planner.engine.weeks import (
    allowed,
    changed,
    course,
    easy_week,
    log,
    reps_exercise,
    steady_week,
)


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
