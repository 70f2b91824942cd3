"""The week as a whole: the pause and the flag (V-PAUSE), creeping pain (V-CREEP), order.

A red flag, or pain of 6 or more with any exercise, pauses progression and flags
the patient; a weekly median pain 2 or more over the baseline alerts the clinician,
even below 6.
"""

import pytest

from planner.engine.dose import ExactDose
from planner.engine.review.week import review_week
from tests.planner.engine.weeks import (
    easy_week,
    log,
    reps_exercise,
    review_one,
    rules,
    steady_week,
    timed_exercise,
)


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
