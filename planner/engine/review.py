"""The weekly progression review: from a week of the patient's log to one proposal per exercise.

CLINICAL.md, "Progression from the patient's log". The review only proposes; the
clinician approves, or the clinic policy applies it. Like plan generation it is
deterministic: neither the order of the exercises nor the order of the log entries
changes the result, and every proposal carries Reasons that cite the rule behind it.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from planner.engine.types import Dose, Reason

Feeling = Literal["easy", "right", "hard"]
Action = Literal["progress", "harder_variant", "hold", "step_back", "easier_variant"]
Variable = Literal["sets", "reps", "hold_s", "duration_s"]

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
    dose: Dose  # the current prescribed dose
    dose_min: Dose
    dose_max: Dose
    harder: str | None  # slug of the harder variant, if any
    easier: str | None
    scheduled_days: int  # home sessions of this exercise in the week under review (0..7)
    logs: tuple[ExerciseLog, ...]
    baseline_pain: int  # the patient's pain at the start of the program (0-10)


@dataclass(frozen=True)
class Proposal:
    slug: str
    action: Action
    variable: Variable | None  # the one variable changed, if any
    dose: Dose  # proposed dose (unchanged for hold and for a change of variant)
    new_exercise: str | None  # slug for harder_variant / easier_variant, else None
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class WeekReview:
    proposals: tuple[Proposal, ...]  # one per exercise, in slug order
    pause_progression: bool
    flag_patient: bool
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class _Flare:
    day: date
    pain_during: int
    pain_after_day_before: int


@dataclass(frozen=True)
class _Week:
    """What the review needs from one exercise's week of log entries."""

    sessions_done: int
    scheduled: int
    max_pain: int | None
    flare: _Flare | None
    felt_easy: bool

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


def _value(dose: Dose, variable: Variable) -> int:
    if variable == "sets":
        return dose.sets
    if variable == "reps":
        return dose.reps
    if variable == "hold_s":
        return dose.hold_s
    return dose.duration_s


def _with(dose: Dose, variable: Variable, value: int) -> Dose:
    """The same dose with exactly one variable set to `value`."""
    return Dose(
        sets=value if variable == "sets" else dose.sets,
        reps=value if variable == "reps" else dose.reps,
        hold_s=value if variable == "hold_s" else dose.hold_s,
        duration_s=value if variable == "duration_s" else dose.duration_s,
    )


def _amount(variable: Variable, value: int) -> str:
    return f"{value}{_UNIT[variable]}"


def _flare(logs: Iterable[ExerciseLog]) -> _Flare | None:
    """The first day whose pain during the session is 2 or more above the day before's after-pain.

    With several entries on one day, the highest pain during and the lowest pain
    after are compared: a flare that any pair of entries shows is not missed.
    """
    during: dict[date, int] = {}
    after: dict[date, int] = {}
    for log in logs:
        if log.pain_during is not None:
            during[log.day] = max(log.pain_during, during.get(log.day, log.pain_during))
        if log.pain_after is not None:
            after[log.day] = min(log.pain_after, after.get(log.day, log.pain_after))
    for day in sorted(during):
        before = after.get(day - timedelta(days=1))
        if before is not None and during[day] - before >= IMPORTANT_PAIN_CHANGE:
            return _Flare(day, during[day], before)
    return None


def _summarise(exercise: ExerciseUnderReview) -> _Week:
    # A session is a day's home session: two entries on one day count once.
    done = sorted({log.day for log in exercise.logs if log.done})
    pains = [
        pain
        for log in exercise.logs
        for pain in (log.pain_during, log.pain_after)
        if pain is not None
    ]
    feeling: dict[date, int] = {}
    for log in exercise.logs:
        if log.done:
            rank = _FEELING_ORDER[log.difficulty]
            feeling[log.day] = max(rank, feeling.get(log.day, rank))
    last = done[-EASY_SESSIONS:]
    return _Week(
        sessions_done=len(done),
        scheduled=exercise.scheduled_days,
        max_pain=max(pains, default=None),
        flare=_flare(exercise.logs),
        felt_easy=len(last) == EASY_SESSIONS
        and all(feeling[day] == _FEELING_ORDER["easy"] for day in last),
    )


