"""Adherence: planned home days in a row without a log."""

from datetime import date

from planner.engine.adherence import missed_streak


def test_missed_streak_counts_planned_days_without_a_log():
    d = date(2026, 11, 24)
    days = [
        (date(2026, 11, 24), True, False),
        (date(2026, 11, 23), False, False),  # a rest day neither breaks nor extends
        (date(2026, 11, 22), True, False),
        (date(2026, 11, 21), True, True),
    ]
    assert missed_streak(days, d) == 2
    assert missed_streak([(d, True, True)], d) == 0
    assert missed_streak([], d) == 0
