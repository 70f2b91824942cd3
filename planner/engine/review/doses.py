"""The review's doses: exact-dose arithmetic in whole tenths, how a change reads, proposals.

The review grows and cuts the exact dose (one decimal, `planner.engine.dose`) and shows
the rounded one; `shown_after_change` keeps what did not change at its prescribed value.
"""

from collections.abc import Sequence

from planner.engine.dose import ExactDose, shown_dose, tenths
from planner.engine.review.thresholds import VARIABLES
from planner.engine.review.types import Action, ExerciseUnderReview, Proposal, Variable
from planner.engine.types import Dose, Param, Reason


def value_of(dose: Dose, variable: Variable) -> int:
    if variable == "sets":
        return dose.sets
    if variable == "reps":
        return dose.reps
    if variable == "hold_s":
        return dose.hold_s
    return dose.duration_s


def tenths_of(exact: ExactDose, variable: Variable) -> int:
    """One variable of the exact dose in whole tenths: all arithmetic is on whole numbers."""
    if variable == "sets":
        return tenths(exact.sets)
    if variable == "reps":
        return tenths(exact.reps)
    if variable == "hold_s":
        return tenths(exact.hold_s)
    return tenths(exact.duration_s)


def _exact(values: dict[Variable, int]) -> ExactDose:
    """An exact dose from whole tenths."""
    return ExactDose(
        values["sets"] / 10, values["reps"] / 10, values["hold_s"] / 10, values["duration_s"] / 10
    )


def changed(exact: ExactDose, changes: dict[Variable, int]) -> ExactDose:
    """The exact dose with the given variables set, in whole tenths."""
    return _exact({v: changes.get(v, tenths_of(exact, v)) for v in VARIABLES})


def current_dose(exercise: ExerciseUnderReview) -> ExactDose:
    """The exact dose to review: the given one, within the limits, where it belongs to `dose`.

    An exact value belongs to the prescribed one when it shows as it, or when the
    prescribed value is off the display steps (a 6 s hold) and lies between the exact
    value and what that shows as (an exact 6.6 s shows 5 s, so 6 s is kept on show;
    see `shown_after_change`). Otherwise the dose was changed by hand and it restarts
    from `dose`.
    """
    if exercise.exact is None:
        return ExactDose.of(exercise.dose)
    low, high = exercise.dose_min, exercise.dose_max
    within = _exact(
        {
            v: min(max(tenths_of(exercise.exact, v), 10 * value_of(low, v)), 10 * value_of(high, v))
            for v in VARIABLES
        }
    )
    shown = shown_dose(within, low, high)

    def belongs(v: Variable) -> bool:
        exact, rounded, prescribed = (
            tenths_of(within, v),
            10 * value_of(shown, v),
            10 * value_of(exercise.dose, v),
        )
        return min(exact, rounded) <= prescribed <= max(exact, rounded)

    return _exact(
        {
            v: tenths_of(within, v) if belongs(v) else 10 * value_of(exercise.dose, v)
            for v in VARIABLES
        }
    )


def shown_after_change(exercise: ExerciseUnderReview, before: ExactDose, after: ExactDose) -> Dose:
    """The dose to show after a change: what changed is shown rounded, the rest as prescribed.

    A change never shows the wrong way: an off-step 6 s hold grown to 6.6 s would show
    as 5 s, so it stays 6 s on show until the exact value rounds past it.
    """
    rounded = shown_dose(after, exercise.dose_min, exercise.dose_max)

    def value(v: Variable) -> int:
        prescribed, new = value_of(exercise.dose, v), value_of(rounded, v)
        if tenths_of(after, v) > tenths_of(before, v):
            return max(new, prescribed)
        if tenths_of(after, v) < tenths_of(before, v):
            return min(new, prescribed)
        return prescribed

    return Dose(value("sets"), value("reps"), value("hold_s"), value("duration_s"))


