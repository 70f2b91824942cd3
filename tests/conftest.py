"""Shared fixtures: an owner clinician, a colleague and an outsider (after healthchecks)."""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache

from planner import selectors
from planner import services as services_planner
from planner.models import Program
from rehab import services
from rehab.models import Clinician, Patient

PASSWORD = "correct-horse-battery"


def make_clinician(username: str) -> Clinician:
    return services.clinician_create(
        username=username,
        password=PASSWORD,
        first_name=username.title(),
        last_name="Doctor",
        email=f"{username}@clinic.test",
    )


def make_patient(clinician: Clinician, **overrides: Any) -> Patient:
    values: dict[str, Any] = {
        "clinician": clinician,
        "first_name": "Pat",
        "last_name": "Ient",
        "date_of_birth": date(1980, 5, 17),
        "sex": "female",
        "height_cm": 170,
        "weight_kg": Decimal("70.0"),
    }
    values.update(overrides)
    return services.patient_create(**values)


def start_program(patient: Patient, by: Any, start: date, *, master: bool) -> Program:
    """A generated and approved program from `start`; with `master`, every exercise
    signed off as mastered on that day, so home training has begun."""
    program = services_planner.program_generate(patient=patient, by=by, start_date=start)
    program = services_planner.program_approve(program=program, by=by)
    if master:
        version = selectors.program_current_version(program=program)
        for item in selectors.program_exercises(version=version):
            services_planner.mastery_sign_off(program_exercise=item, by=by, on=start)
    program.refresh_from_db()
    return program


def program_for(
    patient: Patient, clinician: Clinician, *, days_ago: int = 3, master: bool = True
) -> Program:
    """start_program, begun `days_ago` days before the patient's today."""
    start = selectors.patient_local_today(patient=patient) - timedelta(days=days_ago)
    return start_program(patient, clinician.user, start, master=master)


def log_home_days(
    program: Program,
    first: date,
    days: int,
    *,
    pain: int = 1,
    difficulty: str = "easy",
    pain_after: int | None = None,
) -> None:
    """Every home exercise of `days` days from `first` done in full, as the phone sends it;
    pain after is `pain` unless given."""
    for offset in range(days):
        day = first + timedelta(days=offset)
        entries = [
            services_planner.LogEntry(
                item.exercise.slug,
                done=True,
                sets_done=item.sets,
                reps_done=item.reps,
                pain_during=pain,
                pain_after=pain if pain_after is None else pain_after,
                difficulty=difficulty,
            )
            for item in selectors.home_session_exercises(program=program, day=day)
        ]
        services_planner.session_log_record(
            patient=program.patient, day=day, client_key=f"seed-{program.pk}-{day}", entries=entries
        )


@pytest.fixture(autouse=True)
def empty_cache() -> None:
    """Each test starts with an empty cache (rendered days are kept there)."""
    cache.clear()


@pytest.fixture
def clinician(db: None) -> Clinician:
    return make_clinician("owner")


@pytest.fixture
def colleague(db: None) -> Clinician:
    return make_clinician("colleague")


@pytest.fixture
def outsider(db: None) -> Any:
    """Staff, but neither a clinician nor a superuser: owns no patients."""
    user_model = get_user_model()
    user = user_model.objects.create_user("outsider", password=PASSWORD, is_staff=True)
    return user


@pytest.fixture
def patient(clinician: Clinician) -> Patient:
    return make_patient(clinician)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run whole-system and browser tests last.

    Playwright's sync API keeps an event loop running in the main thread for the
    session-wide browser, and Django refuses database calls from a thread with a
    running loop; the database tests must come first. A stable sort keeps the
    order within each group.
    """
    items.sort(key=lambda item: item.get_closest_marker("e2e") is not None)
