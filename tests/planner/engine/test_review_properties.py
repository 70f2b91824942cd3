"""Properties of the weekly review that must hold for any week of any exercise.

One change at a time, at most 10 % up on the exact dose, 20-30 % down, never past
the exercise's limits, nothing goes up after a red flag, and the same week always
gives the same review.
"""

import random
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from planner.engine.dose import ExactDose, shown_dose, tenths
from planner.engine.review.types import ExerciseLog, ExerciseUnderReview, Proposal, WeekReview
from planner.engine.review.week import review_week
from planner.engine.types import Dose
from tests.planner.engine.weeks import VARIABLES, allowed, applied, changed, day, review_one

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
