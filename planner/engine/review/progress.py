"""Progress (V-PROGRESS, V-HARDER): one step up when the week was done, calm and easy.

First the repetitions (or the time), then the hold, by at most 10 %; then one more
set with the volume up by at most 10 %; at the maximum, the harder variant.
"""

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
from planner.engine.review.thresholds import EASY_SESSIONS, MEASURES, PROGRESS_MAX_PERCENT
from planner.engine.review.types import ExerciseUnderReview, Proposal, Variable
from planner.engine.review.week_log import Week, baseline_of
from planner.engine.types import Name, Param, Reason


def _grown(value_tenths: int) -> int:
    # At most +10 %, floored to a tenth so it never exceeds 10 %: 5.5 grows to 6.0, 6.6 to 7.2.
    return value_tenths * (100 + PROGRESS_MAX_PERCENT) // 100


def _whole_sets(exact: ExactDose) -> int:
    return (tenths_of(exact, "sets") + 5) // 10


def _pain(week: Week) -> int:
    # Progress is judged only on a week with pain scores (`week._review` holds the others).
    return week.max_pain or 0


def _step_up(variable: Variable, step: Reason, did: Reason) -> Reason:
    """One variable up by at most 10 %: the repetitions, the hold or the time."""
    if variable == "hold_s":
        return Reason.of(
            "V-PROGRESS",
            "Hold up %(change)s (%(you_do)s); one change at a time, at most %(most)s %% more.",
            change=step,
            you_do=did,
            most=PROGRESS_MAX_PERCENT,
        )
    if variable == "duration_s":
        return Reason.of(
            "V-PROGRESS",
            "Duration up %(change)s (%(you_do)s); one change at a time, at most %(most)s %% more.",
            change=step,
            you_do=did,
            most=PROGRESS_MAX_PERCENT,
        )
    return Reason.of(
        "V-PROGRESS",
        "Repetitions up %(change)s (%(you_do)s); one change at a time, at most %(most)s %% more.",
        change=step,
        you_do=did,
        most=PROGRESS_MAX_PERCENT,
    )


def _one_more_set(
    volume: Variable,
    *,
    per_set: Reason,
    sets_from: int,
    sets_to: int,
    now: tuple[int, Param],
    was: tuple[int, Param],
) -> Reason:
    """One more set, with the repetitions (or the time) lowered: the total rises by 10 %."""
    params: dict[str, Param] = {
        "most": PROGRESS_MAX_PERCENT,
        "sets_from": sets_from,
        "sets_to": sets_to,
        "change": per_set,
        "sets_now": now[0],
        "amount_now": now[1],
        "sets_was": was[0],
        "amount_was": was[1],
    }
    if volume == "duration_s":
        return Reason.of(
            "V-PROGRESS",
            "One more set, with fewer duration so the total rises by at most %(most)s %%: sets "
            "up from %(sets_from)s to %(sets_to)s, duration down %(change)s (you do "
            "%(sets_now)s x %(amount_now)s instead of %(sets_was)s x %(amount_was)s).",
            **params,
        )
    return Reason.of(
        "V-PROGRESS",
        "One more set, with fewer repetitions so the total rises by at most %(most)s %%: sets "
        "up from %(sets_from)s to %(sets_to)s, repetitions down %(change)s (you do "
        "%(sets_now)s x %(amount_now)s instead of %(sets_was)s x %(amount_was)s).",
        **params,
    )


