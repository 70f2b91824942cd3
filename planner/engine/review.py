"""The weekly progression review: from a week of the patient's log to one proposal per exercise.

CLINICAL.md, "Progression from the patient's log". The review only proposes; the
clinician approves, or the clinic policy applies it. Like plan generation it is
deterministic: neither the order of the exercises nor the order of the log entries
changes the result, and every proposal carries Reasons that cite the rule behind it.

The review grows and cuts the exact dose (one decimal, `planner.engine.dose`), so 10 %
steps of small numbers add up, and shows the rounded one. Pain is compared like with
like: pain during an exercise with the baseline pain during it and with the day
before's pain during it, pain after with pain after.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from planner.engine.dose import ExactDose, shown_dose, tenths
from planner.engine.types import Dose, Reason

Feeling = Literal["easy", "right", "hard"]
Action = Literal["progress", "harder_variant", "hold", "step_back", "easier_variant"]
Variable = Literal["sets", "reps", "hold_s", "duration_s"]
Measure = Literal["during", "after"]

# Thresholds from CLINICAL.md, kept as whole numbers so no comparison depends on float rounding.
MIN_ADHERENCE_PERCENT = 70
MAX_PROGRESS_PAIN = 3
MIN_HOLD_PAIN = 4
MIN_STEP_BACK_PAIN = 6
# A change of 2 points on the pain scale is the minimal change that matters to a patient.
IMPORTANT_PAIN_CHANGE = 2
PROGRESS_MAX_PERCENT = 10
STEP_BACK_PERCENT = 25
STEP_BACK_MIN_PERCENT, STEP_BACK_MAX_PERCENT = 20, 30
# "The last sessions felt easy": this many of the most recent sessions done.
EASY_SESSIONS = 2
# The baseline is the median of the first week of home training.
BASELINE_DAYS = 7

VARIABLES: tuple[Variable, ...] = ("sets", "reps", "hold_s", "duration_s")
MEASURES: tuple[Measure, ...] = ("during", "after")
_LABEL: dict[Variable, str] = {
    "sets": "sets",
    "reps": "repetitions",
    "hold_s": "hold",
    "duration_s": "duration",
}
_UNIT: dict[Variable, str] = {
    "sets": "",
    "reps": "",
    "hold_s": " seconds",
    "duration_s": " seconds",
}
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
# Within one day the hardest rating counts, and a session without a rating is not "easy".
_FEELING_ORDER: dict[Feeling | None, int] = {"easy": 0, "right": 1, "hard": 2, None: 3}


@dataclass(frozen=True)
class ExerciseLog:
    """One logged home session of one exercise."""

    day: date
    done: bool
    pain_during: int | None  # 0-10
    pain_after: int | None  # 0-10
    difficulty: Feeling | None


@dataclass(frozen=True)
class ExerciseUnderReview:
    slug: str
    name: str
    dose: Dose  # the current prescribed dose, as shown to the patient
    dose_min: Dose
    dose_max: Dose
    harder: str | None  # slug of the harder variant, if any
    easier: str | None
    scheduled_days: int  # home sessions of this exercise in the week under review (0..7)
    logs: tuple[ExerciseLog, ...]
    # The patient's baseline pain during and after exercise (0-10; `baseline_pain`), or None
    # when there is no score to compare with: then only the fixed thresholds apply.
    baseline_pain_during: int | None
    baseline_pain_after: int | None
    # The exact dose behind `dose` (None: exactly `dose`). A variable whose exact value no longer
    # shows as the prescribed one (the dose was edited by hand) restarts from the prescribed value.
    exact: ExactDose | None = None


@dataclass(frozen=True)
class Proposal:
    slug: str
    action: Action
    # The one variable changed, if any. "sets" means one more set, with the repetitions (or the
    # duration) lowered so that the volume rises by at most 10 %: one step, not two.
    variable: Variable | None
    # The proposed dose as shown: shown_dose(exact, min, max) for what changed; what did not
    # change keeps the prescribed value (unchanged for hold and for a change of variant).
    dose: Dose
    new_exercise: str | None  # slug for harder_variant / easier_variant, else None
    reasons: tuple[Reason, ...]
    # The exact dose after the proposal (the current exact dose for hold and a change of variant).
    exact: ExactDose


@dataclass(frozen=True)
class WeekReview:
    proposals: tuple[Proposal, ...]  # one per exercise, in slug order
    pause_progression: bool  # a red flag or pain of 6 or more: nothing goes up
    flag_patient: bool
    reasons: tuple[Reason, ...]  # why progression is paused (V-PAUSE)
    # Creeping pain (V-CREEP): a weekly median pain 2 or more over its baseline, even below 6.
    # Independent of the pause: both may be set.
    alert_clinician: bool
    alert_reasons: tuple[Reason, ...]


def median(values: Iterable[int]) -> int | None:
    """The median, in whole points; None for no values.

    With an even count it is the mean of the two middle values rounded half up: 2 and 3
    give 3 (never Python's half-to-even). Rounding up errs on the side of looking: a
    creeping pain is flagged a half point early rather than late.
    """
    ordered = sorted(values)
    if not ordered:
        return None
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle] + 1) // 2


def _pain(log: ExerciseLog, measure: Measure) -> int | None:
    return log.pain_during if measure == "during" else log.pain_after


def baseline_pain(
    logs: Iterable[ExerciseLog], *, first_home_day: date
) -> tuple[int | None, int | None]:
    """(pain during, pain after): the median of each over the first 7 days of home training.

    Days first_home_day to first_home_day + 6; every logged score counts (see `median`),
    also from an entry for a session not done. None where that week has no score.
    """
    last = first_home_day + timedelta(days=BASELINE_DAYS - 1)
    week = [log for log in logs if first_home_day <= log.day <= last]
    during = median(p for log in week if (p := log.pain_during) is not None)
    after = median(p for log in week if (p := log.pain_after) is not None)
    return during, after


@dataclass(frozen=True)
class _Flare:
    day: date
    measure: Measure
    pain: int
    pain_day_before: int


@dataclass(frozen=True)
class _Week:
    """What the review needs from one exercise's week of log entries."""

    sessions_done: int
    scheduled: int
    max_during: int | None
    max_after: int | None
    flare: _Flare | None
    felt_easy: bool

    @property
    def max_pain(self) -> int | None:
        return max((p for p in (self.max_during, self.max_after) if p is not None), default=None)

    def max_of(self, measure: Measure) -> int | None:
        return self.max_during if measure == "during" else self.max_after

    @property
    def adherent(self) -> bool:
        return 100 * self.sessions_done >= MIN_ADHERENCE_PERCENT * self.scheduled

    @property
    def adherence_text(self) -> str:
        # Floor, so a reason never shows "70 %" for 69.5 % that failed the 70 % threshold.
        percent = min(100, 100 * self.sessions_done // self.scheduled)
        return f"done on {self.sessions_done} of {self.scheduled} planned days ({percent} %)"


def _day_text(day: date) -> str:
    # Spelled out by hand: strftime names depend on the process locale.
    return f"{_WEEKDAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]}"


def _baseline(exercise: ExerciseUnderReview, measure: Measure) -> int | None:
    return exercise.baseline_pain_during if measure == "during" else exercise.baseline_pain_after


# -- doses --------------------------------------------------------------------------------------


def _value(dose: Dose, variable: Variable) -> int:
    if variable == "sets":
        return dose.sets
    if variable == "reps":
        return dose.reps
    if variable == "hold_s":
        return dose.hold_s
    return dose.duration_s


def _tenths(exact: ExactDose, variable: Variable) -> int:
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


def _changed(exact: ExactDose, changes: dict[Variable, int]) -> ExactDose:
    """The exact dose with the given variables set, in whole tenths."""
    return _exact({v: changes.get(v, _tenths(exact, v)) for v in VARIABLES})


def _current(exercise: ExerciseUnderReview) -> ExactDose:
    """The exact dose to review: the given one, within the limits, where it belongs to `dose`.

    An exact value belongs to the prescribed one when it shows as it, or when the
    prescribed value is off the display steps (a 6 s hold) and lies between the exact
    value and what that shows as (an exact 6.6 s shows 5 s, so 6 s is kept on show;
    see `_shown`). Otherwise the dose was changed by hand and it restarts from `dose`.
    """
    if exercise.exact is None:
        return ExactDose.of(exercise.dose)
    low, high = exercise.dose_min, exercise.dose_max
    within = _exact(
        {
            v: min(max(_tenths(exercise.exact, v), 10 * _value(low, v)), 10 * _value(high, v))
            for v in VARIABLES
        }
    )
    shown = shown_dose(within, low, high)

    def belongs(v: Variable) -> bool:
        exact, rounded, prescribed = (
            _tenths(within, v),
            10 * _value(shown, v),
            10 * _value(exercise.dose, v),
        )
        return min(exact, rounded) <= prescribed <= max(exact, rounded)

    return _exact(
        {v: _tenths(within, v) if belongs(v) else 10 * _value(exercise.dose, v) for v in VARIABLES}
    )


def _shown(exercise: ExerciseUnderReview, before: ExactDose, after: ExactDose) -> Dose:
    """The dose to show after a change: what changed is shown rounded, the rest as prescribed.

    A change never shows the wrong way: an off-step 6 s hold grown to 6.6 s would show
    as 5 s, so it stays 6 s on show until the exact value rounds past it.
    """
    rounded = shown_dose(after, exercise.dose_min, exercise.dose_max)

    def value(v: Variable) -> int:
        prescribed, new = _value(exercise.dose, v), _value(rounded, v)
        if _tenths(after, v) > _tenths(before, v):
            return max(new, prescribed)
        if _tenths(after, v) < _tenths(before, v):
            return min(new, prescribed)
        return prescribed

    return Dose(value("sets"), value("reps"), value("hold_s"), value("duration_s"))


def _volume(dose: Dose) -> Variable:
    """What a step back cuts and progress grows first: repetitions, or the time if timed."""
    return "duration_s" if dose.is_timed else "reps"


def _change(variable: Variable, old_tenths: int, new_tenths: int) -> str:
    """'from 5.5 to 6.0', with the unit once: the exact values, one decimal."""

    def decimal(value: int) -> str:
        return f"{value // 10}.{value % 10}"

    return f"from {decimal(old_tenths)} to {decimal(new_tenths)}{_UNIT[variable]}"


def _amount(variable: Variable, value: int) -> str:
    """A shown value in the words the patient reads it in."""
    if variable == "hold_s":
        return f"{value} seconds" if value != 1 else "1 second"
    if variable == "duration_s":
        if value >= 60 and value % 60 == 0:
            minutes = value // 60
            return f"{minutes} minutes" if minutes != 1 else "1 minute"
        if value >= 60 and value % 30 == 0:
            return f"{value // 60}.5 minutes"
        return f"{value} seconds"
    return str(value)


def _you_do(variable: Variable, old: int, new: int) -> str:
    verb = "you hold" if variable == "hold_s" else "you do"
    if old == new:
        return (
            f"{verb} {_amount(variable, new)}, as before: the exact dose is kept so that small "
            "steps add up"
        )
    return f"{verb} {_amount(variable, new)} instead of {_amount(variable, old)}"


def _proposal(
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
    dose = exercise.dose if after is None else _shown(exercise, current, after)
    return Proposal(exercise.slug, action, variable, dose, new_exercise, tuple(reasons), exact)


def _hold(exercise: ExerciseUnderReview, current: ExactDose, *reasons: Reason) -> Proposal:
    return _proposal(exercise, "hold", current, reasons)


# -- the week's log -----------------------------------------------------------------------------


def _flare(logs: Sequence[ExerciseLog]) -> _Flare | None:
    """The first day whose pain is 2 or more above the day before's pain of the same measure.

    Pain during is compared with the day before's pain during, pain after with pain
    after. With several entries on one day, a day's highest score is compared with the
    day before's lowest: a flare that any pair of entries shows is not missed.
    """
    found: list[_Flare] = []
    for measure in MEASURES:
        high: dict[date, int] = {}
        low: dict[date, int] = {}
        for log in logs:
            pain = _pain(log, measure)
            if pain is not None:
                high[log.day] = max(pain, high.get(log.day, pain))
                low[log.day] = min(pain, low.get(log.day, pain))
        for day in sorted(high):
            before = low.get(day - timedelta(days=1))
            if before is not None and high[day] - before >= IMPORTANT_PAIN_CHANGE:
                found.append(_Flare(day, measure, high[day], before))
                break
    # The earliest day; on one day, pain during before pain after.
    return min(found, key=lambda f: (f.day, MEASURES.index(f.measure)), default=None)


def _summarise(exercise: ExerciseUnderReview) -> _Week:
    # A session is a day's home session: two entries on one day count once.
    done = sorted({log.day for log in exercise.logs if log.done})
    feeling: dict[date, int] = {}
    for log in exercise.logs:
        if log.done:
            rank = _FEELING_ORDER[log.difficulty]
            feeling[log.day] = max(rank, feeling.get(log.day, rank))
    last = done[-EASY_SESSIONS:]
    return _Week(
        sessions_done=len(done),
        scheduled=exercise.scheduled_days,
        max_during=max(
            (p for g in exercise.logs if (p := g.pain_during) is not None), default=None
        ),
        max_after=max((p for g in exercise.logs if (p := g.pain_after) is not None), default=None),
        flare=_flare(exercise.logs),
        felt_easy=len(last) == EASY_SESSIONS
        and all(feeling[day] == _FEELING_ORDER["easy"] for day in last),
    )


# -- step back ----------------------------------------------------------------------------------


def _step_back_reasons(exercise: ExerciseUnderReview, week: _Week) -> list[Reason]:
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
        highest, baseline = week.max_of(measure), _baseline(exercise, measure)
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


def _step_back(
    exercise: ExerciseUnderReview, current: ExactDose, triggers: list[Reason]
) -> Proposal:
    # Only the volume changes: fewer repetitions, or a shorter time for a timed exercise.
    variable = _volume(exercise.dose)
    old = _tenths(current, variable)
    # 25 % less, rounded half up to a tenth (x 0.75 + 0.5, floored), in whole tenths.
    target = ((100 - STEP_BACK_PERCENT) * old + 50) // 100
    new = max(target, 10 * _value(exercise.dose_min, variable))
    cut = old - new
    after = _changed(current, {variable: new})
    shown = _shown(exercise, current, after)
    label = _LABEL[variable]
    if (
        cut > 0
        and 100 * cut >= STEP_BACK_MIN_PERCENT * old
        and 100 * cut <= STEP_BACK_MAX_PERCENT * old
        # A cut the patient would not see (1.4 to 1.1 repetitions, both shown as 1) is none.
        and _value(shown, variable) < _value(exercise.dose, variable)
    ):
        # Half up, like every rounding a clinician reads: 28.6 % shows as 29 %.
        percent = (200 * cut + old) // (2 * old)
        you_do = _you_do(variable, _value(exercise.dose, variable), _value(shown, variable))
        action = Reason(
            "V-STEP-BACK",
            f"Do less until the pain settles: {label} down {_change(variable, old, new)} "
            f"({percent} % less; {you_do}).",
        )
        return _proposal(
            exercise, "step_back", current, (*triggers, action), variable=variable, after=after
        )
    # A 20-30 % cut is impossible within the minimum (or with so few that no cut shows).
    at_minimum = (
        f"The {label} ({_amount(variable, _value(exercise.dose, variable))}) cannot come down "
        f"by {STEP_BACK_MIN_PERCENT} to {STEP_BACK_MAX_PERCENT} % without going under the "
        "exercise's minimum"
    )
    if exercise.easier is not None:
        switch = Reason(
            "V-STEP-BACK",
            f"{at_minimum}: switch to the easier variant ({exercise.easier}), practised first "
            "with the specialist at the clinic.",
        )
        return _proposal(
            exercise, "easier_variant", current, (*triggers, switch), new_exercise=exercise.easier
        )
    return _hold(
        exercise,
        current,
        *triggers,
        Reason(
            "V-STEP-BACK",
            f"{at_minimum}, and there is no easier variant: the dose is already at its minimum; "
            "keep it and have the clinician review this exercise.",
        ),
    )


# -- hold ---------------------------------------------------------------------------------------


def _hold_reasons(week: _Week) -> list[Reason]:
    reasons: list[Reason] = []
    if week.max_pain is not None and MIN_HOLD_PAIN <= week.max_pain < MIN_STEP_BACK_PAIN:
        reasons.append(
            Reason(
                "V-HOLD",
                f"Pain reached {week.max_pain} out of 10 this week; with pain of {MIN_HOLD_PAIN} "
                f"to {MIN_STEP_BACK_PAIN - 1} the dose stays the same.",
            )
        )
    if not week.adherent:
        reasons.append(
            Reason(
                "V-HOLD",
                f"The exercise was {week.adherence_text}; under {MIN_ADHERENCE_PERCENT} % the "
                "dose stays the same until it is done more regularly.",
            )
        )
    return reasons


# -- progress -----------------------------------------------------------------------------------


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


# -- the review ---------------------------------------------------------------------------------


def _review(exercise: ExerciseUnderReview, week: _Week) -> Proposal:
    """One exercise's proposal, by the priority of CLINICAL.md: safety before progress."""
    current = _current(exercise)
    # Pain is judged even without planned sessions: a painful week is never "no data".
    triggers = _step_back_reasons(exercise, week)
    if triggers:
        return _step_back(exercise, current, triggers)
    if week.scheduled <= 0:
        return _hold(
            exercise,
            current,
            Reason(
                "V-NODATA",
                "No home sessions of this exercise were planned this week, so there is nothing "
                "to judge: the dose stays the same.",
            ),
        )
    holds = _hold_reasons(week)
    if holds:
        return _hold(exercise, current, *holds)
    if week.max_pain is None:
        return _hold(
            exercise,
            current,
            Reason(
                "V-HOLD",
                "No pain scores were logged this week: keep the current dose until pain is "
                "recorded and it feels easy.",
            ),
        )
    if not week.felt_easy:
        return _hold(
            exercise,
            current,
            Reason(
                "V-HOLD",
                f"Pain stayed at {week.max_pain} out of 10 or less, but the last {EASY_SESSIONS} "
                "sessions did not both feel easy: keep the current dose until it feels easy.",
            ),
        )
    # Here pain is at most 3 (4-5 held, 6 stepped back) and at most baseline + 1 (+2 stepped back).
    return _progress(exercise, current, week)


def _paused(proposal: Proposal, exercise: ExerciseUnderReview) -> Proposal:
    """While progression is paused nothing goes up; steps back still apply."""
    if proposal.action not in ("progress", "harder_variant"):
        return proposal
    return _hold(
        exercise,
        _current(exercise),
        Reason(
            "V-PAUSE",
            "Progression is paused this week, so the dose stays the same until the clinician "
            "has reviewed.",
        ),
    )


def _creep(exercises: Sequence[ExerciseUnderReview]) -> list[Reason]:
    """V-CREEP: the week's median pain, of all scores of one measure, 2 or more over baseline.

    Each score is compared with its own exercise's baseline of that measure (scores of an
    exercise without that baseline do not count); with one baseline for all, as when it
    is the patient's, this is the week's median pain minus the baseline.
    """
    reasons: list[Reason] = []
    for measure in MEASURES:
        scored = [
            (pain, baseline)
            for exercise in exercises
            if (baseline := _baseline(exercise, measure)) is not None
            for log in exercise.logs
            if (pain := _pain(log, measure)) is not None
        ]
        rise = median(pain - baseline for pain, baseline in scored)
        if rise is None or rise < IMPORTANT_PAIN_CHANGE:
            continue
        baselines = sorted({baseline for _, baseline in scored})
        if len(baselines) == 1:
            week_median = median(pain for pain, _ in scored)
            where = (
                f"The median pain {measure} exercise this week was {week_median} out of 10, "
                f"{rise} points above the baseline ({baselines[0]})"
            )
        else:
            where = (
                f"Pain {measure} exercise this week was, in the median, {rise} points above "
                "each exercise's baseline"
            )
        reasons.append(
            Reason(
                "V-CREEP",
                f"{where}: pain is creeping up. A rise of {IMPORTANT_PAIN_CHANGE} points matters, "
                f"even below {MIN_STEP_BACK_PAIN}; the clinician should take a look.",
            )
        )
    return reasons


def review_week(
    exercises: Iterable[ExerciseUnderReview],
    *,
    red_flag_reported: bool = False,
    progression_paused: str = "",
) -> WeekReview:
    """One proposal per exercise for the week under review, and whether to pause and alert.

    `progression_paused` is why progression was paused before this week (pain of 6 or more
    logged): it stays paused until the clinician has looked.
    """
    ordered = sorted(exercises, key=lambda ex: ex.slug)
    slugs = [ex.slug for ex in ordered]
    if len(set(slugs)) != len(slugs):
        # One proposal per exercise: a repeated slug would make the result depend on input order.
        repeated = sorted({slug for slug in slugs if slugs.count(slug) > 1})
        raise ValueError(f"Each exercise is reviewed once; repeated: {', '.join(repeated)}")
    weeks = [_summarise(ex) for ex in ordered]

    reasons: list[Reason] = []
    if red_flag_reported:
        reasons.append(
            Reason(
                "V-PAUSE",
                "A red flag was reported: progression is paused and the clinician is alerted at "
                "once.",
            )
        )
    if progression_paused:
        reasons.append(
            Reason(
                "V-PAUSE",
                f"Progression stays paused until the clinician has looked: {progression_paused}",
            )
        )
    for exercise, week in zip(ordered, weeks, strict=True):
        if week.max_pain is not None and week.max_pain >= MIN_STEP_BACK_PAIN:
            reasons.append(
                Reason(
                    "V-PAUSE",
                    f"Pain reached {week.max_pain} out of 10 with {exercise.name}: progression "
                    "is paused and the clinician is alerted.",
                )
            )
    pause = bool(reasons)

    proposals = [_review(ex, week) for ex, week in zip(ordered, weeks, strict=True)]
    if pause:
        proposals = [_paused(p, ex) for p, ex in zip(proposals, ordered, strict=True)]
    alerts = _creep(ordered)
    return WeekReview(
        proposals=tuple(proposals),
        pause_progression=pause,
        flag_patient=pause,
        reasons=tuple(reasons),
        alert_clinician=bool(alerts),
        alert_reasons=tuple(alerts),
    )
