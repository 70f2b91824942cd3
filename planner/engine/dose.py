"""The exact dose kept between weekly reviews, and the dose as a person can do it.

CLINICAL.md, "Dose" and "Progression from the patient's log": progression moves by at
most 10 % a week, and 10 % of a small number (5 repetitions, a 5 s hold) rounds to
nothing. So the review keeps the exact dose, with one decimal, and only the rounded
dose is shown: 5 -> 5.5 -> 6.0 -> 6.6 repetitions add up to a real step where
5 -> 5 -> 5 never would.

All rounding here is half up in whole tenths, never Python's half-to-even `round`
(2.5 repetitions are 3, as a clinician would round) and never on a float's last bit.
"""

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields

from planner.engine.types import Dose

# Display steps in tenths of a second (CLINICAL.md, "Dose": holds in steps of 5 s, durations in
# whole minutes, half minutes under 5 minutes). Durations under a minute go in 5 s steps.
_HOLD_STEP_FROM = 50  # 5 s: a shorter hold is shown in whole seconds
_FIVE_SECONDS = 50
_HALF_MINUTE = 300
_MINUTE = 600
_WHOLE_MINUTES_FROM = 3000  # 5 minutes
_HALF_MINUTES_FROM = 600  # 1 minute


def tenths(value: float) -> int:
    """A value in whole tenths, half up: 5.55 is 56 tenths, 0.05 is 1."""
    return math.floor(value * 10 + 0.5)


@dataclass(frozen=True)
class ExactDose:
    """A dose with one decimal: what the weekly review grows and cuts.

    Values are stored rounded half up to one decimal, so two exact doses that show the
    same tenths compare equal whatever float arithmetic produced them.
    """

    sets: float
    reps: float
    hold_s: float
    duration_s: float

    def __post_init__(self) -> None:
        for field in fields(self):
            value = float(getattr(self, field.name))
            if not math.isfinite(value) or value < 0:
                raise ValueError(f"An exact dose is a finite number of 0 or more: {field.name}")
            object.__setattr__(self, field.name, tenths(value) / 10)

    @classmethod
    def of(cls, dose: Dose) -> "ExactDose":
        """The exact dose that is exactly the prescribed (shown) dose."""
        return cls(float(dose.sets), float(dose.reps), float(dose.hold_s), float(dose.duration_s))

    @classmethod
    def stored(cls, values: Mapping[str, float], shown: Dose) -> "ExactDose":
        """The exact dose kept as only what differs from the shown dose (see `as_stored`)."""
        return cls(*(float(values.get(f.name, getattr(shown, f.name))) for f in fields(cls)))

    def as_stored(self, shown: Dose) -> dict[str, float]:
        """Only what differs from the shown dose is kept: an exact dose equal to it is {}."""
        return {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if getattr(self, f.name) != float(getattr(shown, f.name))
        }


def _half_up(value_tenths: int, step_tenths: int) -> int:
    """The nearest multiple of `step_tenths` (half up), in whole tenths."""
    return (value_tenths + step_tenths // 2) // step_tenths * step_tenths


def _whole(value_tenths: int) -> int:
    return _half_up(value_tenths, 10) // 10


def _hold_step(value_tenths: int) -> int:
    return _FIVE_SECONDS if value_tenths >= _HOLD_STEP_FROM else 10


def _duration_step(value_tenths: int) -> int:
    if value_tenths >= _WHOLE_MINUTES_FROM:
        return _MINUTE
    if value_tenths >= _HALF_MINUTES_FROM:
        return _HALF_MINUTE
    return _FIVE_SECONDS


def _hold(value_tenths: int) -> int:
    return _half_up(value_tenths, _hold_step(value_tenths)) // 10


def _duration(value_tenths: int) -> int:
    return _half_up(value_tenths, _duration_step(value_tenths)) // 10


def _clamp(value: int, low: int, high: int) -> int:
    # The maximum wins over a (misconfigured) minimum above it: never more than the maximum.
    return min(max(value, low), high)


def shown_dose(exact: ExactDose, dose_min: Dose, dose_max: Dose) -> Dose:
    """The dose as a person can do it, within the exercise's limits.

    Nobody does 5.5 repetitions or holds for 22 seconds by the clock, so the exact dose
    is shown in the steps CLINICAL.md names, each rounded half up: whole sets and
    repetitions; holds in 5 s steps (a hold under 5 s in whole seconds); durations in
    whole minutes from 5 minutes, half minutes from 1 to 5 minutes, 5 s steps under a
    minute. Rounding may step past a limit (a 22.5 s hold shows 25 s when the maximum is
    22 s), so each variable is then clamped into [dose_min, dose_max], and there is
    always at least 1 set: the limits the clinician set win over the display step.
    """
    return Dose(
        sets=max(1, _clamp(_whole(tenths(exact.sets)), dose_min.sets, dose_max.sets)),
        reps=_clamp(_whole(tenths(exact.reps)), dose_min.reps, dose_max.reps),
        hold_s=_clamp(_hold(tenths(exact.hold_s)), dose_min.hold_s, dose_max.hold_s),
        duration_s=_clamp(
            _duration(tenths(exact.duration_s)), dose_min.duration_s, dose_max.duration_s
        ),
    )


def _on_show(value: int, step_of: Callable[[int], int], ceiling: int | None) -> int:
    """A prescribed whole number in its display step: half up, but never up past the ceiling
    (then down to the step below), and never shown as nothing when something is prescribed."""
    value_tenths = value * 10
    step = step_of(value_tenths)
    shown = _half_up(value_tenths, step) // 10
    if ceiling is not None and shown > max(ceiling, value):
        shown = value_tenths // step * step // 10
    return shown if shown > 0 or value <= 0 else value


def displayed_dose(dose: Dose, ceiling: Dose | None = None) -> Dose:
    """A prescribed dose as the patient is shown it, in the steps `shown_dose` uses.

    What a clinician typed or an older plan stored ("hold 22 s", "14 min 24 s") is shown as a
    person can do it ("hold 20 s", "14 min"); the prescription itself is kept as it is. A
    value that rounds up past the exercise's maximum (`ceiling`) is rounded down instead, so
    the patient is never shown more than the exercise allows.
    """
    return Dose(
        sets=dose.sets,
        reps=dose.reps,
        hold_s=_on_show(dose.hold_s, _hold_step, ceiling.hold_s if ceiling else None),
        duration_s=_on_show(
            dose.duration_s, _duration_step, ceiling.duration_s if ceiling else None
        ),
    )


def duration_step(seconds: int) -> int:
    """The display step, in seconds, of a set lasting `seconds` (60, 30 or 5)."""
    return _duration_step(seconds * 10) // 10


# Time estimates: a set's work, a rest between sets, and setting up each exercise.
REST_BETWEEN_SETS_S = 30
SETUP_PER_EXERCISE_S = 20


def exercise_seconds(dose: Dose, seconds_per_rep: int, *, per_side: bool = False) -> int:
    """Estimated time for one exercise at this dose, with rests and setting up.

    A one-sided exercise (`per_side`) is done on one side and then the other: its work
    counts twice; the rests between sets and the setting up do not.
    """
    if dose.is_timed:
        work = dose.sets * dose.duration_s
    else:
        work = dose.sets * dose.reps * (seconds_per_rep + dose.hold_s)
    sides = 2 if per_side else 1
    return work * sides + REST_BETWEEN_SETS_S * (dose.sets - 1) + SETUP_PER_EXERCISE_S
