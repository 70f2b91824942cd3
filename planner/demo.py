"""Demonstration programs for `make run`, on top of rehab's demo patients.

Idempotent: a patient who already has a program is left as is. Shows the
planner's stages side by side: a draft waiting for approval, a program in
supervised sessions (home not yet unlocked), and one at home for a week with a
weekly review waiting for the doctor.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from planner import selectors, services
from planner.models import Program, SupervisedSession
from rehab.models import Patient

# Days before today that the demo programs started: long enough for one full week at home.
STARTED_DAYS_AGO = 10
# Every demo patient can sign in to the mobile app as their last name, lower case.
DEMO_PATIENT_PASSWORD = "demo-patient-2026"
# Examined, no program yet: the README's "Generate a draft program" is tried on them.
NO_PROGRAM_YET = ("Fedorov",)


@dataclass
class DemoProgramsReport:
    created: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


@transaction.atomic
def demo_programs_seed() -> DemoProgramsReport:
    report = DemoProgramsReport()
    today = timezone.localdate()
    start = today - timedelta(days=STARTED_DAYS_AGO)
    patients = list(
        Patient.objects.filter(clinician__user__username__in=["doctor", "doctor2"])
        .select_related("clinician__user")
        .order_by("last_name", "first_name")
    )
    for index, patient in enumerate(patients):
        _demo_login(patient)
        if Program.objects.filter(patient=patient).exists():
            report.skipped.append(f"{patient}: has a program")
            continue
        if patient.last_name in NO_PROGRAM_YET:
            report.skipped.append(f"{patient}: no program yet, for the doctor to generate")
            continue
        doctor = patient.clinician.user
        try:
            program = services.program_generate(patient=patient, by=doctor, start_date=start)
        except ValidationError as error:
            report.skipped.append(f"{patient}: {' '.join(error.messages)}")
            continue
        report.created.append(patient.full_name)
        stage = index % 3
        if stage == 0:
            continue  # a draft for the doctor to review and approve
        services.program_approve(program=program, by=doctor)
        first_session = SupervisedSession.objects.filter(program=program).order_by("number")[0]
        items = selectors.program_exercises(
            version=selectors.program_current_version(program=program)
        )
        technique = 5 if stage == 2 else 3
        entries = [services.SupervisedEntry(item.pk, technique=technique) for item in items]
        services.supervised_session_record(session=first_session, by=doctor, entries=entries)
        if stage == 2:
            # Signed off at the first supervised session, so home training starts that day,
            # never before it, and a week at home is behind them.
            zone = ZoneInfo(patient.time_zone)
            mastered_on = first_session.scheduled_for.astimezone(zone).date()
            for item in items:
                services.mastery_sign_off(program_exercise=item, by=doctor, on=mastered_on)
            program.refresh_from_db()
            _a_week_at_home(program)
    return report


def _demo_login(patient: Patient) -> None:
    """The patient's own app login (never staff), made once."""
    if patient.user_id is not None:
        return
    user = get_user_model().objects.create_user(
        patient.last_name.lower(),
        email=patient.email,
        password=DEMO_PATIENT_PASSWORD,
        first_name=patient.first_name,
        last_name=patient.last_name,
    )
    patient.user = user
    patient.save(update_fields=["user"])


def _a_week_at_home(program: Program) -> None:
    """A calm, easy first week logged from the phone, and the review it leads to."""
    first = program.home_started_on or program.start_date
    for offset in range(7):
        day = first + timedelta(days=offset)
        entries = [
            services.LogEntry(
                item.exercise.slug,
                done=True,
                sets_done=item.sets,
                reps_done=item.reps,
                pain_during=2,
                pain_after=1,
                difficulty="easy" if offset >= 3 else "right",
            )
            for item in selectors.home_session_exercises(program=program, day=day)
        ]
        services.session_log_record(
            patient=program.patient,
            day=day,
            client_key=f"demo-{program.pk}-{day.isoformat()}",
            entries=entries,
        )
    services.review_propose(program=program, week_start=first)
