"""The simulated course: the patient created from a profile, the course run, all of it undone."""

import math
import secrets
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from planner import services
from planner.engine.profile import parse_profile
from planner.engine.types import PatientProfile
from planner.models import SupervisedSession
from planner.simulate.clinic import (
    MASTERED_AT_SESSION,
    SUPERVISED_COURSE_LENGTH,
    SUPERVISED_PER_WEEK,
    SimulationError,
)
from planner.simulate.home import HomeWeeks
from planner.simulate.patterns import PATTERNS, DayLog
from rehab import services as rehab_services
from rehab.models import (
    BodyComposition,
    Comorbidity,
    Diagnosis,
    Patient,
    RedFlag,
    StartBackAssessment,
)

MIN_WEEKS, MAX_WEEKS = 1, 26  # a program lasts at most 26 weeks
HEIGHT_CM = 170
# Without a BMI in the profile, a weight under BMI 25, so that no rule follows from a
# made-up weight.
DEFAULT_BMI = 23.0


def simulate_course(
    *,
    profile_data: Mapping[str, Any],
    weeks: int,
    pattern: str,
    start: date,
    logs: Sequence[DayLog | None] | None = None,
) -> dict[str, Any]:
    """The course as JSON-ready data: {"weeks": [...]}, one entry per home week.

    `logs`, when given, replaces the pattern: what the patient logs on home day i (None:
    skipped; past its end: skipped), so tests can drive any log sequence.

    Raises ProfileError for a bad profile and SimulationError for anything else that
    stops the course. Writes nothing that lasts.
    """
    if pattern not in PATTERNS:
        raise SimulationError(f"Unknown pattern {pattern!r}; valid: {', '.join(PATTERNS)}.")
    if not MIN_WEEKS <= weeks <= MAX_WEEKS:
        raise SimulationError(f"weeks must be between {MIN_WEEKS} and {MAX_WEEKS}, got {weeks}.")
    profile = parse_profile(
        profile_data,
        diagnoses=set(Diagnosis.objects.values_list("code", flat=True)),
        comorbidities=set(Comorbidity.objects.values_list("code", flat=True)),
        red_flags=set(RedFlag.objects.values_list("code", flat=True)),
    )
    if profile.red_flags:
        raise SimulationError(
            "The simulation is of a course without red flags; with "
            f"{', '.join(profile.red_flags)} there is no home program (see plan_preview)."
        )
    with transaction.atomic():
        try:
            course = _Course(profile, weeks=weeks, pattern=pattern, start=start, logs=logs)
            weeks_out = course.run()
        finally:
            # Whatever happened, nothing of the simulation stays, and on_commit never fires.
            transaction.set_rollback(True)
    return {"weeks": weeks_out}


def _birth_date(age: int, on: date) -> date:
    """Born `age` years before `on` to the day, so the age holds for the whole course."""
    try:
        return on.replace(year=on.year - age)
    except ValueError:  # 29 February
        return on.replace(year=on.year - age, day=28)


def _weight_kg(bmi: float | None) -> Decimal:
    metres = Decimal(HEIGHT_CM) / 100
    value = Decimal(str(DEFAULT_BMI if bmi is None else bmi)) * metres * metres
    return value.quantize(Decimal("0.1"), ROUND_HALF_UP)


