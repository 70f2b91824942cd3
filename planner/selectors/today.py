"""The patient's day: what Today shows, its fingerprint and its cache."""

import functools
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar, cast
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from exercises.models import Exercise
from planner.models import (
    ExerciseLog,
    ExerciseState,
    HomeSession,
    Program,
    ProgramExercise,
    ProgramStatus,
    ProgramVersion,
    SupervisedSession,
    SupervisedStatus,
)
from planner.selectors.programs import (
    goes_home,
    home_unlocked,
    next_supervised_session,
    program_current_version,
    program_exercises,
)
from rehab.models import (
    Clinician,
    Patient,
)

# What a patient's day can be, in the order a program goes through them.
DAY_STATES = ("no_program", "not_started", "supervised", "home", "paused", "finished")


def patient_local_today(*, patient: Patient) -> date:
    """Today where the patient lives: the day their phone shows."""
    return timezone.localdate(timezone=ZoneInfo(patient.time_zone))


def patient_current_program(*, patient: Patient) -> Program | None:
    """The program a patient sees: the open one, else the last one completed.

    Drafts are the clinician's work in progress and are never shown to the patient.
    """
    programs = Program.objects.filter(patient=patient).exclude(status=ProgramStatus.DRAFT)
    return (
        programs.filter(status__in=[ProgramStatus.ACTIVE, ProgramStatus.PAUSED]).first()
        or programs.filter(status=ProgramStatus.COMPLETED).order_by("-start_date", "-id").first()
    )


def patient_program_exercise(*, patient: Patient, slug: str) -> ProgramExercise | None:
    """An exercise of the patient's current program (None for any other exercise)."""
    program = patient_current_program(patient=patient)
    if program is None:
        return None
    return (
        program_current_version(program=program)
        .exercises.select_related("exercise")
        .filter(exercise__slug=slug)
        .first()
    )


@dataclass(frozen=True)
class TodayItem:
    item: ProgramExercise
    log: ExerciseLog | None

    @property
    def logged(self) -> bool:
        return self.log is not None


@dataclass(frozen=True)
class PatientDay:
    """One day as the patient sees it (see DAY_STATES for `state`)."""

    patient: Patient
    day: date
    state: str
    program: Program | None
    home: list[TodayItem]
    next_session: SupervisedSession | None
    to_practise: list[ProgramExercise]
    paused_reason: str
    estimated_minutes: int
    # The day's walk apart from the session ({slug, name, minutes, text}); empty before home.
    activity: dict[str, Any] = field(default_factory=dict)

    @property
    def all_logged(self) -> bool:
        return bool(self.home) and all(entry.logged for entry in self.home)


def _estimated_minutes(items: Sequence[ProgramExercise]) -> int:
    seconds = sum(item.estimated_seconds for item in items)
    return max(1, round(seconds / 60)) if items else 0


def patient_today(*, patient: Patient, day: date | None = None) -> PatientDay:
    """The patient's day: home exercises with today's logs, or the next clinic session.

    A fixed number of queries whatever the number of exercises (at most six).
    """
    day = day or patient_local_today(patient=patient)
    program = patient_current_program(patient=patient)
    empty = PatientDay(patient, day, "no_program", program, [], None, [], "", 0)
    if program is None:
        return empty
    if program.status == ProgramStatus.PAUSED:
        return replace(empty, state="paused", paused_reason=program.paused_reason)
    if program.status == ProgramStatus.COMPLETED or day > program.end_date:
        return replace(empty, state="finished")
    if day < program.start_date:
        return replace(
            empty,
            state="not_started",
            next_session=next_supervised_session(program=program, after=timezone.now()),
        )
    version = program_current_version(program=program)
    items = program_exercises(version=version)
    unlocked = home_unlocked(program=program, day=day)
    home_items = [item for item in items if goes_home(item, day)] if unlocked else []
    # Matched by the library exercise, not the program item: a log made before the clinician
    # approved a new version points at the old version's item and still counts today (one
    # log per exercise a day, a database constraint).
    logs = {
        log.exercise_id: log
        for log in ExerciseLog.objects.filter(
            home_session__program=program,
            home_session__day=day,
            exercise__in=[item.exercise_id for item in home_items],
        )
    }
    to_practise = [item for item in items if item.state == ExerciseState.SUPERVISED]
    next_session = (
        next_supervised_session(program=program, after=timezone.now()) if to_practise else None
    )
    return PatientDay(
        patient=patient,
        day=day,
        state="home" if home_items else "supervised",
        program=program,
        home=[TodayItem(item, logs.get(item.exercise_id)) for item in home_items],
        next_session=next_session,
        to_practise=to_practise,
        paused_reason="",
        estimated_minutes=_estimated_minutes(home_items),
        activity=(version.activity or {}) if home_items else {},
    )


