"""When reminders fall due and how they go out: time zones, daylight saving, quiet hours.

Pure Python with no Django, like the planner's engine: the services pass in plain values and
get plain values back, so the rules are tested without a database or a clock.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

CHANNELS = ("in_app", "email", "push")


@dataclass(frozen=True)
class QuietHours:
    """A daily window with no messages, in local time; it may run past midnight (22:00-07:00)."""

    start: time
    end: time

    def contains(self, moment: time) -> bool:
        if self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= moment < self.end
        return moment >= self.start or moment < self.end


def local_moment(day: date, at: time, zone: str) -> datetime:
    """`day` at wall-clock time `at` where the patient lives, as an aware UTC datetime.

    On the day clocks go forward a wall time may not exist (02:30 in Europe on the
    last Sunday of March): the reminder then comes at the same distance after the
    jump, as a clock would show it. When clocks go back a time happens twice: the
    first one counts.
    """
    # fold=0 gives exactly that (PEP 495): a missing time is read with the offset from
    # before the jump, so it lands after it; a repeated time is its first occurrence.
    return datetime.combine(day, at, tzinfo=ZoneInfo(zone)).replace(fold=0).astimezone(UTC)


def after_quiet_hours(moment: datetime, zone: str, quiet: QuietHours | None) -> datetime:
    """`moment` itself, or the end of the quiet hours it falls into (in UTC)."""
    if quiet is None:
        return moment
    local = moment.astimezone(ZoneInfo(zone))
    if not quiet.contains(local.time()):
        return moment
    end_day = local.date()
    if quiet.start > quiet.end and local.time() >= quiet.start:
        end_day += timedelta(days=1)  # evening part of a window that ends tomorrow morning
    return local_moment(end_day, quiet.end, zone)


def due_at(day: date, at: time, zone: str, quiet: QuietHours | None = None) -> datetime:
    """When a reminder for `day` at local time `at` is sent: never inside quiet hours."""
    return after_quiet_hours(local_moment(day, at, zone), zone, quiet)


def local_date(moment: datetime, zone: str) -> date:
    return moment.astimezone(ZoneInfo(zone)).date()


@dataclass(frozen=True)
class ChannelChoice:
    in_app: bool = True
    email: bool = True
    push: bool = True


def channels_for(
    choice: ChannelChoice, *, has_email: bool, push_subscriptions: int
) -> tuple[str, ...]:
    """The channels a message goes out on: what the patient chose and can receive.

    The in-app list always keeps a copy, so nothing is lost when the other channels
    are switched off or cannot be reached.
    """
    chosen = ["in_app"]
    if choice.email and has_email:
        chosen.append("email")
    if choice.push and push_subscriptions > 0:
        chosen.append("push")
    return tuple(chosen)
