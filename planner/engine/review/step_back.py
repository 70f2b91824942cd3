"""The step back (V-STEP-BACK): when pain calls for doing less, and by how much.

Pain of 6 or more, pain 2 points over its baseline, or a next-day flare: the volume
comes down by 20-30 %, or the easier variant takes over where that would go under
the exercise's minimum.
"""

from datetime import date

from planner.engine.dose import ExactDose
from planner.engine.review.doses import (
    LABEL,
    amount,
    change_text,
    changed,
    hold,
    proposal,
    shown_after_change,
    tenths_of,
    value_of,
    volume_variable,
    you_do_text,
)
from planner.engine.review.thresholds import (
    IMPORTANT_PAIN_CHANGE,
    MEASURES,
    MIN_STEP_BACK_PAIN,
    STEP_BACK_MAX_PERCENT,
    STEP_BACK_MIN_PERCENT,
    STEP_BACK_PERCENT,
)
from planner.engine.review.types import ExerciseUnderReview, Proposal
from planner.engine.review.week_log import Week, baseline_of
from planner.engine.types import Reason

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def _day_text(day: date) -> str:
    # Spelled out by hand: strftime names depend on the process locale.
    return f"{_WEEKDAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]}"


def step_back_reasons(exercise: ExerciseUnderReview, week: Week) -> list[Reason]:
    reasons: list[Reason] = []
    pain = week.max_pain
    if pain is not None and pain >= MIN_STEP_BACK_PAIN:
        reasons.append(
            Reason(
                "V-STEP-BACK",
                f"Pain reached {pain} out of 10 this week; pain of {MIN_STEP_BACK_PAIN} or more "
                "calls for doing less.",
            )
        )
    for measure in MEASURES:
        highest, baseline = week.max_of(measure), baseline_of(exercise, measure)
        if (
            highest is not None
            and baseline is not None
            and highest >= baseline + IMPORTANT_PAIN_CHANGE
        ):
            reasons.append(
                Reason(
                    "V-STEP-BACK",
                    f"Pain {measure} the exercise reached {highest} out of 10, "
                    f"{highest - baseline} points above the baseline pain {measure} it "
                    f"({baseline}); a rise of {IMPORTANT_PAIN_CHANGE} points matters.",
                )
            )
    if week.flare is not None:
        flare = week.flare
        reasons.append(
            Reason(
                "V-STEP-BACK",
                f"On {_day_text(flare.day)} pain {flare.measure} the exercise was {flare.pain}, "
                f"{flare.pain - flare.pain_day_before} points above the pain {flare.measure} it "
                f"the day before ({flare.pain_day_before}): the pain flared the next day.",
            )
        )
    return reasons


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
    label = LABEL[variable]
    if (
        cut > 0
        and 100 * cut >= STEP_BACK_MIN_PERCENT * old
        and 100 * cut <= STEP_BACK_MAX_PERCENT * old
        # A cut the patient would not see (1.4 to 1.1 repetitions, both shown as 1) is none.
        and value_of(shown, variable) < value_of(exercise.dose, variable)
    ):
        # Half up, like every rounding a clinician reads: 28.6 % shows as 29 %.
        percent = (200 * cut + old) // (2 * old)
        you_do = you_do_text(variable, value_of(exercise.dose, variable), value_of(shown, variable))
        action = Reason(
            "V-STEP-BACK",
            f"Do less until the pain settles: {label} down {change_text(variable, old, new)} "
            f"({percent} % less; {you_do}).",
        )
        return proposal(
            exercise, "step_back", current, (*triggers, action), variable=variable, after=after
        )
    # A 20-30 % cut is impossible within the minimum (or with so few that no cut shows).
    at_minimum = (
        f"The {label} ({amount(variable, value_of(exercise.dose, variable))}) cannot come down "
        f"by {STEP_BACK_MIN_PERCENT} to {STEP_BACK_MAX_PERCENT} % without going under the "
        "exercise's minimum"
    )
    if exercise.easier is not None:
        switch = Reason(
            "V-STEP-BACK",
            f"{at_minimum}: switch to the easier variant ({exercise.easier}), practised first "
            "with the specialist at the clinic.",
        )
        return proposal(
            exercise, "easier_variant", current, (*triggers, switch), new_exercise=exercise.easier
        )
    return hold(
        exercise,
        current,
        *triggers,
        Reason(
            "V-STEP-BACK",
            f"{at_minimum}, and there is no easier variant: the dose is already at its minimum; "
            "keep it and have the clinician review this exercise.",
        ),
    )