def patient_day_stamp(*, patient: Patient, day: date, now: datetime | None = None) -> str:
    """A fingerprint of everything the patient's day shows, read in one query.

    It changes whenever the day would look different: another program or status
    (with its dates, pause reason and home start, all saved with `updated_at`), a new
    version, an exercise mastered, a log of that day, a clinic session recorded or
    passed, an exercise of the library edited, the clinician's contact details, the
    patient's time zone (the times shown are the patient's). What is
    cached under it needs no invalidation: a stale entry is simply never asked for again.

    Plain SQL: the same query built with the ORM costs twenty times more to compile
    than to run, on the page patients open most.
    """
    stamp, _also = _day_stamp_and(patient=patient, day=day, now=now, also=())
    return stamp


@dataclass(frozen=True)
class DayStampRead:
    """The day's stamp as read by another query (`day_stamp_sql`, `day_stamp_params`): the
    signed-in user's own, which reads the patient's day with the user, in one round trip.

    The patient's day depends on their time zone, read by that same query, so it reads
    the candidate days (UTC's day and the days on either side: every time zone's today is
    one of them) and the stamp takes the patient's.
    """

    patient_id: int
    time_zone: str
    days: tuple[date, ...]
    values: tuple[Any, ...]  # the columns of `day_stamp_sql(days=len(days), also=...)`
    also_count: int

    def stamp_and(self, day: date) -> tuple[str, tuple[Any, ...]] | None:
        """The stamp of `day` and the values of `also`; None when `day` was not read."""
        if day not in self.days:
            return None
        shared = self.values[:_SHARED_COLUMNS]
        logs = self.values[_SHARED_COLUMNS + self.days.index(day)]
        also = self.values[len(self.values) - self.also_count :] if self.also_count else ()
        return _stamp(self.patient_id, self.time_zone, day, (*shared, logs)), tuple(also)


def stamp_candidate_days(now: datetime | None = None) -> tuple[date, date, date]:
    """The days that are someone's today at `now`: UTC's day and the days on either side
    (time zones run from 12 hours behind UTC to 14 ahead)."""
    utc_day = (now or timezone.now()).astimezone(UTC).date()
    return (utc_day - timedelta(days=1), utc_day, utc_day + timedelta(days=1))


def day_stamp_params(*, days: Sequence[date], now: datetime | None = None) -> dict[str, Any]:
    """The parameters of `day_stamp_sql` (named: `%(day0)s`, `%(now)s`, ...)."""
    ops = connection.ops
    params: dict[str, Any] = {
        f"day{index}": ops.adapt_datefield_value(day) for index, day in enumerate(days)
    }
    params.update(
        now=ops.adapt_datetimefield_value(now or timezone.now()),
        draft=ProgramStatus.DRAFT.value,
        mastered=ExerciseState.MASTERED.value,
        planned=SupervisedStatus.PLANNED.value,
    )
    return params


def day_stamp_read(
    *, patient_id: int | None, time_zone: str, days: Sequence[date], values: Sequence[Any]
) -> DayStampRead | None:
    """The read of another query's columns of `day_stamp_sql` (None without a patient)."""
    if patient_id is None:
        return None
    also_count = len(values) - _SHARED_COLUMNS - len(days)
    return DayStampRead(patient_id, time_zone, tuple(days), tuple(values), also_count)


def _stamp(patient_id: int, time_zone: str, day: date, values: tuple[Any, ...]) -> str:
    return f"{patient_id}|{day.isoformat()}|{time_zone}|{values!r}"


def _day_stamp_and(
    *,
    patient: Patient,
    day: date,
    now: datetime | None,
    also: tuple[str, ...],
    read: DayStampRead | None = None,
) -> tuple[str, tuple[Any, ...]]:
    # The stamp, and the values of `also` read by the same query (not part of the stamp).
    if (
        read is not None
        and read.patient_id == patient.pk
        and read.time_zone == patient.time_zone
        and read.also_count == len(also)
    ):
        found = read.stamp_and(day)
        if found is not None:
            return found
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(day_stamp_sql(days=1, also=also))} "
            f"FROM {quote(Patient._meta.db_table)} p WHERE p.id = %(patient)s",
            {"patient": patient.pk, **day_stamp_params(days=[day], now=now)},
        )
        row = cursor.fetchone()
    if row is None:
        raise Patient.DoesNotExist(patient.pk)
    values, also_values = row[: len(row) - len(also)], row[len(row) - len(also) :]
    return _stamp(patient.pk, patient.time_zone, day, tuple(values)), tuple(also_values)


# The stamp's columns that are the same whatever the day (the day's logs follow them).
_SHARED_COLUMNS = 7


