"""When reminders fall due: local times across time zones, daylight saving, quiet hours."""

from datetime import UTC, date, datetime, time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from notifications.timing import (
    ChannelChoice,
    QuietHours,
    after_quiet_hours,
    channels_for,
    due_at,
    local_date,
)

NIGHT = QuietHours(time(22, 0), time(7, 0))


@pytest.mark.parametrize(
    ("zone", "day", "expected_utc"),
    [
        ("Europe/Moscow", date(2026, 11, 25), datetime(2026, 11, 25, 6, 0, tzinfo=UTC)),
        ("America/New_York", date(2026, 7, 1), datetime(2026, 7, 1, 13, 0, tzinfo=UTC)),
        ("America/New_York", date(2026, 12, 1), datetime(2026, 12, 1, 14, 0, tzinfo=UTC)),
        ("Asia/Kolkata", date(2026, 1, 1), datetime(2026, 1, 1, 3, 30, tzinfo=UTC)),
        # The days the clocks change: 09:00 on the wall clock all the same.
        ("Europe/Berlin", date(2026, 3, 29), datetime(2026, 3, 29, 7, 0, tzinfo=UTC)),
        ("Europe/Berlin", date(2026, 10, 25), datetime(2026, 10, 25, 8, 0, tzinfo=UTC)),
        ("America/New_York", date(2026, 3, 8), datetime(2026, 3, 8, 13, 0, tzinfo=UTC)),
        ("America/New_York", date(2026, 11, 1), datetime(2026, 11, 1, 14, 0, tzinfo=UTC)),
    ],
)
def test_nine_in_the_morning_is_nine_on_the_patients_wall_clock(zone, day, expected_utc):
    assert due_at(day, time(9, 0), zone) == expected_utc


def test_a_time_skipped_by_the_spring_change_comes_just_after_the_jump():
    # 02:30 does not exist in Berlin on 2026-03-29 (02:00 -> 03:00): it comes at 03:30 local.
    moment = due_at(date(2026, 3, 29), time(2, 30), "Europe/Berlin")
    assert moment == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)


def test_a_time_repeated_by_the_autumn_change_counts_once_the_first_time():
    moment = due_at(date(2026, 10, 25), time(2, 30), "Europe/Berlin")
    assert moment == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # 02:30 CEST, before the change


@pytest.mark.parametrize(
    ("local", "expected_local_day", "expected_local_time"),
    [
        (time(23, 15), date(2026, 11, 26), time(7, 0)),  # evening: to tomorrow morning
        (time(5, 0), date(2026, 11, 25), time(7, 0)),  # early morning: to this morning
        (time(7, 0), date(2026, 11, 25), time(7, 0)),  # the end of the window is not quiet
        (time(12, 0), date(2026, 11, 25), time(12, 0)),  # daytime: untouched
    ],
)
def test_nothing_is_sent_in_quiet_hours_it_waits_for_their_end(
    local, expected_local_day, expected_local_time
):
    zone = "Europe/Moscow"
    moment = due_at(date(2026, 11, 25), local, zone, NIGHT)
    assert moment == due_at(expected_local_day, expected_local_time, zone)


def test_daytime_quiet_hours_too():
    siesta = QuietHours(time(13, 0), time(15, 0))
    assert due_at(date(2026, 6, 1), time(14, 0), "Europe/Madrid", siesta) == due_at(
        date(2026, 6, 1), time(15, 0), "Europe/Madrid"
    )
    assert not QuietHours(time(9, 0), time(9, 0)).contains(time(9, 0))  # an empty window


@given(
    day=st.dates(min_value=date(2000, 1, 1), max_value=date(2037, 12, 31)),
    at=st.times(),
    zone=st.sampled_from(
        ["Europe/Moscow", "Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Tehran"]
    ),
    start=st.times(),
    end=st.times(),
)
def test_a_due_time_is_never_inside_quiet_hours_and_never_early(day, at, zone, start, end):
    quiet = QuietHours(start.replace(microsecond=0), end.replace(microsecond=0))
    plain = due_at(day, at, zone)
    moment = after_quiet_hours(plain, zone, quiet)
    assert moment >= plain
    from zoneinfo import ZoneInfo

    local = moment.astimezone(ZoneInfo(zone)).time()
    # A day's clock change can swallow a quiet window's end; otherwise we are outside it.
    assert not quiet.contains(local) or moment == plain or local_date(moment, zone) != day


@pytest.mark.parametrize(
    ("choice", "has_email", "subscriptions", "expected"),
    [
        (ChannelChoice(), True, 1, ("in_app", "email", "push")),
        (ChannelChoice(email=False), True, 2, ("in_app", "push")),
        (ChannelChoice(push=False), True, 1, ("in_app", "email")),
        (ChannelChoice(), False, 0, ("in_app",)),  # the in-app list always keeps a copy
    ],
)
def test_channels_follow_the_patients_choice_and_what_can_reach_them(
    choice, has_email, subscriptions, expected
):
    assert channels_for(choice, has_email=has_email, push_subscriptions=subscriptions) == expected
