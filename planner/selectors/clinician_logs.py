"""What a patient did at home, for their clinician: the home log over a range of days.

The range is the patient's own days (their time zone): by default the last
DEFAULT_LOG_DAYS days up to their local today, at most MAX_LOG_DAYS days, none before
FIRST_LOG_DAY nor more than a year past their today (no log can be there).
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from planner.models import ExerciseLog
from rehab.models import Patient

DEFAULT_LOG_DAYS = 28
MAX_LOG_DAYS = 366
FIRST_LOG_DAY = date(2000, 1, 1)


@dataclass(frozen=True)
class LogRange:
    first: date
    last: date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def before(self) -> "LogRange":
        """The same number of days just before this range."""
        return LogRange(self.first - timedelta(days=self.days), self.first - timedelta(days=1))

    def after(self) -> "LogRange":
        """The same number of days just after this range."""
        return LogRange(self.last + timedelta(days=1), self.last + timedelta(days=self.days))


def log_range(*, today: date, first: date | None = None, last: date | None = None) -> LogRange:
    """The days asked for, `first` to `last` (both included), with the defaults filled in:
    `last` is `today`, `first` is DEFAULT_LOG_DAYS days up to `last`.

    ValidationError, with a message for the field (`from`, `to`) at fault, when a day is out
    of range, `first` comes after `last` or the range is longer than MAX_LOG_DAYS days.
    """
    latest = today + timedelta(days=MAX_LOG_DAYS)
    errors: dict[str, str] = {}
    for name, day in (("from", first), ("to", last)):
        if day is not None and not FIRST_LOG_DAY <= day <= latest:
            errors[name] = _("Give a day from %(first)s to %(last)s.") % {
                "first": FIRST_LOG_DAY.isoformat(),
                "last": latest.isoformat(),
            }
    if errors:
        raise ValidationError(errors)
    last = last or today
    first = first or max(last - timedelta(days=DEFAULT_LOG_DAYS - 1), FIRST_LOG_DAY)
    if first > last:
        raise ValidationError(
            {
                "from": _("%(first)s comes after the last day, %(last)s.")
                % {"first": first.isoformat(), "last": last.isoformat()}
            }
        )
    if (last - first).days + 1 > MAX_LOG_DAYS:
        raise ValidationError(
            {"from": _("At most %(days)s days at a time.") % {"days": MAX_LOG_DAYS}}
        )
    return LogRange(first, last)


@dataclass(frozen=True)
class LogDay:
    day: date
    entries: list[ExerciseLog]  # in the program's order


def patient_home_log(*, patient: Patient, days: LogRange) -> list[LogDay]:
    """The patient's logged home exercises in the range, by day, newest day first.

    Every program's logs count (a finished one's too). Each entry comes with its exercise,
    its home session and the submission it arrived in (`session_log.created_at`): one
    query, whatever the number of days or exercises.
    """
    entries = (
        ExerciseLog.objects.filter(
            home_session__program__patient=patient,
            home_session__day__range=(days.first, days.last),
        )
        .select_related("exercise", "home_session", "session_log")
        .order_by(
            "-home_session__day", "home_session__program_id", "program_exercise__position", "id"
        )
    )
    grouped: dict[date, list[ExerciseLog]] = {}
    for entry in entries:
        grouped.setdefault(entry.home_session.day, []).append(entry)
    return [LogDay(day, rows) for day, rows in grouped.items()]
