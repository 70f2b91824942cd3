"""Adherence over days: how many planned home days in a row went without a log."""

from collections.abc import Iterable
from datetime import date, timedelta


def missed_streak(days: Iterable[tuple[date, bool, bool]], until: date) -> int:
    """Consecutive days up to `until` that had home exercises and no log.

    `days` holds (day, had_home_exercises, logged); days without home exercises
    neither break nor extend a streak.
    """
    by_day = {day: (planned, logged) for day, planned, logged in days}
    streak = 0
    day = until
    while day in by_day:
        planned, logged = by_day[day]
        if planned:
            if logged:
                break
            streak += 1
        day -= timedelta(days=1)
    return streak
