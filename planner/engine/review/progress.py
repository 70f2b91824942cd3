"""Progress (V-PROGRESS, V-HARDER): one step up when the week was done, calm and easy.

First the repetitions (or the time), then the hold, by at most 10 %; then one more
set with the volume up by at most 10 %; at the maximum, the harder variant.
"""

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
from planner.engine.review.thresholds import EASY_SESSIONS, MEASURES, PROGRESS_MAX_PERCENT
from planner.engine.review.types import ExerciseUnderReview, Proposal
from planner.engine.review.week_log import Week, baseline_of
from planner.engine.types import Reason


def _grown(value_tenths: int) -> int:
    # At most +10 %, floored to a tenth so it never exceeds 10 %: 5.5 grows to 6.0, 6.6 to 7.2.
    return value_tenths * (100 + PROGRESS_MAX_PERCENT) // 100


def _whole_sets(exact: ExactDose) -> int:
    return (tenths_of(exact, "sets") + 5) // 10


def progress(exercise: ExerciseUnderReview, current: ExactDose, week: Week) -> Proposal:
    compared = any(baseline_of(exercise, m) is not None for m in MEASURES)
    ready = Reason(
        "V-PROGRESS",
        f"The exercise was {week.adherence_text}, pain stayed at {week.max_pain} out of 10 or "
        "less"
        + (", not more than 1 point above the baseline" if compared else "")
        + f", and the last {EASY_SESSIONS} sessions felt easy: ready for a little more.",
    )
    volume = volume_variable(exercise.dose)
    # A variable under 1 (no hold prescribed) is not part of this dose: 10 % of nothing is
    # nothing. First the repetitions (or the time) up to the maximum, then the hold.
    in_play = [v for v in (volume, "hold_s") if tenths_of(current, v) >= 10]
    for variable in in_play:
        old = tenths_of(current, variable)
        new = min(_grown(old), 10 * value_of(exercise.dose_max, variable))
        if new > old:
            after = changed(current, {variable: new})
            shown = shown_after_change(exercise, current, after)
            you_do = you_do_text(
                variable, value_of(exercise.dose, variable), value_of(shown, variable)
            )
            change = Reason(
                "V-PROGRESS",
                f"{LABEL[variable].capitalize()} up {change_text(variable, old, new)} "
                f"({you_do}); one change at a time, at most "
                f"{PROGRESS_MAX_PERCENT} % more.",
            )
            return proposal(
                exercise, "progress", current, (ready, change), variable=variable, after=after
            )

    # Then one more set, with the repetitions (or the time) lowered so that the volume
    # (sets x repetitions) rises by at most 10 %.
    sets, per_set = tenths_of(current, "sets"), tenths_of(current, volume)
    more = _whole_sets(current) + 1
    blocked = ""
    if more <= exercise.dose_max.sets and per_set > 0:
        lowered = min(per_set, (100 + PROGRESS_MAX_PERCENT) * sets * per_set // (100 * 10 * more))
        if lowered >= 10 * value_of(exercise.dose_min, volume) and lowered > 0:
            after = changed(current, {"sets": 10 * more, volume: lowered})
            shown = shown_after_change(exercise, current, after)
            label, was = LABEL[volume], exercise.dose
            change = Reason(
                "V-PROGRESS",
                f"One more set, with fewer {label} so the total rises by at most "
                f"{PROGRESS_MAX_PERCENT} %: sets up from {_whole_sets(current)} to {more}, "
                f"{label} down {change_text(volume, per_set, lowered)} "
                f"(you do {shown.sets} x {amount(volume, value_of(shown, volume))} instead of "
                f"{was.sets} x {amount(volume, value_of(was, volume))}).",
            )
            return proposal(
                exercise, "progress", current, (ready, change), variable="sets", after=after
            )
        blocked = (
            f"one more set would take the {LABEL[volume]} under the exercise's minimum "
            f"({amount(volume, value_of(exercise.dose_min, volume))})"
        )

    at_maximum = (
        all(tenths_of(current, v) >= 10 * value_of(exercise.dose_max, v) for v in in_play)
        and _whole_sets(current) >= exercise.dose_max.sets
    )
    if not at_maximum:
        # Something is below its maximum, yet nothing can grow by 10 % or less within the limits.
        why = (
            blocked or "no part of this dose can grow by 10 % or less within the exercise's limits"
        )
        return hold(
            exercise,
            current,
            ready,
            Reason(
                "V-HOLD",
                f"The dose is not at its maximum, but {why}: the dose stays the same; the "
                "clinician may review this exercise's limits.",
            ),
        )
    if exercise.harder is not None:
        return proposal(
            exercise,
            "harder_variant",
            current,
            (
                ready,
                Reason(
                    "V-HARDER",
                    "Every part of this dose is at the exercise's maximum: next comes the harder "
                    f"variant ({exercise.harder}), which starts supervised at the clinic until it "
                    "is mastered.",
                ),
            ),
            new_exercise=exercise.harder,
        )
    return hold(
        exercise,
        current,
        ready,
        Reason(
            "V-HARDER",
            "This exercise is at its maximum dose, and there is no harder variant: the dose stays "
            "the same for now.",
        ),
    )
