"""What the synthetic patient logs on each home day, by pattern (see `planner.simulate`)."""

from dataclasses import dataclass

PATTERNS = ("steady", "flare", "creep", "missed")
FLARE_WEEK = 4
CREEP_PAIN = (2, 3, 3, 4, 4, 5)


@dataclass(frozen=True)
class DayLog:
    pain_during: int
    pain_after: int
    difficulty: str


def day_log(*, pattern: str, week: int, index: int) -> DayLog | None:
    """What the synthetic patient logs on home day `index` (0 = first) of home week `week`
    (1 = first); None when the day is skipped."""
    steady = DayLog(1, 2, "easy")
    if pattern == "steady":
        return steady
    if pattern == "flare":
        return DayLog(7, 5, "hard") if week == FLARE_WEEK else steady
    if pattern == "creep":
        pain = CREEP_PAIN[min(week, len(CREEP_PAIN)) - 1]
        return DayLog(pain, pain, "right")
    if pattern == "missed":
        return steady if (index * 2) % 5 < 2 else None
    raise ValueError(f"Unknown pattern {pattern!r}; valid: {', '.join(PATTERNS)}.")
