"""Shared fixtures: an owner clinician, a colleague and an outsider (after healthchecks)."""

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.utils import translation

from exercises.models import Exercise
from planner import selectors
from planner import services as services_planner
from planner.models import Program
from rehab import services
from rehab.models import Clinician, Patient

PASSWORD = "correct-horse-battery"

# The suite's clock. Every test but the end-to-end ones runs on this instant, ticking
# from it, and so do the test modules as they are imported: no date a test asserts
# depends on when the suite runs. 09:00 UTC is the same day in Los Angeles (01:00),
# Moscow (12:00) and Auckland (22:00); a test about another moment travels there itself
# (time-machine nests). The end-to-end tests drive real processes and a real browser,
# which keep the real clock, so the suite's clock stops before the first of them.
SUITE_NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
_suite_clock = time_machine.travel(SUITE_NOW, tick=True)
_suite_clock_running = False


def pytest_configure(config: pytest.Config) -> None:
    global _suite_clock_running
    _suite_clock.start()
    _suite_clock_running = True


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("e2e") is not None:
        _real_clock()


def pytest_unconfigure(config: pytest.Config) -> None:
    _real_clock()


def _real_clock() -> None:
    global _suite_clock_running
    if _suite_clock_running:
        _suite_clock.stop()
        _suite_clock_running = False


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


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    """The seeded exercise library is loaded once, into the database every test starts from.

    Each test runs in a transaction that is rolled back, so the library it sees is the
    one loaded here; a test that needs another catalogue changes it inside its own
    transaction (see `empty_library`).
    """
    with django_db_blocker.unblock():
        call_command("load_library", verbosity=0)


@pytest.fixture
def library(db: None) -> None:
    """The seeded exercise library. It is already there (see `django_db_setup`); a test
    that flushes the database (transaction=True) leaves none, nor what the data migrations
    seed, so both are made again then."""
    if not Exercise.objects.exists():
        _seed_what_migrations_seed()
        call_command("load_library", verbosity=0)


def _seed_what_migrations_seed() -> None:
    from exercises.models import MovementTag
    from exercises.vocabulary import MOVEMENT_TAGS
    from planner.models import ContraindicationRule
    from planner.rule_seed import rules_seed
    from rehab import clinical_catalogue
    from rehab.models import Comorbidity, Diagnosis, RedFlag

    clinical_catalogue.seed_catalogues(Diagnosis, Comorbidity, RedFlag)
    for code, description in MOVEMENT_TAGS.items():
        MovementTag.objects.update_or_create(code=code, defaults={"description": description})
    rules_seed(ContraindicationRule)


@pytest.fixture
def empty_library(db: None) -> None:
    """No exercises at all, for tests that load a catalogue of their own."""
    Exercise.objects.all().delete()


@pytest.fixture(autouse=True)
def empty_cache() -> None:
    """Each test starts with an empty cache (rendered days are kept there)."""
    cache.clear()


@pytest.fixture(autouse=True)
def site_language() -> Iterator[None]:
    """Each test starts in the site's language: a request in Russian (LocaleMiddleware
    activates the patient's language for the thread and leaves it) must not make the next
    test's texts Russian."""
    translation.deactivate()
    yield
    translation.deactivate()


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


# For a slow test of clinical behaviour over whole courses, the same on either database: the
# PostgreSQL run (which is there for what differs between databases) leaves it out, to keep
# the suite within its time.
same_on_every_database = pytest.mark.skipif(
    connection.vendor == "postgresql",
    reason="clinical behaviour over a whole course, checked on SQLite; the same here",
)
