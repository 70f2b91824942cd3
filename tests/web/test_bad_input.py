"""The patient app answers bad input with a 400 and a plain message, never a 500: a month
the calendar cannot show, bodies that are not forms (JSON nested 50,000 deep)."""

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.apps import apps
from django.conf import settings

from planner.selectors.history import calendar_month
from tests.web.conftest import sciatica_patient

DEEP = "[" * 50_000 + "]" * 50_000


def row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


@pytest.fixture(autouse=True)
def _noon() -> Iterator[None]:
    # 2026-11-26 01:00 in Auckland, 2026-11-25 04:00 in Los Angeles.
    with time_machine.travel(datetime(2026, 11, 25, 12, 0, tzinfo=UTC), tick=False):
        yield


@pytest.mark.parametrize(
    "text, today, first",
    [
        ("", date(2026, 11, 25), date(2026, 11, 1)),
        ("2000-01", date(2026, 11, 25), date(2000, 1, 1)),
        ("2027-12", date(2026, 11, 25), date(2027, 12, 1)),
        ("2027-12", date(2026, 12, 1), date(2027, 12, 1)),
        ("2028-01", date(2026, 12, 1), date(2028, 1, 1)),
    ],
)
def test_calendar_month_accepts_the_months_the_calendar_shows(text, today, first):
    assert calendar_month(text=text, today=today) == first


@pytest.mark.parametrize(
    "text", ["0001-01", "1999-12", "9999-12", "2028-01", "2026-13", "2026-00", "abc", "2026-1"]
)
def test_calendar_month_refuses_the_rest(text):
    with pytest.raises(ValueError):
        calendar_month(text=text, today=date(2026, 11, 25))


@pytest.mark.parametrize("month", ["0001-01", "9999-12", "2026-13", "abc", "-1000-01", "20261-01"])
def test_a_month_the_calendar_cannot_show_is_a_400_page(owner_client, month):
    response = owner_client.get("/app/history/", {"month": month})
    assert response.status_code == 400
    assert "There is no calendar for that month." in response.content.decode()
    assert 'href="/app/history/"' in response.content.decode()


def test_the_russian_patient_reads_it_in_russian(client, clinician, library):
    patient = sciatica_patient(clinician, "olga", first_name="Olga")
    type(patient).objects.filter(pk=patient.pk).update(language="ru")
    client.force_login(patient.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"  # as her sign-in leaves it
    response = client.get("/app/history/", {"month": "9999-12"})
    assert response.status_code == 400
    assert "Для этого месяца календаря нет." in response.content.decode()


def test_the_months_ahead_count_from_the_patients_own_today(client, clinician, library):
    """Auckland is already on the 26th of November; a year and a month ahead is 2027-12 in
    both zones, and 2028-01 in neither."""
    for name, zone in (("ana", "Pacific/Auckland"), ("lou", "America/Los_Angeles")):
        patient = sciatica_patient(clinician, name, first_name=name.title())
        type(patient).objects.filter(pk=patient.pk).update(time_zone=zone)
        client.force_login(patient.user)
        assert client.get("/app/history/", {"month": "2027-12"}).status_code == 200
        assert client.get("/app/history/", {"month": "2028-01"}).status_code == 400
        assert client.get("/app/history/", {"month": "2000-01"}).status_code == 200


@pytest.mark.parametrize("path", ["/app/today/log/", "/app/push/subscribe/"])
def test_a_deeply_nested_json_body_is_a_400_and_writes_nothing(owner_client, path):
    before = row_counts()
    response = owner_client.post(
        path, DEEP, content_type="application/json", HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 400
    assert row_counts() == before
