"""A program's current contents and its schedule: home days, clinic sessions."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Max

from exercises.models import library_base_language
from exercises.selectors import TRANSLATIONS_PREFETCH, reading_language
from planner.engine.dose import displayed_dose, exercise_seconds
from planner.engine.types import (
    Dose,
)
from planner.models import (
    ExerciseLog,
    ExerciseState,
    Program,
    ProgramExercise,
    ProgramStatus,
    ProgramVersion,
    SupervisedSession,
    SupervisedStatus,
)


def program_current_version(*, program: Program) -> ProgramVersion:
    version = program.versions.order_by("-number").first()
    if version is None:
        raise ProgramVersion.DoesNotExist(f"Program {program.pk} has no version.")
    return version


def program_exercises(
    *, version: ProgramVersion, language: str | None = None
) -> list[ProgramExercise]:
    """The version's exercises in order, with the library's rows, and their translations
    when they are read in another language than the library's own: `language`, by default
    the active one (the patient's; `exercises.selectors.exercise_text`). In English there
    is nothing to read, and no query for it."""
    items = version.exercises.select_related("exercise").order_by("position")
    if reading_language(language) != library_base_language():
        items = items.prefetch_related(f"exercise__{TRANSLATIONS_PREFETCH}")
    return list(items)


def home_unlocked(*, program: Program, day: date) -> bool:
    """Has home training begun by this day? (CLINICAL.md, HOME_UNLOCK)"""
    return program.home_started_on is not None and day >= program.home_started_on


def home_session_exercises(
    *, program: Program, day: date, version: ProgramVersion | None = None
) -> list[ProgramExercise]:
    """The exercises of a day's home session: only mastered ones, only once home is unlocked.

    An empty list before unlock means the patient's day shows the next supervised
    session instead.
    """
    if program.status != ProgramStatus.ACTIVE or not program.covers(day):
        return []
    if not home_unlocked(program=program, day=day):
        return []
    version = version or program_current_version(program=program)
    return [item for item in program_exercises(version=version) if goes_home(item, day)]


def goes_home(item: ProgramExercise, day: date) -> bool:
    """Mastered by that day, and no rule keeps it at the clinic."""
    return (
        item.state == ExerciseState.MASTERED
        and not item.supervised_only
        and item.mastered_on is not None
        and item.mastered_on <= day
    )


def next_supervised_session(*, program: Program, after: datetime) -> SupervisedSession | None:
    return (
        program.supervised_sessions.filter(
            status=SupervisedStatus.PLANNED, scheduled_for__gte=after
        )
        .order_by("scheduled_for")
        .first()
    )


@dataclass(frozen=True)
class ScheduleDay:
    day: date
    home: list[ProgramExercise]
    supervised: list[SupervisedSession]


def program_schedule(*, program: Program) -> list[ScheduleDay]:
    """Every day of the program: its home exercises and supervised sessions (four queries)."""
    version = program_current_version(program=program)
    items = program_exercises(version=version)
    sessions: dict[date, list[SupervisedSession]] = {}
    zone = ZoneInfo(program.patient.time_zone)
    for session in program.supervised_sessions.order_by("scheduled_for"):
        sessions.setdefault(session.scheduled_for.astimezone(zone).date(), []).append(session)
    days = []
    for offset in range(program.weeks * 7):
        day = program.start_date + timedelta(days=offset)
        unlocked = program.status == ProgramStatus.ACTIVE and home_unlocked(
            program=program, day=day
        )
        home = [item for item in items if goes_home(item, day)] if unlocked else []
        days.append(ScheduleDay(day, home, sessions.get(day, [])))
    return days


@dataclass(frozen=True)
class HomeDays:
    """The home days of many programs over a range of dates, read in bulk (three queries)."""

    # program id -> (mastered on, estimated seconds) of each home exercise of its current version
    home_items: dict[int, list[tuple[date, int]]]
    logged: set[tuple[int, date]]  # (program id, day) with a log

    def exercises_on(self, program: Program, day: date) -> tuple[int, int]:
        """How many home exercises the day holds, and their minutes."""
        if program.home_started_on is None or day < program.home_started_on:
            return 0, 0
        if not program.covers(day):
            return 0, 0
        items = [s for on, s in self.home_items.get(program.pk, []) if on <= day]
        return len(items), round(sum(items) / 60)

    def is_logged(self, program: Program, day: date) -> bool:
        return (program.pk, day) in self.logged


def home_days(*, programs: Sequence[Program], first: date, last: date) -> HomeDays:
    """What reminders and adherence need to know of each program's days from `first` to `last`."""
    ids = [p.pk for p in programs]
    latest = dict(
        ProgramVersion.objects.filter(program__in=ids)
        .values("program")
        .annotate(latest=Max("number"))
        .values_list("program", "latest")
    )
    home_items: dict[int, list[tuple[date, int]]] = defaultdict(list)
    for (
        program_id,
        number,
        mastered_on,
        sets,
        reps,
        hold,
        duration,
        per_rep,
        per_side,
        max_hold,
        max_duration,
    ) in ProgramExercise.objects.filter(
        version__program__in=ids,
        state=ExerciseState.MASTERED,
        supervised_only=False,
        mastered_on__isnull=False,
    ).values_list(
        "version__program",
        "version__number",
        "mastered_on",
        "sets",
        "reps",
        "hold_s",
        "duration_s",
        "exercise__seconds_per_rep",
        "exercise__per_side",
        "exercise__max_hold_s",
        "exercise__max_duration_s",
    ):
        if number == latest.get(program_id) and mastered_on is not None:
            ceiling = Dose(0, 0, max_hold, max_duration)
            shown = displayed_dose(Dose(sets, reps, hold, duration), ceiling)
            seconds = exercise_seconds(shown, per_rep, per_side=per_side)
            home_items[program_id].append((mastered_on, seconds))
    logged = set(
        ExerciseLog.objects.filter(
            home_session__program__in=ids, home_session__day__range=(first, last), done=True
        ).values_list("home_session__program", "home_session__day")
    )
    return HomeDays(dict(home_items), logged)