def _hold(exercise: ExerciseUnderReview, *reasons: Reason) -> Proposal:
    return Proposal(exercise.slug, "hold", None, exercise.dose, None, reasons)


# -- step back ----------------------------------------------------------------------------------


def _step_back_reasons(exercise: ExerciseUnderReview, week: _Week) -> list[Reason]:
    reasons: list[Reason] = []
    pain, baseline = week.max_pain, exercise.baseline_pain
    if pain is not None and pain >= MIN_STEP_BACK_PAIN:
        reasons.append(
            Reason(
                "V-STEP-BACK",
                f"Pain reached {pain} out of 10 this week; pain of {MIN_STEP_BACK_PAIN} or more "
                "calls for doing less.",
            )
        )
    if pain is not None and pain >= baseline + IMPORTANT_PAIN_CHANGE:
        reasons.append(
            Reason(
                "V-STEP-BACK",
                f"Pain reached {pain} out of 10, {pain - baseline} points above the pain at the "
                f"start of the program ({baseline}); a rise of {IMPORTANT_PAIN_CHANGE} points "
                "matters.",
            )
        )
    if week.flare is not None:
        flare = week.flare
        reasons.append(
            Reason(
                "V-STEP-BACK",
                f"On {_day_text(flare.day)} pain during the exercise was {flare.pain_during}, "
                f"{flare.pain_during - flare.pain_after_day_before} points above the pain after "
                f"it the day before ({flare.pain_after_day_before}): the pain flared the next "
                "day.",
            )
        )
    return reasons


