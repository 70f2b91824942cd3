"""A log made today still counts on Today after the clinician approves a new version.

Approving a review makes new program items; the morning's log stays tied to the old
version's item, and Today matches the day's logs to the items by the library exercise.
"""

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse
from rest_framework.test import APIClient

from planner import selectors, services
from planner.models import ProgramExercise
from rehab import services as rehab_services
from tests.conftest import log_home_days, make_patient, program_for
from tests.web.conftest import with_login

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("library")]

# Ten minutes either side of midnight UTC: Los Angeles is still on the day before, Auckland
# already on the day after, so "today" is never the UTC date for both.
MOMENTS = [
    datetime(2026, 11, 24, 23, 50, tzinfo=UTC),
    datetime(2026, 11, 25, 0, 10, tzinfo=UTC),
]
ZONES = ["America/Los_Angeles", "Pacific/Auckland"]


@pytest.fixture(params=MOMENTS, ids=["before-midnight-utc", "after-midnight-utc"])
def _clock(request) -> Iterator[None]:
    with time_machine.travel(request.param, tick=False):
        yield


def logged_today_then_reviewed(clinician, time_zone: str):
    """A patient ten days into home training with the first week logged, one exercise logged
    this morning, then the first week's review approved: a new version with new items."""
    patient = make_patient(clinician, time_zone=time_zone)
    rehab_services.patient_diagnosis_add(
        patient=patient, code="osteochondrosis", side="bilateral", stage="chronic"
    )
    program = program_for(patient, clinician, days_ago=10)
    log_home_days(program, program.start_date, 7)
    today = selectors.patient_local_today(patient=patient)
    first, *_rest = selectors.patient_today(patient=patient).home
    services.session_log_record(
        patient=patient,
        day=today,
        client_key="this-morning",
        entries=[services.LogEntry(first.item.exercise.slug, done=True, sets_done=1, reps_done=5)],
    )
    stamp_before = selectors.patient_day_stamp(patient=patient, day=today)
    proposal = services.review_propose(program=program, week_start=program.start_date)
    version = services.review_approve(proposal=proposal, by=clinician.user)
    assert version is not None, "the easy week proposes a change, so a new version"
    return patient, first.item, stamp_before


@pytest.mark.usefixtures("_clock")
@pytest.mark.parametrize("time_zone", ZONES)
def test_a_log_before_the_new_version_still_counts_and_only_for_its_exercise(
    clinician, time_zone, django_assert_max_num_queries
):
    patient, old_item, stamp_before = logged_today_then_reviewed(clinician, time_zone)
    today = selectors.patient_local_today(patient=patient)

    with django_assert_max_num_queries(6):
        day = selectors.patient_today(patient=patient)

    by_slug = {entry.item.exercise.slug: entry for entry in day.home}
    entry = by_slug[old_item.exercise.slug]
    assert entry.item.pk != old_item.pk, "Today shows the new version's item"
    assert ProgramExercise.objects.get(pk=entry.log.program_exercise_id) == old_item
    assert entry.logged and entry.log.done
    others = [e for slug, e in by_slug.items() if slug != old_item.exercise.slug]
    assert others and not any(e.logged for e in others)
    assert not day.all_logged
    # The new version changed the day's stamp, so the cached Today is not served stale.
    assert selectors.patient_day_stamp(patient=patient, day=today) != stamp_before


@pytest.mark.usefixtures("_clock")
def test_the_web_and_api_today_show_the_earlier_log(clinician, client):
    patient, old_item, _stamp = logged_today_then_reviewed(clinician, "Pacific/Auckland")
    user = with_login(patient, "aroha")
    slug = old_item.exercise.slug

    client.force_login(user)
    page = client.get(reverse("web:today")).content.decode()
    cards = page.split('<li class="card')[1:]
    logged = {
        card.split('id="ex-')[1].split('"')[0] for card in cards if card.startswith(" logged")
    }
    assert logged == {slug}

    api = APIClient()
    api.force_authenticate(user)
    body = api.get(reverse("api:today")).json()
    items = body["exercises"]
    assert {item["exercise"]["slug"] for item in items if item["logged"]} == {slug}
    assert len(items) > 1


def test_a_log_of_the_day_changes_the_stamp(clinician, library):
    patient = make_patient(clinician, time_zone="America/Los_Angeles")
    rehab_services.patient_diagnosis_add(
        patient=patient, code="osteochondrosis", side="bilateral", stage="chronic"
    )
    program_for(patient, clinician)
    today = selectors.patient_local_today(patient=patient)
    before = selectors.patient_day_stamp(patient=patient, day=today)
    log_home_days(selectors.patient_current_program(patient=patient), today, 1)
    assert selectors.patient_day_stamp(patient=patient, day=today) != before
    assert selectors.patient_today(patient=patient).all_logged
