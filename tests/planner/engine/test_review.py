"""The weekly progression review (CLINICAL.md, "Progression from the patient's log").

Each rule branch first, on hand-made weeks; then properties that must hold for any
week of any exercise: one change at a time, at most 10 % up, 20-30 % down, never
past the exercise's limits, nothing goes up after a red flag, and the same week
always gives the same review.
"""

import random
from dataclasses import fields, replace
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.engine.review import (
    ExerciseLog,
    ExerciseUnderReview,
    Proposal,
    WeekReview,
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


def easy_week(sessions=7, *, pain=1) -> tuple[ExerciseLog, ...]:
    """A session done on each of the first `sessions` days, low pain, every one easy."""
    return tuple(log(n, during=pain, after=pain) for n in range(sessions))


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
    harder=None,
    easier=None,
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
        baseline_pain=baseline,
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


# -- progress ------------------------------------------------------------------------------------


def test_progress_raises_repetitions_first_by_at_most_ten_percent():
    proposal = review_one(reps_exercise(reps=10, hold_s=10))
    assert proposal.action == "progress"
    assert proposal.variable == "reps"
    assert proposal.dose == Dose(2, 11, 10, 0)  # the hold waits for another week
    assert set(rules(proposal)) == {"V-PROGRESS"}
    assert "Repetitions up from 10 to 11" in text(proposal)


def test_progress_floors_ten_percent_more():
    proposal = review_one(reps_exercise(reps=29, high=Dose(4, 40, 0, 0)))
    assert proposal.dose.reps == 31  # 31.9 floors to 31


def test_eight_repetitions_cannot_grow_so_the_hold_grows_instead():
    # 8 x 1.1 = 8.8 floors to 8, and 9 would be 12.5 % more.
    proposal = review_one(reps_exercise(reps=8, hold_s=10))
    assert (proposal.action, proposal.variable) == ("progress", "hold_s")
    assert proposal.dose == Dose(2, 8, 11, 0)


def test_repetitions_at_their_maximum_let_the_hold_grow():
    proposal = review_one(reps_exercise(reps=30, hold_s=20))
    assert (proposal.variable, proposal.dose.hold_s) == ("hold_s", 22)


def test_a_timed_exercise_progresses_by_its_duration():
    proposal = review_one(timed_exercise(duration_s=60))
    assert (proposal.action, proposal.variable) == ("progress", "duration_s")
    assert proposal.dose == Dose(2, 0, 0, 66)
    assert "up from 60 seconds to 66 seconds" in text(proposal)


def test_sets_grow_only_when_nothing_before_them_can():
    proposal = review_one(reps_exercise(sets=10, reps=8, high=Dose(12, 30, 0, 0)))
    assert (proposal.action, proposal.variable) == ("progress", "sets")
    assert proposal.dose == Dose(11, 8, 0, 0)


def test_progress_stops_at_the_maximum():
    proposal = review_one(reps_exercise(reps=20, high=Dose(4, 21, 0, 0)))
    assert proposal.dose.reps == 21  # 22 would pass the maximum


def test_at_the_maximum_dose_the_harder_variant_is_proposed_and_starts_supervised():
    exercise = reps_exercise(reps=30, hold_s=0, sets=4, harder="bridge-single-leg")
    proposal = review_one(exercise)
    assert proposal.action == "harder_variant"
    assert proposal.new_exercise == "bridge-single-leg"
    assert proposal.variable is None
    assert proposal.dose == exercise.dose
    harder = next(r.text for r in proposal.reasons if r.rule == "V-HARDER")
    assert "supervised at the clinic" in harder


def test_small_doses_that_cannot_grow_ten_percent_count_as_the_maximum():
    # 8 repetitions, no hold, 2 sets: no variable can grow by 10 % or less.
    proposal = review_one(reps_exercise(reps=8, harder="bridge-march"))
    assert (proposal.action, proposal.new_exercise) == ("harder_variant", "bridge-march")


def test_at_the_maximum_without_a_harder_variant_the_dose_holds():
    exercise = reps_exercise(reps=30, sets=4)
    proposal = review_one(exercise)
    assert (proposal.action, proposal.new_exercise, proposal.dose) == ("hold", None, exercise.dose)
    assert "V-HARDER" in rules(proposal)
    assert "at its maximum dose, and there is no harder variant" in text(proposal)


def test_a_dose_too_small_for_a_ten_percent_step_says_so_rather_than_maximum():
    exercise = reps_exercise(reps=7, sets=2, harder="next-one")
    proposal = review_one(exercise)
    assert (proposal.action, proposal.new_exercise) == ("harder_variant", "next-one")
    assert "without going over 10 %" in text(proposal)
    assert "maximum" not in text(proposal)


# -- step back -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("during", "after"), [(6, 2), (2, 6), (9, 9)])
def test_pain_of_six_or_more_steps_back_by_a_quarter(during, after):
    logs = (*easy_week(6), log(6, during=during, after=after))
    proposal = review_one(reps_exercise(reps=12, baseline=5, logs=logs))
    assert (proposal.action, proposal.variable) == ("step_back", "reps")
    assert proposal.dose == Dose(2, 9, 0, 0)  # 12 x 0.75
    assert set(rules(proposal)) == {"V-STEP-BACK"}
    assert f"Pain reached {max(during, after)} out of 10" in text(proposal)


def test_pain_two_points_over_the_baseline_steps_back():
    # Pain after, not during: no next-day flare, only the rise over the baseline.
    logs = (*easy_week(6), log(6, during=2, after=3))
    proposal = review_one(reps_exercise(reps=10, baseline=1, logs=logs))
    assert proposal.action == "step_back"
    assert proposal.dose.reps == 8  # 7.5 rounds half up to 8: 20 % less
    assert "2 points above the pain at the start" in text(proposal)


def test_pain_one_point_over_the_baseline_does_not_step_back():
    logs = (*easy_week(6), log(6, during=2, after=3))
    assert review_one(reps_exercise(baseline=2, logs=logs)).action == "progress"


def test_pain_that_flares_the_next_day_steps_back():
    # Tuesday: 3 during, 2 points above Monday's pain after (1); 3 is within baseline + 1.
    logs = (log(0, during=1, after=1), log(1, during=3, after=1), *easy_week(7)[2:])
    proposal = review_one(reps_exercise(baseline=3, logs=logs))
    assert proposal.action == "step_back"
    assert "On Tuesday 4 March pain during the exercise was 3" in text(proposal)
    assert "flared the next day" in text(proposal)


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
    assert proposal.dose == Dose(2, 0, 0, 45)


def test_a_step_back_stops_at_the_minimum_when_that_is_still_a_fifth_less():
    logs = (*easy_week(6), log(6, during=7))
    proposal = review_one(reps_exercise(reps=10, low=Dose(1, 8, 0, 0), baseline=5, logs=logs))
    assert (proposal.action, proposal.dose.reps) == ("step_back", 8)  # 7.5 would round to 8 too


@pytest.mark.parametrize(
    ("reps", "minimum"),
    [
        (10, 9),  # the minimum allows only 10 % less
        (6, 1),  # 4.5 rounds to 5 (17 % less) and 4 would be 33 % less
        (3, 1),  # any cut of 3 is a third or more
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
    exercise = reps_exercise(baseline=4, logs=(*easy_week(6), log(6, during=2, after=pain)))
    proposal = review_one(exercise)
    assert (proposal.action, proposal.variable, proposal.dose) == ("hold", None, exercise.dose)
    assert rules(proposal) == ["V-HOLD"]
    assert f"Pain reached {pain} out of 10" in text(proposal)


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


# -- the week ------------------------------------------------------------------------------------


def test_a_quiet_week_neither_pauses_nor_flags():
    review = review_week([reps_exercise()])
    assert (review.pause_progression, review.flag_patient, review.reasons) == (False, False, ())


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
    assert walk.action == "hold"
    assert cat_camel.action == "step_back"  # steps back stay


def test_a_harder_variant_is_held_back_while_paused():
    exercise = reps_exercise(reps=8, harder="bridge-march")
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


# -- properties ----------------------------------------------------------------------------------

# No example database: the tests leave no files behind, and every run draws afresh.
PROPERTY = settings(max_examples=200, deadline=None, database=None)
SLUGS = ("bird-dog", "bridge", "cat-camel", "clam", "plank", "walk")
# Low pain and "easy" are drawn often, so progress and the harder variant are reached too.
PAIN = st.one_of(st.none(), st.integers(0, 3), st.integers(0, 10))
FEELING = st.sampled_from(["easy", "easy", "easy", "right", "hard", None])


def ordered_triple(low: int, high: int) -> st.SearchStrategy[list[int]]:
    """Minimum, current and maximum of one variable: min <= current <= max."""
    return st.lists(st.integers(low, high), min_size=3, max_size=3).map(sorted)


@st.composite
def dose_ranges(draw) -> tuple[Dose, Dose, Dose]:
    """(current, minimum, maximum) of a repetition or a timed exercise."""
    sets = draw(ordered_triple(1, 12))
    if draw(st.booleans()):
        seconds = draw(ordered_triple(5, 900))
        low, now, high = (Dose(sets[i], 0, 0, seconds[i]) for i in range(3))
    else:
        reps = draw(ordered_triple(1, 40))
        hold = draw(st.one_of(st.just([0, 0, 0]), ordered_triple(0, 60)))
        low, now, high = (Dose(sets[i], reps[i], hold[i], 0) for i in range(3))
    # Often at the maximum already, so the harder variant (or holding there) is reached.
    return (high if draw(st.sampled_from([False, False, True])) else now), low, high


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
    now, low, high = draw(dose_ranges())
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
        baseline_pain=draw(st.integers(0, 10)),
    )


weeks = st.lists(st.sampled_from(SLUGS), min_size=1, max_size=len(SLUGS), unique=True).flatmap(
    lambda slugs: st.tuples(*(exercises(slug) for slug in slugs)).map(list)
)


def paired(exercises: list[ExerciseUnderReview], review: WeekReview):
    by_slug = {exercise.slug: exercise for exercise in exercises}
    return [(by_slug[proposal.slug], proposal) for proposal in review.proposals]


def changed(before: Dose, after: Dose) -> list[str]:
    return [name for name in VARIABLES if getattr(before, name) != getattr(after, name)]


@PROPERTY
@given(weeks, st.booleans())
def test_one_proposal_per_exercise_changing_at_most_one_variable_by_at_most_ten_percent_up(
    exercises, red_flag
):
    review = review_week(exercises, red_flag_reported=red_flag)
    assert [p.slug for p in review.proposals] == sorted(e.slug for e in exercises)
    for exercise, proposal in paired(exercises, review):
        moved = changed(exercise.dose, proposal.dose)
        assert moved == ([proposal.variable] if proposal.variable else [])
        for name in moved:
            assert 100 * getattr(proposal.dose, name) <= 110 * getattr(exercise.dose, name)
        assert proposal.reasons, "every proposal says why"


@PROPERTY
@given(weeks)
def test_progress_never_passes_the_maximum_dose(exercises):
    for exercise, proposal in paired(exercises, review_week(exercises)):
        if proposal.action == "progress":
            assert proposal.variable is not None
            assert getattr(proposal.dose, proposal.variable) > getattr(
                exercise.dose, proposal.variable
            )
            for name in VARIABLES:
                assert getattr(proposal.dose, name) <= getattr(exercise.dose_max, name)


@PROPERTY
@given(weeks)
def test_a_step_back_cuts_the_volume_by_20_to_30_percent_and_never_under_the_minimum(exercises):
    for exercise, proposal in paired(exercises, review_week(exercises)):
        if proposal.action != "step_back":
            continue
        volume = "duration_s" if exercise.dose.is_timed else "reps"
        assert proposal.variable == volume
        old, new = getattr(exercise.dose, volume), getattr(proposal.dose, volume)
        assert 20 * old <= 100 * (old - new) <= 30 * old
        assert new >= getattr(exercise.dose_min, volume)


@PROPERTY
@given(weeks)
def test_a_change_of_variant_names_the_variant_and_keeps_the_dose(exercises):
    for exercise, proposal in paired(exercises, review_week(exercises)):
        expected = {"harder_variant": exercise.harder, "easier_variant": exercise.easier}
        if proposal.action in expected:
            assert proposal.new_exercise is not None
            assert proposal.new_exercise == expected[proposal.action]
            assert proposal.dose == exercise.dose
        else:
            assert proposal.new_exercise is None
        if proposal.action == "hold":
            assert proposal.dose == exercise.dose


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


@PROPERTY
@given(weeks, st.booleans(), st.randoms(use_true_random=False))
def test_the_same_week_in_any_order_gives_the_same_review(exercises, red_flag, rng):
    review = review_week(exercises, red_flag_reported=red_flag)
    assert review_week(exercises, red_flag_reported=red_flag) == review
    shuffled = [replace(e, logs=tuple(rng.sample(e.logs, len(e.logs)))) for e in exercises]
    random.Random(rng.random()).shuffle(shuffled)
    assert review_week(iter(shuffled), red_flag_reported=red_flag) == review
