"""One exercise's week of log entries, as the review reads it.

A week's sessions, adherence and highest pain; the next-day flare; the median and
the baseline pain (the median of the first week at home) it is compared with.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from planner.engine.review.thresholds import (
    BASELINE_DAYS,
    EASY_SESSIONS,
    IMPORTANT_PAIN_CHANGE,
    MEASURES,
    MIN_ADHERENCE_PERCENT,
)
from planner.engine.review.types import ExerciseLog, ExerciseUnderReview, Feeling, Measure
from planner.engine.types import Reason

# Within one day the hardest rating counts, and a session without a rating is not "easy".
_FEELING_ORDER: dict[Feeling | None, int] = {"easy": 0, "right": 1, "hard": 2, None: 3}


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


def pain_of(log: ExerciseLog, measure: Measure) -> int | None:
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
class Week:
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

    def adherence(self, rule: str) -> Reason:
        """How regularly it was done: 'done on 5 of 7 planned days (71 %)'."""
        # Floor, so a reason never shows "70 %" for 69.5 % that failed the 70 % threshold.
        percent = min(100, 100 * self.sessions_done // self.scheduled)
        return Reason.of(
            rule,
            "done on %(done)s of %(planned)s planned days (%(percent)s %%)",
            done=self.sessions_done,
            planned=self.scheduled,
            percent=percent,
        )


def baseline_of(exercise: ExerciseUnderReview, measure: Measure) -> int | None:
    return exercise.baseline_pain_during if measure == "during" else exercise.baseline_pain_after


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
            pain = pain_of(log, measure)
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


def summarise(exercise: ExerciseUnderReview) -> Week:
    # A session is a day's home session: two entries on one day count once.
    done = sorted({log.day for log in exercise.logs if log.done})
    feeling: dict[date, int] = {}
    for log in exercise.logs:
        if log.done:
            rank = _FEELING_ORDER[log.difficulty]
            feeling[log.day] = max(rank, feeling.get(log.day, rank))
    last = done[-EASY_SESSIONS:]
    return Week(
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
