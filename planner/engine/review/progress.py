"""Progress (V-PROGRESS, V-HARDER): one step up when the week was done, calm and easy.

First the repetitions (or the time), then the hold, by at most 10 %; then one more
set with the volume up by at most 10 %; at the maximum, the harder variant.
"""

from planner.engine.dose import ExactDose
from planner.engine.review.doses import (
    _LABEL,
    _amount,
    _change,
    _changed,
    _hold,
    _proposal,
    _shown,
    _tenths,
    _value,
    _volume,
    _you_do,
)
from planner.engine.review.thresholds import EASY_SESSIONS, MEASURES, PROGRESS_MAX_PERCENT
from planner.engine.review.types import ExerciseUnderReview, Proposal
from planner.engine.review.week_log import _baseline, _Week
from planner.engine.types import Reason


def _grown(value_tenths: int) -> int:
    # At most +10 %, floored to a tenth so it never exceeds 10 %: 5.5 grows to 6.0, 6.6 to 7.2.
    return value_tenths * (100 + PROGRESS_MAX_PERCENT) // 100


def _whole_sets(exact: ExactDose) -> int:
    return (_tenths(exact, "sets") + 5) // 10


def _progress(exercise: ExerciseUnderReview, current: ExactDose, week: _Week) -> Proposal:
    compared = any(_baseline(exercise, m) is not None for m in MEASURES)
    ready = Reason(
        "V-PROGRESS",
        f"The exercise was {week.adherence_text}, pain stayed at {week.max_pain} out of 10 or "
        "less"
        + (", not more than 1 point above the baseline" if compared else "")
        + f", and the last {EASY_SESSIONS} sessions felt easy: ready for a little more.",
    )
    volume = _volume(exercise.dose)
    # A variable under 1 (no hold prescribed) is not part of this dose: 10 % of nothing is
    # nothing. First the repetitions (or the time) up to the maximum, then the hold.
    in_play = [v for v in (volume, "hold_s") if _tenths(current, v) >= 10]
    for variable in in_play:
        old = _tenths(current, variable)
        new = min(_grown(old), 10 * _value(exercise.dose_max, variable))
        if new > old:
            after = _changed(current, {variable: new})
            shown = _shown(exercise, current, after)
            you_do = _you_do(variable, _value(exercise.dose, variable), _value(shown, variable))
            change = Reason(
                "V-PROGRESS",
                f"{_LABEL[variable].capitalize()} up {_change(variable, old, new)} "
                f"({you_do}); one change at a time, at most "
                f"{PROGRESS_MAX_PERCENT} % more.",
            )
            return _proposal(
                exercise, "progress", current, (ready, change), variable=variable, after=after
            )

    # Then one more set, with the repetitions (or the time) lowered so that the volume
    # (sets x repetitions) rises by at most 10 %.
    sets, per_set = _tenths(current, "sets"), _tenths(current, volume)
    more = _whole_sets(current) + 1
    blocked = ""
    if more <= exercise.dose_max.sets and per_set > 0:
        lowered = min(per_set, (100 + PROGRESS_MAX_PERCENT) * sets * per_set // (100 * 10 * more))
        if lowered >= 10 * _value(exercise.dose_min, volume) and lowered > 0:
            after = _changed(current, {"sets": 10 * more, volume: lowered})
            shown = _shown(exercise, current, after)
            label, was = _LABEL[volume], exercise.dose
            change = Reason(
                "V-PROGRESS",
                f"One more set, with fewer {label} so the total rises by at most "
                f"{PROGRESS_MAX_PERCENT} %: sets up from {_whole_sets(current)} to {more}, "
                f"{label} down {_change(volume, per_set, lowered)} "
                f"(you do {shown.sets} x {_amount(volume, _value(shown, volume))} instead of "
                f"{was.sets} x {_amount(volume, _value(was, volume))}).",
            )
            return _proposal(
                exercise, "progress", current, (ready, change), variable="sets", after=after
            )
        blocked = (
            f"one more set would take the {_LABEL[volume]} under the exercise's minimum "
            f"({_amount(volume, _value(exercise.dose_min, volume))})"
        )

    at_maximum = (
        all(_tenths(current, v) >= 10 * _value(exercise.dose_max, v) for v in in_play)
        and _whole_sets(current) >= exercise.dose_max.sets
    )
    if not at_maximum:
        # Something is below its maximum, yet nothing can grow by 10 % or less within the limits.
        why = (
            blocked or "no part of this dose can grow by 10 % or less within the exercise's limits"
        )
        return _hold(
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
        return _proposal(
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
    return _hold(
        exercise,
        current,
        ready,
        Reason(
            "V-HARDER",
            "This exercise is at its maximum dose, and there is no harder variant: the dose stays "
            "the same for now.",
        ),
    )