def _messages(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(
            f"{field}: {' '.join(str(m) for m in errors)}"
            for field, errors in error.message_dict.items()
        )
    return " ".join(str(m) for m in error.messages)


class _Course(HomeWeeks):
    """The whole course: the patient created, the program approved, the supervised phase,
    then each home week."""

    def __init__(
        self,
        profile: PatientProfile,
        *,
        weeks: int,
        pattern: str,
        start: date,
        logs: Sequence[DayLog | None] | None = None,
    ) -> None:
        self.profile = profile
        self.logs = logs
        self.weeks = weeks
        self.pattern = pattern
        self.start = start
        self.seen_alerts: set[int] = set()
        # When the exercises a review sent back to supervision are signed off, and where.
        self.mastery_due: tuple[date, SupervisedSession | None] | None = None
        self.recheck_changes: list[dict[str, str]] = []

    def run(self) -> list[dict[str, Any]]:
        self.step = "creating the patient"
        try:
            return self._run()
        except ValidationError as error:
            raise SimulationError(f"Stopped while {self.step}: {_messages(error)}") from None

    def _run(self) -> list[dict[str, Any]]:
        self._create_patient()
        self.step = "generating the program"
        # As the approval just below lays them out: the clinic's slots, from the start or,
        # starting on the day of approval, after it.
        times = services.clinic_session_times(
            start=self.start,
            per_week=SUPERVISED_PER_WEEK,
            count=SUPERVISED_COURSE_LENGTH,
            patient_time_zone=self.patient.time_zone,
            approved_at=timezone.now(),
        )
        self.home_start = times[MASTERED_AT_SESSION - 1].date() + timedelta(days=1)
        lead_weeks = math.ceil((self.home_start - self.start).days / 7)
        program = services.program_generate(
            patient=self.patient,
            by=self.user,
            start_date=self.start,
            weeks=min(MAX_WEEKS, self.weeks + lead_weeks),
            supervised_per_week=SUPERVISED_PER_WEEK,
            supervised_course_length=SUPERVISED_COURSE_LENGTH,
            today=self.start,  # the clinician generates it on the simulated calendar's day
        )
        self.program = services.program_approve(program=program, by=self.user)
        self._supervised_phase()
        return [self._home_week(week) for week in range(1, self.weeks + 1)]

    def _create_patient(self) -> None:
        profile = self.profile
        username = "plan_simulate.clinician"
        user_model = get_user_model()
        suffix = 0
        while user_model.objects.filter(username=f"{username}{suffix or ''}").exists():
            suffix += 1
        clinician = rehab_services.clinician_create(
            username=f"{username}{suffix or ''}",
            password=secrets.token_urlsafe(24),  # never shown, never committed
            first_name="Simulated",
            last_name="Clinician",
        )
        self.user = clinician.user
        patient = rehab_services.patient_create(
            clinician=clinician,
            first_name="Simulated",
            last_name="Patient",
            date_of_birth=_birth_date(profile.age, self.start),
            sex=profile.sex,
            height_cm=HEIGHT_CM,
            weight_kg=_weight_kg(profile.bmi),
            fitness_level=profile.fitness,
            pregnancy_weeks=profile.pregnancy_weeks,
        )
        if profile.pregnancy_weeks is not None:
            # The weeks are those of the start date, so gestational_weeks(day) advances with
            # the simulated calendar; patient_create dates them today, and a start date in
            # the future is not a date the admin would accept.
            Patient.objects.filter(pk=patient.pk).update(pregnancy_weeks_on=self.start)
            patient.refresh_from_db()
        self.patient = patient
        for diagnosis in profile.diagnoses:
            rehab_services.patient_diagnosis_add(
                patient=patient, code=diagnosis.code, side=diagnosis.side, stage=diagnosis.stage
            )
        for code in sorted(profile.comorbidities - {"pregnancy"}):
            # Pregnancy is recorded on the patient itself, with its weeks.
            rehab_services.patient_comorbidity_add(patient=patient, code=code)
        if profile.start_back is not None:
            # Answers that score as the profile's risk (Hill et al.: items 5-9 psychosocial).
            agreed = {"low": (), "medium": (1, 2, 3, 4, 5), "high": (5, 6, 7, 8, 9)}
            StartBackAssessment.objects.create(
                patient=patient,
                assessed_on=self.start,
                **{f"item_{n}": n in agreed[profile.start_back] for n in range(1, 10)},
            )
        if profile.low_muscle_mass or profile.fat_percent is not None:
            BodyComposition.objects.create(
                patient=patient,
                assessed_on=self.start,
                fat_percent=Decimal(str(profile.fat_percent or 25)),
                muscle_mass_kg=Decimal(30),
                water_percent=Decimal(50),
                basal_metabolic_rate_kcal=1400,
                muscle_mass_low=profile.low_muscle_mass,
            )
