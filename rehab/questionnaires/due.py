"""When a scheduled questionnaire is due: plain date arithmetic on the patient's local days.

A schedule asks on `starts_on` and every `every_days` days after it. The questionnaire is
due from the first of those days that no answer covers: an answer (from the phone or
recorded at the clinic) dated on or after a due day covers that day and every earlier
one. It stays due until answered, across later due days; it is *overdue* once it has been
due for more than `GRACE_DAYS` days (due on a Monday: overdue from Friday), which is
when it becomes a worklist reason.
"""

from dataclasses import dataclass
from datetime import date, timedelta

GRACE_DAYS = 3
DEFAULT_EVERY_DAYS = {"odi": 28, "start_back": 28, "pain": 7}
# The order the app offers them in: the short one first.
KIND_ORDER = ("pain", "odi", "start_back")


@dataclass(frozen=True)
class Due:
    kind: str
    since: date  # the first due day no answer covers
    overdue: bool

    @property
    def overdue_from(self) -> date:
        return self.since + timedelta(days=GRACE_DAYS + 1)


def pending_since(
    *, starts_on: date, every_days: int, last_answered: date | None, today: date
) -> date | None:
    """The first due day (up to today) that no answer covers, or None when nothing is due."""
    if last_answered is None or last_answered < starts_on:
        first = starts_on
    else:
        cycles = (last_answered - starts_on).days // every_days + 1
        first = starts_on + timedelta(days=cycles * every_days)
    return first if first <= today else None


def due_state(
    *, kind: str, starts_on: date, every_days: int, last_answered: date | None, today: date
) -> Due | None:
    since = pending_since(
        starts_on=starts_on, every_days=every_days, last_answered=last_answered, today=today
    )
    if since is None:
        return None
    return Due(kind=kind, since=since, overdue=(today - since).days > GRACE_DAYS)


def sort_due(due: list[Due]) -> list[Due]:
    return sorted(due, key=lambda d: KIND_ORDER.index(d.kind))
