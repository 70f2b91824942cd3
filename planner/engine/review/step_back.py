"""The step back (V-STEP-BACK): when pain calls for doing less, and by how much.

Pain of 6 or more, pain 2 points over its baseline, or a next-day flare: the volume
comes down by 20-30 %, or the easier variant takes over where that would go under
the exercise's minimum.
"""

from datetime import date

from planner.engine.dose import ExactDose
from planner.engine.review.doses import (
    amount,
    change,
    changed,
    hold,
    proposal,
    shown_after_change,
    tenths_of,
    value_of,
    volume_variable,
    you_do,
)
from planner.engine.review.thresholds import (
    IMPORTANT_PAIN_CHANGE,
    MEASURES,
    MIN_STEP_BACK_PAIN,
    STEP_BACK_MAX_PERCENT,
    STEP_BACK_MIN_PERCENT,
    STEP_BACK_PERCENT,
)
from planner.engine.review.types import ExerciseUnderReview, Measure, Proposal, Variable
from planner.engine.review.week_log import Week, baseline_of
from planner.engine.types import Name, Param, Reason

_RULE = "V-STEP-BACK"


def _over_baseline(measure: Measure, highest: int, baseline: int) -> Reason:
    params = {
        "pain": highest,
        "rise": highest - baseline,
        "baseline": baseline,
        "change": IMPORTANT_PAIN_CHANGE,
    }
    if measure == "during":
        return Reason.of(
            _RULE,
            "Pain during the exercise reached %(pain)s out of 10, %(rise)s points above the "
            "baseline pain during it (%(baseline)s); a rise of %(change)s points matters.",
            **params,
        )
    return Reason.of(
        _RULE,
        "Pain after the exercise reached %(pain)s out of 10, %(rise)s points above the "
        "baseline pain after it (%(baseline)s); a rise of %(change)s points matters.",
        **params,
    )


def _flared(measure: Measure, day: date, pain: int, pain_day_before: int) -> Reason:
    params: dict[str, Param] = {
        "day": Name.of_day(day),
        "pain": pain,
        "rise": pain - pain_day_before,
        "before": pain_day_before,
    }
    if measure == "during":
        return Reason.of(
            _RULE,
            "On %(day)s pain during the exercise was %(pain)s, %(rise)s points above the pain "
            "during it the day before (%(before)s): the pain flared the next day.",
            **params,
        )
    return Reason.of(
        _RULE,
        "On %(day)s pain after the exercise was %(pain)s, %(rise)s points above the pain after "
        "it the day before (%(before)s): the pain flared the next day.",
        **params,
    )


def step_back_reasons(exercise: ExerciseUnderReview, week: Week) -> list[Reason]:
    reasons: list[Reason] = []
    pain = week.max_pain
    if pain is not None and pain >= MIN_STEP_BACK_PAIN:
        reasons.append(
            Reason.of(
                _RULE,
                "Pain reached %(pain)s out of 10 this week; pain of %(step)s or more calls for "
                "doing less.",
                pain=pain,
                step=MIN_STEP_BACK_PAIN,
            )
        )
    for measure in MEASURES:
        highest, baseline = week.max_of(measure), baseline_of(exercise, measure)
        if (
            highest is not None
            and baseline is not None
            and highest >= baseline + IMPORTANT_PAIN_CHANGE
        ):
            reasons.append(_over_baseline(measure, highest, baseline))
    if week.flare is not None:
        flare = week.flare
        reasons.append(_flared(flare.measure, flare.day, flare.pain, flare.pain_day_before))
    return reasons


def _do_less(variable: Variable, step: Reason, percent: int, did: Reason) -> Reason:
    if variable == "duration_s":
        return Reason.of(
            _RULE,
            "Do less until the pain settles: duration down %(change)s (%(percent)s %% less; "
            "%(you_do)s).",
            change=step,
            percent=percent,
            you_do=did,
        )
    return Reason.of(
        _RULE,
        "Do less until the pain settles: repetitions down %(change)s (%(percent)s %% less; "
        "%(you_do)s).",
        change=step,
        percent=percent,
        you_do=did,
    )


def _at_minimum(variable: Variable, prescribed: int) -> Reason:
    """Why no 20-30 % cut is possible: it would go under the exercise's minimum."""
    params: dict[str, Param] = {
        "amount": amount(_RULE, variable, prescribed),
        "least": STEP_BACK_MIN_PERCENT,
        "most": STEP_BACK_MAX_PERCENT,
    }
    if variable == "duration_s":
        return Reason.of(
            _RULE,
            "The duration (%(amount)s) cannot come down by %(least)s to %(most)s %% without "
            "going under the exercise's minimum",
            **params,
        )
    return Reason.of(
        _RULE,
        "The repetitions (%(amount)s) cannot come down by %(least)s to %(most)s %% without "
        "going under the exercise's minimum",
        **params,
    )


def step_back(
    exercise: ExerciseUnderReview, current: ExactDose, triggers: list[Reason]
) -> Proposal:
    # Only the volume changes: fewer repetitions, or a shorter time for a timed exercise.
    variable = volume_variable(exercise.dose)
    old = tenths_of(current, variable)
    # 25 % less, rounded half up to a tenth (x 0.75 + 0.5, floored), in whole tenths.
    target = ((100 - STEP_BACK_PERCENT) * old + 50) // 100
    new = max(target, 10 * value_of(exercise.dose_min, variable))
    cut = old - new
    after = changed(current, {variable: new})
    shown = shown_after_change(exercise, current, after)
    if (
        cut > 0
        and 100 * cut >= STEP_BACK_MIN_PERCENT * old
        and 100 * cut <= STEP_BACK_MAX_PERCENT * old
        # A cut the patient would not see (1.4 to 1.1 repetitions, both shown as 1) is none.
        and value_of(shown, variable) < value_of(exercise.dose, variable)
    ):
        # Half up, like every rounding a clinician reads: 28.6 % shows as 29 %.
        percent = (200 * cut + old) // (2 * old)
        did = you_do(_RULE, variable, value_of(exercise.dose, variable), value_of(shown, variable))
        action = _do_less(variable, change(_RULE, variable, old, new), percent, did)
        return proposal(
            exercise, "step_back", current, (*triggers, action), variable=variable, after=after
        )
    # A 20-30 % cut is impossible within the minimum (or with so few that no cut shows).
    at_minimum = _at_minimum(variable, value_of(exercise.dose, variable))
    if exercise.easier is not None:
        switch = Reason.of(
            _RULE,
            "%(at_minimum)s: switch to the easier variant (%(easier)s), practised first with the "
            "specialist at the clinic.",
            at_minimum=at_minimum,
            easier=Name("exercise", exercise.easier, exercise.easier),
        )
        return proposal(
            exercise, "easier_variant", current, (*triggers, switch), new_exercise=exercise.easier
        )
    return hold(
        exercise,
        current,
        *triggers,
        Reason.of(
            _RULE,
            "%(at_minimum)s, and there is no easier variant: the dose is already at its minimum; "
            "keep it and have the clinician review this exercise.",
            at_minimum=at_minimum,
        ),
    )