def _step_back(exercise: ExerciseUnderReview, triggers: list[Reason]) -> Proposal:
    # Only the volume changes: fewer repetitions, or a shorter time for a timed exercise.
    variable: Variable = "duration_s" if exercise.dose.is_timed else "reps"
    old = _value(exercise.dose, variable)
    # 25 % less, rounded half up (x 0.75 + 0.5, floored), in whole numbers to avoid float error.
    target = (3 * old + 2) // 4
    new = max(target, _value(exercise.dose_min, variable))
    cut = old - new
    label = _LABEL[variable]
    if (
        cut > 0
        and 100 * cut >= STEP_BACK_MIN_PERCENT * old
        and 100 * cut <= STEP_BACK_MAX_PERCENT * old
    ):
        # Half up, like every rounding a clinician reads: 28.6 % shows as 29 %.
        percent = (200 * cut + old) // (2 * old)
        action = Reason(
            "V-STEP-BACK",
            f"Do less until the pain settles: {label} down from {_amount(variable, old)} to "
            f"{_amount(variable, new)} ({percent} % less).",
        )
        return Proposal(
            exercise.slug,
            "step_back",
            variable,
            _with(exercise.dose, variable, new),
            None,
            (*triggers, action),
        )
    # A 20-30 % cut is impossible within the minimum (or with so few that any cut is too big).
    at_minimum = (
        f"The {label} ({_amount(variable, old)}) cannot come down by {STEP_BACK_MIN_PERCENT} to "
        f"{STEP_BACK_MAX_PERCENT} % without going under the exercise's minimum"
    )
    if exercise.easier is not None:
        return Proposal(
            exercise.slug,
            "easier_variant",
            None,
            exercise.dose,
            exercise.easier,
            (
                *triggers,
                Reason(
                    "V-STEP-BACK",
                    f"{at_minimum}: switch to the easier variant ({exercise.easier}), practised "
                    "first with the specialist at the clinic.",
                ),
            ),
        )
    return _hold(
        exercise,
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


def _progress_order(dose: Dose) -> list[Variable]:
    order: list[Variable] = []
    if not dose.is_timed:
        order.append("reps")
    if dose.hold_s > 0:
        order.append("hold_s")
    if dose.is_timed:
        order.append("duration_s")
    order.append("sets")
    return order


def _progress(exercise: ExerciseUnderReview, week: _Week) -> Proposal:
    ready = Reason(
        "V-PROGRESS",
        f"The exercise was {week.adherence_text}, pain stayed at {week.max_pain} out of 10 or "
        f"less and the last {EASY_SESSIONS} sessions felt easy: ready for a little more.",
    )
    for variable in _progress_order(exercise.dose):
        old = _value(exercise.dose, variable)
        # At most +10 %, floored in whole numbers: 8 repetitions cannot grow (8.8 is 8, and 9
        # would be 12.5 % more), so the next variable in line is tried.
        grown = old * (100 + PROGRESS_MAX_PERCENT) // 100
        new = min(grown, _value(exercise.dose_max, variable))
        if new > old:
            change = Reason(
                "V-PROGRESS",
                f"{_LABEL[variable].capitalize()} up from {_amount(variable, old)} to "
                f"{_amount(variable, new)}; one change at a time, at most "
                f"{PROGRESS_MAX_PERCENT} % more.",
            )
            return Proposal(
                exercise.slug,
                "progress",
                variable,
                _with(exercise.dose, variable, new),
                None,
                (ready, change),
            )
    # Nothing can grow by 10 % or less within its maximum. Either the dose is at its maximum,
    # or it is so small that one whole step is more than 10 % (7 to 8 repetitions is 14 %).
    at_maximum = all(
        _value(exercise.dose, v) >= _value(exercise.dose_max, v)
        for v in _progress_order(exercise.dose)
    )
    why = (
        "This exercise is at its maximum dose"
        if at_maximum
        else "No part of this dose can grow by a whole step without going over 10 % in a week"
    )
    if exercise.harder is not None:
        return Proposal(
            exercise.slug,
            "harder_variant",
            None,
            exercise.dose,
            exercise.harder,
            (
                ready,
                Reason(
                    "V-HARDER",
                    f"{why}: next comes the harder variant ({exercise.harder}), which starts "
                    "supervised at the clinic until it is mastered.",
                ),
            ),
        )
    return _hold(
        exercise,
        ready,
        Reason(
            "V-HARDER",
            f"{why}, and there is no harder variant: the dose stays the same for now.",
        ),
    )


# -- the review ---------------------------------------------------------------------------------


def _review(exercise: ExerciseUnderReview, week: _Week) -> Proposal:
    """One exercise's proposal, by the priority of CLINICAL.md: safety before progress."""
    # Pain is judged even without planned sessions: a painful week is never "no data".
    triggers = _step_back_reasons(exercise, week)
    if triggers:
        return _step_back(exercise, triggers)
    if week.scheduled <= 0:
        return _hold(
            exercise,
            Reason(
                "V-NODATA",
                "No home sessions of this exercise were planned this week, so there is nothing "
                "to judge: the dose stays the same.",
            ),
        )
    holds = _hold_reasons(week)
    if holds:
        return _hold(exercise, *holds)
    if week.max_pain is None:
        return _hold(
            exercise,
            Reason(
                "V-HOLD",
                "No pain scores were logged this week: keep the current dose until pain is "
                "recorded and it feels easy.",
            ),
        )
    if not week.felt_easy:
        return _hold(
            exercise,
            Reason(
                "V-HOLD",
                f"Pain stayed at {week.max_pain} out of 10 or less, but the last {EASY_SESSIONS} "
                "sessions did not both feel easy: keep the current dose until it feels easy.",
            ),
        )
    return _progress(exercise, week)


def _paused(proposal: Proposal, exercise: ExerciseUnderReview) -> Proposal:
    """While progression is paused nothing goes up; steps back still apply."""
    if proposal.action not in ("progress", "harder_variant"):
        return proposal
    return _hold(
        exercise,
        Reason(
            "V-PAUSE",
            "Progression is paused this week, so the dose stays the same until the clinician "
            "has reviewed.",
        ),
    )


def review_week(
    exercises: Iterable[ExerciseUnderReview], *, red_flag_reported: bool = False
) -> WeekReview:
    """One proposal per exercise for the week under review, and whether to pause and alert."""
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
    return WeekReview(
        proposals=tuple(proposals),
        pause_progression=pause,
        flag_patient=pause,
        reasons=tuple(reasons),
    )
