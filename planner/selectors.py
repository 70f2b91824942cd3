"""Reads that turn database rows into the engine's plain inputs."""

import functools
import hashlib
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any, TypeVar, cast
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from exercises.models import Exercise
from planner.engine.dose import exercise_seconds
from planner.engine.types import (
    CatalogueExercise,
    CautionAction,
    DiagnosisInput,
    Dose,
    Fitness,
    PatientProfile,
    Risk,
    Rule,
    Sex,
    Stage,
)
from planner.models import (
    ContraindicationRule,
    ExerciseLog,
    ExerciseState,
    HomeSession,
    Program,
    ProgramExercise,
    ProgramStatus,
    ProgramVersion,
    ReviewItem,
    ReviewProposal,
    SessionLog,
    SupervisedExerciseRecord,
    SupervisedSession,
    SupervisedStatus,
)
from rehab.models import (
    BodyComposition,
    Clinician,
    OswestryAssessment,
    PainAssessment,
    Patient,
    PatientComorbidity,
    PatientDiagnosis,
    PatientRedFlag,
    StartBackAssessment,
)
from rehab.selectors import patient_list, patient_visible_to


def engine_catalogue() -> tuple[CatalogueExercise, ...]:
    """Active exercises with their tags, indications and variant links, in three queries."""
    exercises = (
        Exercise.objects.filter(is_active=True)
        .select_related("harder_variant", "easier_variant")
        .prefetch_related("movement_tags", "indications")
        .order_by("slug")
    )
    return tuple(
        CatalogueExercise(
            slug=ex.slug,
            name=ex.name,
            category=ex.category,
            difficulty=ex.difficulty,
            tags=frozenset(tag.code for tag in ex.movement_tags.all()),
            indications=frozenset(dx.code for dx in ex.indications.all()),
            dose=ex.default_dose,
            dose_min=ex.min_dose,
            dose_max=ex.max_dose,
            seconds_per_rep=ex.seconds_per_rep,
            easier=_active_slug(getattr(ex, "easier_variant", None)),
            harder=_active_slug(ex.harder_variant),
        )
        for ex in exercises
    )


def _active_slug(exercise: Exercise | None) -> str | None:
    return exercise.slug if exercise is not None and exercise.is_active else None


def engine_rules() -> tuple[Rule, ...]:
    return tuple(rule_from_row(row) for row in ContraindicationRule.objects.filter(is_active=True))


def rule_from_row(row: ContraindicationRule) -> Rule:
    return Rule(
        id=row.rule_id,
        explanation=row.explanation,
        comorbidities=frozenset(row.comorbidities),
        diagnoses=frozenset(row.diagnoses),
        diagnosis_stages=frozenset(row.diagnosis_stages),
        any_diagnosis_in_stages=frozenset(row.any_diagnosis_in_stages),
        pregnancy_min_weeks=row.pregnancy_min_weeks,
        min_age=row.min_age,
        block_tags=frozenset(row.block_tags),
        max_difficulty=row.max_difficulty,
        caution_tags=frozenset(row.caution_tags),
        low_fitness_caution_tags=frozenset(row.low_fitness_caution_tags),
        caution_action=cast(CautionAction, row.caution_action),
        low_fitness_caution_action=cast(CautionAction, row.low_fitness_caution_action),
        max_hold_s=row.max_hold_s,
        max_hold_tags=frozenset(row.max_hold_tags),
        max_rpe=row.max_rpe,
        adds_exercise=row.adds_exercise or None,
        adds_category=row.adds_category or None,
        adds_without_tags=frozenset(row.adds_without_tags),
    )


# -- Patients as engine profiles, and what a day holds ------------------------------------------


BODY_COMPOSITION_VALID_DAYS = 183  # "the last 6 months"


def patient_profile(*, patient: Patient, on: date | None = None) -> PatientProfile:
    """The engine's view of a patient's records on a day."""
    return patient_profiles(patients=[patient], on=on)[patient.pk]