def volume_variable(dose: Dose) -> Variable:
    """What a step back cuts and progress grows first: repetitions, or the time if timed."""
    return "duration_s" if dose.is_timed else "reps"


def change(rule: str, variable: Variable, old_tenths: int, new_tenths: int) -> Reason:
    """'from 5.5 to 6.0', with the unit once: the exact values, one decimal; a duration in
    minutes and whole seconds ('from 15 min to 16 min'), as a clinician reads a time."""
    if variable == "duration_s":
        return Reason.of(
            rule,
            "from %(old)s to %(new)s",
            old=_length(rule, old_tenths),
            new=_length(rule, new_tenths),
        )
    old, new = _decimal(old_tenths), _decimal(new_tenths)
    if variable == "hold_s":
        return Reason.of(rule, "from %(old)s to %(new)s seconds", old=old, new=new)
    return Reason.of(rule, "from %(old)s to %(new)s", old=old, new=new)


def _decimal(value_tenths: int) -> str:
    # A str, not a float: "6.0" keeps its decimal, as a clinician reads an exact dose.
    return f"{value_tenths // 10}.{value_tenths % 10}"


def _length(rule: str, value_tenths: int) -> Reason:
    """A time in tenths of a second as '16 min', '1 min 30 s' or '45 s' (whole seconds)."""
    minutes, seconds = divmod((value_tenths + 5) // 10, 60)
    if minutes and seconds:
        return Reason.of(rule, "%(minutes)s min %(seconds)s s", minutes=minutes, seconds=seconds)
    if minutes:
        return Reason.of(rule, "%(minutes)s min", minutes=minutes)
    return Reason.of(rule, "%(seconds)s s", seconds=seconds)


def amount(rule: str, variable: Variable, value: int) -> Param:
    """A shown value in the words the patient reads it in: a number of repetitions (or sets),
    a hold in seconds, a time in minutes or seconds."""
    if variable == "hold_s":
        if value == 1:
            return Reason.of(rule, "1 second")
        return Reason.of(rule, "%(seconds)s seconds", seconds=value)
    if variable == "duration_s":
        minutes = value // 60
        if value >= 60 and value % 60 == 0:
            if minutes == 1:
                return Reason.of(rule, "1 minute")
            return Reason.of(rule, "%(minutes)s minutes", minutes=minutes)
        if value >= 60 and value % 30 == 0:
            return Reason.of(rule, "%(minutes)s.5 minutes", minutes=minutes)
        return Reason.of(rule, "%(seconds)s seconds", seconds=value)
    return value


def you_do(rule: str, variable: Variable, old: int, new: int) -> Reason:
    """What the patient does now, against what they did: 'you do 9 instead of 12'."""
    now, before = amount(rule, variable, new), amount(rule, variable, old)
    if variable == "hold_s":
        if old == new:
            return Reason.of(
                rule,
                "you hold %(amount)s, as before: the exact dose is kept so that small steps add up",
                amount=now,
            )
        return Reason.of(rule, "you hold %(new)s instead of %(old)s", new=now, old=before)
    if old == new:
        return Reason.of(
            rule,
            "you do %(amount)s, as before: the exact dose is kept so that small steps add up",
            amount=now,
        )
    return Reason.of(rule, "you do %(new)s instead of %(old)s", new=now, old=before)


def proposal(
    exercise: ExerciseUnderReview,
    action: Action,
    current: ExactDose,
    reasons: Sequence[Reason],
    *,
    variable: Variable | None = None,
    after: ExactDose | None = None,
    new_exercise: str | None = None,
) -> Proposal:
    exact = current if after is None else after
    dose = exercise.dose if after is None else shown_after_change(exercise, current, after)
    return Proposal(exercise.slug, action, variable, dose, new_exercise, tuple(reasons), exact)


def hold(exercise: ExerciseUnderReview, current: ExactDose, *reasons: Reason) -> Proposal:
    return proposal(exercise, "hold", current, reasons)
