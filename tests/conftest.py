"""Shared fixtures: an owner clinician, a colleague and an outsider (after healthchecks)."""

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache

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