def patient_profiles(
    *, patients: Sequence[Patient], on: date | None = None
) -> dict[int, PatientProfile]:
    """Engine profiles for many patients in three queries, by patient id."""
    today = on or timezone.localdate()
    ids = [patient.pk for patient in patients]
    diagnoses: dict[int, list[DiagnosisInput]] = defaultdict(list)
    for patient_id, code, side, stage in (
        PatientDiagnosis.objects.filter(patient__in=ids)
        .order_by("patient", "diagnosis__code")
        .values_list("patient", "diagnosis__code", "side", "stage")
    ):
        diagnoses[patient_id].append(DiagnosisInput(code, side, cast(Stage, stage)))
    comorbidities: dict[int, set[str]] = defaultdict(set)
    for patient_id, code in PatientComorbidity.objects.filter(patient__in=ids).values_list(
        "patient", "comorbidity__code"
    ):
        comorbidities[patient_id].add(code)
    red_flags: dict[int, set[str]] = defaultdict(set)
    for patient_id, code in PatientRedFlag.objects.filter(
        patient__in=ids, status=PatientRedFlag.Status.ACTIVE
    ).values_list("patient", "red_flag__code"):
        red_flags[patient_id].add(code)
    # The latest STarT Back score on or before the day: one query, newest first per patient.
    start_back: dict[int, Risk] = {}
    for row in StartBackAssessment.objects.filter(patient__in=ids, assessed_on__lte=today).order_by(
        "patient", "-assessed_on", "-id"
    ):
        start_back.setdefault(row.patient_id, cast(Risk, row.result.risk))
    # D-MUSCLE and A-FAT read the latest body composition of the last 6 months.
    body: dict[int, tuple[bool, float]] = {}
    for patient_id, low_muscle, fat in (
        BodyComposition.objects.filter(
            patient__in=ids,
            assessed_on__lte=today,
            assessed_on__gt=today - timedelta(days=BODY_COMPOSITION_VALID_DAYS),
        )
        .order_by("patient", "-assessed_on", "-id")
        .values_list("patient", "muscle_mass_low", "fat_percent")
    ):
        body.setdefault(patient_id, (bool(low_muscle), float(fat)))
    return {
        patient.pk: PatientProfile(
            start_back=start_back.get(patient.pk),
            low_muscle_mass=body.get(patient.pk, (False, None))[0],
            fat_percent=body.get(patient.pk, (False, None))[1],
            age=patient.age(today),
            sex=cast(Sex, patient.sex),
            fitness=cast(Fitness, patient.fitness_level),
            diagnoses=tuple(diagnoses[patient.pk]),
            comorbidities=frozenset(comorbidities[patient.pk]),
            red_flags=tuple(sorted(red_flags[patient.pk])),
            bmi=float(patient.bmi),
            pregnancy_weeks=patient.gestational_weeks(today),
        )
        for patient in patients
    }


def program_current_version(*, program: Program) -> ProgramVersion:
    version = program.versions.order_by("-number").first()
    if version is None:
        raise ProgramVersion.DoesNotExist(f"Program {program.pk} has no version.")
    return version


def program_exercises(*, version: ProgramVersion) -> list[ProgramExercise]:
    return list(version.exercises.select_related("exercise").order_by("position"))


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
    return [item for item in program_exercises(version=version) if _goes_home(item, day)]


def _goes_home(item: ProgramExercise, day: date) -> bool:
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
        home = [item for item in items if _goes_home(item, day)] if unlocked else []
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
    ):
        if number == latest.get(program_id) and mastered_on is not None:
            seconds = exercise_seconds(Dose(sets, reps, hold, duration), per_rep)
            home_items[program_id].append((mastered_on, seconds))
    logged = set(
        ExerciseLog.objects.filter(
            home_session__program__in=ids, home_session__day__range=(first, last), done=True
        ).values_list("home_session__program", "home_session__day")
    )
    return HomeDays(dict(home_items), logged)


