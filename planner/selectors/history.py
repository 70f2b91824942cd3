"""The patient's history and progress: the month calendar, pain over time, adherence."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, Max
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from planner.models import (
    ExerciseLog,
    Program,
    SupervisedSession,
    SupervisedStatus,
)
from planner.selectors.programs import program_schedule
from planner.selectors.today import patient_current_program, patient_local_today
from rehab.models import (
    OswestryAssessment,
    PainAssessment,
    Patient,
)

# The months the patient's calendar can show: none before any program of the clinic could
# start, none more than a year past today (programs start at most a year ahead).
FIRST_CALENDAR_MONTH = date(2000, 1, 1)
CALENDAR_MONTHS_AHEAD = 13


def calendar_month(*, text: str, today: date) -> date:
    """The first day of the month `text` names (YYYY-MM; empty: today's month).

    ValueError when it is no month, or one the calendar cannot show (before
    FIRST_CALENDAR_MONTH or more than CALENDAR_MONTHS_AHEAD months past today's)."""
    if not text:
        return today.replace(day=1)
    year, dash, month = text.partition("-")
    if not (dash and len(year) == 4 and year.isdigit() and len(month) == 2 and month.isdigit()):
        raise ValueError(f"{text!r} is not a month as YYYY-MM.")
    if not 1 <= int(month) <= 12:
        raise ValueError(f"{text!r} is not a month as YYYY-MM.")
    first = date(int(year), int(month), 1)
    index = today.year * 12 + today.month - 1 + CALENDAR_MONTHS_AHEAD
    last = date(index // 12, index % 12 + 1, 1)
    if not FIRST_CALENDAR_MONTH <= first <= last:
        raise ValueError(f"{text!r} is outside the calendar.")
    return first


# What a day of the calendar was or will be for the patient.
CALENDAR_STATUSES = ("done", "partial", "missed", "today", "upcoming", "rest")


# What became of a clinic session, as History tells the patient: attended or missed once the
# clinic has recorded it; a past one still unrecorded is "not recorded yet", never "planned".
CLINIC_SESSION_OUTCOMES = ("attended", "missed", "cancelled", "not_recorded", "planned")


@dataclass(frozen=True)
class ClinicSessionMark:
    session: SupervisedSession
    outcome: str  # one of CLINIC_SESSION_OUTCOMES


def clinic_session_outcome(*, session: SupervisedSession, now: datetime) -> str:
    if session.status == SupervisedStatus.DONE:
        return "attended"
    if session.status == SupervisedStatus.MISSED:
        return "missed"
    if session.status == SupervisedStatus.CANCELLED:
        return "cancelled"
    return "not_recorded" if session.scheduled_for <= now else "planned"


@dataclass(frozen=True)
class CalendarDay:
    day: date
    status: str
    planned: int
    done: int
    supervised: list[SupervisedSession]
    # The day's clinic sessions with what became of them (see clinic_session_outcome).
    clinic_sessions: list[ClinicSessionMark] = field(default_factory=list)


def _done_by_day(program: Program, first: date, last: date) -> dict[date, int]:
    return dict(
        ExerciseLog.objects.filter(
            home_session__program=program, home_session__day__range=(first, last), done=True
        )
        .values_list("home_session__day")
        .annotate(done=Count("id"))
        .order_by()
    )


def _day_status(day: date, today: date, planned: int, done: int) -> str:
    if planned == 0:
        return "rest"
    if done >= planned:
        return "done"
    if day > today:
        return "upcoming"
    if day == today:
        return "today" if done == 0 else "partial"
    return "partial" if done else "missed"


def patient_calendar(
    *,
    patient: Patient,
    first: date | None = None,
    last: date | None = None,
    now: datetime | None = None,
) -> list[CalendarDay]:
    """Each day of the current program between first and last (default: the whole program).

    Six queries, whatever the length of the range.
    """
    program = patient_current_program(patient=patient)
    if program is None:
        return []
    first = max(first or program.start_date, program.start_date)
    last = min(last or program.end_date, program.end_date)
    if first > last:
        return []
    today = patient_local_today(patient=patient)
    now = now or timezone.now()
    done = _done_by_day(program, first, last)
    return [
        CalendarDay(
            day=entry.day,
            status=_day_status(entry.day, today, len(entry.home), done.get(entry.day, 0)),
            planned=len(entry.home),
            done=done.get(entry.day, 0),
            supervised=entry.supervised,
            clinic_sessions=[
                ClinicSessionMark(s, clinic_session_outcome(session=s, now=now))
                for s in entry.supervised
            ],
        )
        for entry in program_schedule(program=program)
        if first <= entry.day <= last
    ]


@dataclass(frozen=True)
class PainPoint:
    day: date
    pain: int
    source: str  # "log" (the worst pain the patient logged that day) or "clinic"


@dataclass(frozen=True)
class WeekAdherence:
    week_start: date
    planned_days: int
    done_days: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.done_days / self.planned_days) if self.planned_days else None


@dataclass(frozen=True)
class PatientProgress:
    pain: list[PainPoint]
    adherence: list[WeekAdherence]
    odi: OswestryAssessment | None

    @property
    def has_clinic_pain(self) -> bool:
        return any(point.source == "clinic" for point in self.pain)


def patient_progress(*, patient: Patient) -> PatientProgress:
    """Pain over time, weekly adherence of the current program, the latest ODI."""
    pain = [
        PainPoint(day, int(worst), "log")
        for day, worst in ExerciseLog.objects.filter(home_session__program__patient=patient)
        .exclude(pain_during__isnull=True, pain_after__isnull=True)
        .values_list("home_session__day")
        .annotate(worst=Max(Greatest(Coalesce("pain_during", 0), Coalesce("pain_after", 0))))
        .order_by("home_session__day")
    ]
    pain += [
        PainPoint(day, score, "clinic")
        for day, score in PainAssessment.objects.filter(patient=patient)
        .order_by("assessed_on", "id")
        .values_list("assessed_on", "score")
    ]
    pain.sort(key=lambda point: (point.day, point.source))
    odi = OswestryAssessment.objects.filter(patient=patient).order_by("-assessed_on", "-id").first()
    calendar = patient_calendar(patient=patient)
    today = patient_local_today(patient=patient)
    weeks: dict[date, list[CalendarDay]] = {}
    if calendar:
        start = calendar[0].day
        for entry in calendar:
            if entry.day <= today and entry.planned:
                week = start + timedelta(days=7 * ((entry.day - start).days // 7))
                weeks.setdefault(week, []).append(entry)
    adherence = [
        WeekAdherence(
            week_start=week,
            planned_days=sum(1 for e in days if e.day < today or e.done),
            done_days=sum(1 for e in days if e.done),
        )
        for week, days in sorted(weeks.items())
    ]
    return PatientProgress(pain=pain, adherence=adherence, odi=odi)