def progress(exercise: ExerciseUnderReview, current: ExactDose, week: Week) -> Proposal:
    compared = any(baseline_of(exercise, m) is not None for m in MEASURES)
    ready = (
        Reason.of(
            "V-PROGRESS",
            "The exercise was %(adherence)s, pain stayed at %(pain)s out of 10 or less, not "
            "more than 1 point above the baseline, and the last %(easy)s sessions felt easy: "
            "ready for a little more.",
            adherence=week.adherence("V-PROGRESS"),
            pain=_pain(week),
            easy=EASY_SESSIONS,
        )
        if compared
        else Reason.of(
            "V-PROGRESS",
            "The exercise was %(adherence)s, pain stayed at %(pain)s out of 10 or less, and the "
            "last %(easy)s sessions felt easy: ready for a little more.",
            adherence=week.adherence("V-PROGRESS"),
            pain=_pain(week),
            easy=EASY_SESSIONS,
        )
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
            did = you_do(
                "V-PROGRESS",
                variable,
                value_of(exercise.dose, variable),
                value_of(shown, variable),
            )
            step = _step_up(variable, change("V-PROGRESS", variable, old, new), did)
            return proposal(
                exercise, "progress", current, (ready, step), variable=variable, after=after
            )

    # Then one more set, with the repetitions (or the time) lowered so that the volume
    # (sets x repetitions) rises by at most 10 %.
    sets, per_set = tenths_of(current, "sets"), tenths_of(current, volume)
    more = _whole_sets(current) + 1
    blocked: Reason | None = None
    if more <= exercise.dose_max.sets and per_set > 0:
        lowered = min(per_set, (100 + PROGRESS_MAX_PERCENT) * sets * per_set // (100 * 10 * more))
        if lowered >= 10 * value_of(exercise.dose_min, volume) and lowered > 0:
            after = changed(current, {"sets": 10 * more, volume: lowered})
            shown = shown_after_change(exercise, current, after)
            step = _one_more_set(
                volume,
                per_set=change("V-PROGRESS", volume, per_set, lowered),
                sets_from=_whole_sets(current),
                sets_to=more,
                now=(shown.sets, amount("V-PROGRESS", volume, value_of(shown, volume))),
                was=(
                    exercise.dose.sets,
                    amount("V-PROGRESS", volume, value_of(exercise.dose, volume)),
                ),
            )
            return proposal(
                exercise, "progress", current, (ready, step), variable="sets", after=after
            )
        minimum = amount("V-HOLD", volume, value_of(exercise.dose_min, volume))
        blocked = (
            Reason.of(
                "V-HOLD",
                "one more set would take the duration under the exercise's minimum (%(minimum)s)",
                minimum=minimum,
            )
            if volume == "duration_s"
            else Reason.of(
                "V-HOLD",
                "one more set would take the repetitions under the exercise's minimum "
                "(%(minimum)s)",
                minimum=minimum,
            )
        )

    at_maximum = (
        all(tenths_of(current, v) >= 10 * value_of(exercise.dose_max, v) for v in in_play)
        and _whole_sets(current) >= exercise.dose_max.sets
    )
    if not at_maximum:
        # Something is below its maximum, yet nothing can grow by 10 % or less within the limits.
        why = blocked or Reason.of(
            "V-HOLD",
            "no part of this dose can grow by %(most)s %% or less within the exercise's limits",
            most=PROGRESS_MAX_PERCENT,
        )
        return hold(
            exercise,
            current,
            ready,
            Reason.of(
                "V-HOLD",
                "The dose is not at its maximum, but %(why)s: the dose stays the same; the "
                "clinician may review this exercise's limits.",
                why=why,
            ),
        )
    if exercise.harder is not None:
        return proposal(
            exercise,
            "harder_variant",
            current,
            (
                ready,
                Reason.of(
                    "V-HARDER",
                    "Every part of this dose is at the exercise's maximum: next comes the harder "
                    "variant (%(harder)s), which starts supervised at the clinic until it is "
                    "mastered.",
                    harder=Name("exercise", exercise.harder, exercise.harder),
                ),
            ),
            new_exercise=exercise.harder,
        )
    return hold(
        exercise,
        current,
        ready,
        Reason.of(
            "V-HARDER",
            "This exercise is at its maximum dose, and there is no harder variant: the dose stays "
            "the same for now.",
        ),
    )