# -- The patient's own view: today, the calendar, progress ---------------------------------------

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
    home_items = [item for item in items if _goes_home(item, day)] if unlocked else []
    logs = {
        log.program_exercise_id: log
        for log in ExerciseLog.objects.filter(
            home_session__program=program,
            home_session__day=day,
            program_exercise__in=[item.pk for item in home_items],
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
        home=[TodayItem(item, logs.get(item.pk)) for item in home_items],
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
    ops = connection.ops
    with connection.cursor() as cursor:
        cursor.execute(
            _stamp_sql(),
            {
                "patient": patient.pk,
                "day": ops.adapt_datefield_value(day),
                "now": ops.adapt_datetimefield_value(now or timezone.now()),
                "draft": ProgramStatus.DRAFT.value,
                "mastered": ExerciseState.MASTERED.value,
                "planned": SupervisedStatus.PLANNED.value,
            },
        )
        values = cursor.fetchone()
    return f"{patient.pk}|{day.isoformat()}|{values!r}"


@functools.cache
def _stamp_sql() -> str:
    quote = connection.ops.quote_name
    table = {
        model.__name__: quote(model._meta.db_table)
        for model in (
            Patient,
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
    programs = f"FROM {table['Program']} pr WHERE pr.patient_id = p.id AND pr.status <> %(draft)s"
    items = (
        f"FROM {table['ProgramExercise']} e "
        f"JOIN {table['ProgramVersion']} v ON e.version_id = v.id "
        f"JOIN {table['Program']} pr ON v.program_id = pr.id WHERE pr.patient_id = p.id"
    )
    logs = (
        f"FROM {table['ExerciseLog']} l "
        f"JOIN {table['HomeSession']} h ON l.home_session_id = h.id "
        f"JOIN {table['Program']} pr ON h.program_id = pr.id "
        "WHERE pr.patient_id = p.id AND h.day = %(day)s"
    )
    sessions = (
        f"FROM {table['SupervisedSession']} s JOIN {table['Program']} pr ON s.program_id = pr.id "
        "WHERE pr.patient_id = p.id AND s.status = %(planned)s"
    )
    return (
        "SELECT p.time_zone, c.phone, c.title, u.first_name, u.last_name, "
        f"(SELECT COUNT(*) {programs}), (SELECT MAX(pr.updated_at) {programs}), "
        f"(SELECT MAX(v.id) FROM {table['ProgramVersion']} v "
        f"JOIN {table['Program']} pr ON v.program_id = pr.id WHERE pr.patient_id = p.id), "
        f"(SELECT COUNT(*) {items} AND e.state = %(mastered)s), "
        f"(SELECT MAX(e.mastered_on) {items}), "
        f"(SELECT COUNT(*) {logs}), (SELECT MAX(l.id) {logs}), "
        f"(SELECT COUNT(*) {sessions}), "
        f"(SELECT MIN(s.scheduled_for) {sessions} AND s.scheduled_for >= %(now)s), "
        f"(SELECT MAX(x.updated_at) FROM {table['Exercise']} x) "
        f"FROM {table['Patient']} p JOIN {table['Clinician']} c ON p.clinician_id = c.id "
        f"JOIN {user} u ON c.user_id = u.id WHERE p.id = %(patient)s"
    )


T = TypeVar("T")
# How long a rendered day is kept at most; a changed day has a new stamp long before that.
DAY_CACHE_SECONDS = 6 * 3600


def patient_day_cached(*, patient: Patient, variant: str, render: Callable[[PatientDay], T]) -> T:
    """`render(patient_today(...))`, kept in the cache under the day's stamp.

    Today is the page patients open most; while nothing it shows has changed, the
    rendered day comes from the cache after one query. `variant` tells apart what is
    kept for the same day (the API's data, the page in each language).
    """
    day = patient_local_today(patient=patient)
    stamp = patient_day_stamp(patient=patient, day=day)
    key = "patient-day:" + hashlib.sha256(f"{variant}|{stamp}".encode()).hexdigest()
    rendered = cache.get(key)
    if rendered is None:
        rendered = render(patient_today(patient=patient, day=day))
        cache.set(key, rendered, DAY_CACHE_SECONDS)
    return cast(T, rendered)


# What a day of the calendar was or will be for the patient.
CALENDAR_STATUSES = ("done", "partial", "missed", "today", "upcoming", "rest")


@dataclass(frozen=True)
class CalendarDay:
    day: date
    status: str
    planned: int
    done: int
    supervised: list[SupervisedSession]


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
    *, patient: Patient, first: date | None = None, last: date | None = None
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
    done = _done_by_day(program, first, last)
    return [
        CalendarDay(
            day=entry.day,
            status=_day_status(entry.day, today, len(entry.home), done.get(entry.day, 0)),
            planned=len(entry.home),
            done=done.get(entry.day, 0),
            supervised=entry.supervised,
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


# -- The clinic's lists: patients with their programs, sessions, reviews, by ownership ---------

# `program_status` of a patient with no program at all.
NO_PROGRAM = "none"


def patient_search(
    *,
    user: Any,
    search: str = "",
    diagnosis: str = "",
    red_flag: bool | None = None,
    program_status: str = "",
) -> QuerySet[Patient]:
    """The clinician's patients (patient_list and its columns), narrowed by the filters.

    Each row also carries `program_status`: the status of the patient's newest program,
    a draft included, or None without one (filter with NO_PROGRAM). Every word of
    `search` must be part of the first or the last name. A fixed number of queries
    whatever the number of patients.
    """
    newest = Program.objects.filter(patient=OuterRef("pk")).order_by("-id").values("status")
    patients = patient_list(user=user).annotate(program_status=Subquery(newest[:1]))
    for word in search.split():
        patients = patients.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
    if diagnosis:
        patients = patients.filter(
            Exists(
                PatientDiagnosis.objects.filter(patient=OuterRef("pk"), diagnosis__code=diagnosis)
            )
        )
    if red_flag is not None:
        flagged = Exists(
            PatientRedFlag.objects.filter(
                patient=OuterRef("pk"), status=PatientRedFlag.Status.ACTIVE
            )
        )
        patients = patients.filter(flagged if red_flag else ~flagged)
    if program_status == NO_PROGRAM:
        patients = patients.filter(program_status__isnull=True)
    elif program_status:
        patients = patients.filter(program_status=program_status)
    return patients.order_by("last_name", "first_name", "id")


def patient_chart_list(*, user: Any) -> QuerySet[Patient]:
    """patient_search's rows with their comorbidities (`comorbidity_rows`), for one chart."""
    return patient_search(user=user).prefetch_related(
        Prefetch(
            "comorbidities",
            queryset=PatientComorbidity.objects.select_related("comorbidity").order_by("id"),
            to_attr="comorbidity_rows",
        )
    )


def program_latest(*, patient: Patient) -> Program | None:
    """The clinician's view of a patient's program: the newest, a draft included, with
    `version_number` (its current version)."""
    return (
        Program.objects.filter(patient=patient)
        .annotate(version_number=Max("versions__number"))
        .order_by("-id")
        .first()
    )


def program_visible_to(*, user: Any) -> QuerySet[Program]:
    """Programs of the patients the user may see (patient_visible_to)."""
    return Program.objects.filter(patient__in=patient_visible_to(user=user)).select_related(
        "patient"
    )


def supervised_session_visible_to(*, user: Any) -> QuerySet[SupervisedSession]:
    return SupervisedSession.objects.filter(
        program__patient__in=patient_visible_to(user=user)
    ).select_related("program__patient")


def supervised_session_list(*, program: Program) -> QuerySet[SupervisedSession]:
    """A program's clinic sessions with what was recorded of each exercise (two queries)."""
    return (
        SupervisedSession.objects.filter(program=program)
        .select_related("program__patient")
        .prefetch_related(
            Prefetch(
                "records",
                queryset=SupervisedExerciseRecord.objects.select_related(
                    "program_exercise__exercise"
                ).order_by("program_exercise__position", "id"),
            )
        )
        .order_by("number")
    )


def review_list(*, user: Any, status: str = "") -> QuerySet[ReviewProposal]:
    """Weekly reviews of the user's patients, newest week first, with their items."""
    reviews = ReviewProposal.objects.filter(program__patient__in=patient_visible_to(user=user))
    if status:
        reviews = reviews.filter(status=status)
    return (
        reviews.select_related("program__patient")
        .prefetch_related(
            Prefetch(
                "items",
                queryset=ReviewItem.objects.select_related(
                    "program_exercise__exercise", "new_exercise"
                ).order_by("program_exercise__position", "id"),
            )
        )
        .order_by("-week_start", "-id")
    )


def session_log_entries(*, log: SessionLog) -> list[ExerciseLog]:
    """What one submission from the patient's phone stored, in the order it was stored."""
    return list(log.entries.select_related("exercise", "home_session").order_by("id"))
