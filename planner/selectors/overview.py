"""One patient at a glance, for their clinician: the program, the scores and logs over
time, the clinic sessions, the alerts and the program's versions, read in a fixed number
of queries whatever the length of the history."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Max

from planner.models import (
    ExerciseLog,
    PatientEvent,
    Program,
    ProgramVersion,
    SupervisedSession,
)
from planner.selectors.clinic import program_latest, supervised_session_list
from planner.selectors.clinician_logs import LogDay, LogRange, patient_home_log
from planner.selectors.history import PainPoint, WeekAdherence, patient_progress
from rehab.models import (
    FitnessTest,
    OswestryAssessment,
    Patient,
    PatientRedFlag,
    StartBackAssessment,
)

# The newest alerts shown; older ones stay in the record of care.
EVENTS_SHOWN = 50


@dataclass(frozen=True)
class DailyPain:
    """The highest pain the patient logged on one day, during and after the exercises."""

    day: date
    during: int | None
    after: int | None


@dataclass(frozen=True)
class PatientOverview:
    patient: Patient
    program: Program | None  # the newest, a draft included, with `version_number`
    versions: list[ProgramVersion]  # of that program, newest first
    sessions: list[SupervisedSession]  # of that program, with their records, by number
    pain: list[DailyPain]  # every logged day, oldest first
    clinic_pain: list[PainPoint]  # the clinic's pain scores, oldest first
    adherence: list[WeekAdherence]  # weeks of the current program
    odi: list[OswestryAssessment]  # oldest first
    start_back: list[StartBackAssessment]  # oldest first
    fitness: list[FitnessTest]  # oldest first
    red_flags: list[PatientRedFlag]  # active and resolved, newest first
    events: list[PatientEvent]  # the newest EVENTS_SHOWN, newest first
    days: LogRange
    log: list[LogDay]  # the home log of `days`, newest day first


def patient_daily_pain(*, patient: Patient) -> list[DailyPain]:
    """Each logged day's highest pain during and after the exercises (one query)."""
    rows = (
        ExerciseLog.objects.filter(home_session__program__patient=patient)
        .exclude(pain_during__isnull=True, pain_after__isnull=True)
        .values_list("home_session__day")
        .annotate(during=Max("pain_during"), after=Max("pain_after"))
        .order_by("home_session__day")
    )
    return [DailyPain(day, during, after) for day, during, after in rows]


def patient_overview(*, patient: Patient, days: LogRange) -> PatientOverview:
    """Everything the clinician's overview of one patient shows (about twenty queries,
    however many days, logs, scores or sessions there are)."""
    program = program_latest(patient=patient)
    versions: list[ProgramVersion] = []
    sessions: list[SupervisedSession] = []
    if program is not None:
        program.patient = patient
        versions = list(
            ProgramVersion.objects.filter(program=program)
            .select_related("created_by")
            .order_by("-number")
        )
        sessions = list(supervised_session_list(program=program))
    progress = patient_progress(patient=patient)
    fitness = list(FitnessTest.objects.filter(patient=patient).order_by("assessed_on", "id"))
    for test in fitness:
        test.patient = patient  # its fitness level reads the patient's age and sex
    return PatientOverview(
        patient=patient,
        program=program,
        versions=versions,
        sessions=sessions,
        pain=patient_daily_pain(patient=patient),
        clinic_pain=[point for point in progress.pain if point.source == "clinic"],
        adherence=progress.adherence,
        odi=list(OswestryAssessment.objects.filter(patient=patient).order_by("assessed_on", "id")),
        start_back=list(
            StartBackAssessment.objects.filter(patient=patient).order_by("assessed_on", "id")
        ),
        fitness=fitness,
        red_flags=list(
            PatientRedFlag.objects.filter(patient=patient)
            .select_related("red_flag", "noted_by", "resolved_by")
            .order_by("-noted_at", "-id")
        ),
        events=list(
            PatientEvent.objects.filter(patient=patient).order_by("-created_at", "-id")[
                :EVENTS_SHOWN
            ]
        ),
        days=days,
        log=patient_home_log(patient=patient, days=days),
    )