@functools.cache
def day_stamp_sql(*, days: int, also: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The SQL expressions of the day's stamp, for a query over the patient's row as `p`:
    the columns shared by every day, then one for each of `days` candidate days
    (`%(day0)s`, ...), then `also` (expressions a response reads with the stamp, such as
    the count of unread notifications, that are not part of it). Scalar subqueries
    only, so a query of the patient's row can take them as they are.
    """
    quote = connection.ops.quote_name
    table = {
        model.__name__: quote(model._meta.db_table)
        for model in (
            Clinician,
            Program,
            ProgramVersion,
            ProgramExercise,
            HomeSession,
            ExerciseLog,
            SupervisedSession,
            Exercise,
        )
    }
    user = quote(get_user_model()._meta.db_table)
    clinician = (
        f"FROM {table['Clinician']} c JOIN {user} cu ON c.user_id = cu.id "
        "WHERE c.id = p.clinician_id"
    )
    programs = f"FROM {table['Program']} pr WHERE pr.patient_id = p.id AND pr.status <> %(draft)s"
    items = (
        f"FROM {table['ProgramExercise']} e "
        f"JOIN {table['ProgramVersion']} v ON e.version_id = v.id "
        f"JOIN {table['Program']} pr ON v.program_id = pr.id WHERE pr.patient_id = p.id"
    )
    sessions = (
        f"FROM {table['SupervisedSession']} s JOIN {table['Program']} pr ON s.program_id = pr.id "
        "WHERE pr.patient_id = p.id AND s.status = %(planned)s"
    )

    def text(value: str, size: int = 40) -> str:
        return f"COALESCE(CAST({value} AS VARCHAR({size})), '')"

    def spelled(*values: str) -> str:
        # Each value with its length in front: no two different lists read the same.
        return " || ".join(f"CAST(LENGTH({v}) AS VARCHAR(10)) || ':' || {v}" for v in values)

    # Few subqueries, each reading what it needs in one text value: every subquery costs
    # PostgreSQL a plan node to start and run.
    shared = (
        f"(SELECT {spelled('c.phone', 'c.title', 'cu.first_name', 'cu.last_name')} {clinician})",
        f"(SELECT {text('COUNT(*)')} || '|' || {text('MAX(pr.updated_at)')} {programs})",
        f"(SELECT MAX(v.id) FROM {table['ProgramVersion']} v "
        f"JOIN {table['Program']} pr ON v.program_id = pr.id WHERE pr.patient_id = p.id)",
        f"(SELECT {text('SUM(CASE WHEN e.state = %(mastered)s THEN 1 ELSE 0 END)')} || '|' || "
        f"{text('MAX(e.mastered_on)')} {items})",
        f"(SELECT {text('COUNT(*)')} || '|' || "
        f"{text('MIN(CASE WHEN s.scheduled_for >= %(now)s THEN s.scheduled_for END)')} "
        f"{sessions})",
        f"(SELECT MAX(x.updated_at) FROM {table['Exercise']} x)",
        # The patient's own row: a change of the clinician, say.
        "p.clinician_id",
    )
    assert len(shared) == _SHARED_COLUMNS
    # A day's logs: how many and the last one, in one column.
    logs = tuple(
        f"(SELECT CAST(COUNT(*) AS VARCHAR(20)) || ':' || CAST(COALESCE(MAX(l.id), 0) AS "
        f"VARCHAR(20)) FROM {table['ExerciseLog']} l "
        f"JOIN {table['HomeSession']} h ON l.home_session_id = h.id "
        f"JOIN {table['Program']} pr ON h.program_id = pr.id "
        f"WHERE pr.patient_id = p.id AND h.day = %(day{index})s)"
        for index in range(days)
    )
    return (*shared, *logs, *also)


T = TypeVar("T")


# How long a rendered day is kept at most; a changed day has a new stamp long before that.
DAY_CACHE_SECONDS = 6 * 3600


def patient_day_cached(
    *,
    patient: Patient,
    variant: str,
    render: Callable[[PatientDay], T],
    read: DayStampRead | None = None,
) -> T:
    """`render(patient_today(...))`, kept in the cache under the day's stamp.

    Today is the page patients open most; while nothing it shows has changed, the
    rendered day comes from the cache after one query. `variant` tells apart what is
    kept for the same day (the API's data, the page in each language). `read`: see
    `patient_day_cached_and`.
    """
    rendered, _also = patient_day_cached_and(
        patient=patient, variant=variant, render=render, also=(), read=read
    )
    return rendered


def patient_day_cached_and(
    *,
    patient: Patient,
    variant: str,
    render: Callable[[PatientDay], T],
    also: tuple[str, ...],
    read: DayStampRead | None = None,
) -> tuple[T, tuple[Any, ...]]:
    """`patient_day_cached`, with the values of `also` read by the stamp's own query.

    `also` holds SQL expressions (scalar subqueries, which may use the patient's row as
    `p`) of what a response shows beside the cached day and puts in per request, such
    as the page's count of unread notifications: one round trip to the database fewer
    on every visit. They are not part of the stamp, so they do not empty the cache.

    `read`: the stamp and `also` as the signed-in user's own query read them
    (`DayStampRead`); then there is no query here at all.
    """
    day = patient_local_today(patient=patient)
    stamp, also_values = _day_stamp_and(patient=patient, day=day, now=None, also=also, read=read)
    key = "patient-day:" + hashlib.sha256(f"{variant}|{stamp}".encode()).hexdigest()
    rendered = cache.get(key)
    if rendered is None:
        rendered = render(patient_today(patient=patient, day=day))
        cache.set(key, rendered, DAY_CACHE_SECONDS)
    return cast(T, rendered), also_values
