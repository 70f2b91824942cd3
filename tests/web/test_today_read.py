"""Today in one query: the session, its user with the patient, and the day's stamp.

The page reads them together (`web.today_read`), and Django's own sign-in checks still
decide who is signed in: an expired session, a changed password, a switched-off account
and a session row that names someone else are each refused or ignored as before.
"""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.utils import timezone

from planner import selectors
from planner.selectors.today import _day_stamp_and
from rehab import services as rehab_services
from rehab.auth import SESSION_WITH_RECORDS, user_with_records_and
from rehab.models import UserSession
from tests.conftest import make_patient
from tests.web.conftest import program_for, with_login
from web.views import _today_also

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def session_of(client: Client) -> UserSession:
    return UserSession.objects.get(session_key=client.session.session_key)


def test_a_session_keeps_the_id_of_the_user_it_signs_in_and_signing_out_deletes_it(owner):
    client = signed_in(owner.user)
    assert session_of(client).user_id == owner.user.pk
    key = client.session.session_key
    client.post("/app/logout/")
    assert not UserSession.objects.filter(session_key=key).exists()


def test_a_visitors_session_signs_in_nobody(client):
    client.get("/app/login/")
    session = client.session
    session["seen"] = True
    session.save()
    assert UserSession.objects.get(session_key=session.session_key).user_id is None
    assert client.get("/app/today/")["Location"].startswith("/app/login/")


def test_a_cached_today_is_one_query_and_the_same_page(owner, django_assert_num_queries):
    client = signed_in(owner.user)
    first = client.get("/app/today/").content.decode()
    with django_assert_num_queries(1):
        again = client.get("/app/today/").content.decode()
    for entry in selectors.patient_today(patient=owner).home:
        assert entry.item.exercise.name in again
    assert again.count('name="client_key"') == first.count('name="client_key"')


def test_an_expired_session_is_sent_to_sign_in(owner):
    client = signed_in(owner.user)
    UserSession.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    assert client.get("/app/today/")["Location"].startswith("/app/login/")


def test_a_changed_password_signs_the_session_out(owner):
    client = signed_in(owner.user)
    assert client.get("/app/today/").status_code == 200
    owner.user.set_password("a-new-password-2026")
    owner.user.save()
    assert client.get("/app/today/")["Location"].startswith("/app/login/")


def test_a_switched_off_account_is_signed_out(owner):
    client = signed_in(owner.user)
    owner.user.is_active = False
    owner.user.save()
    assert client.get("/app/today/")["Location"].startswith("/app/login/")


def test_a_clinicians_session_gets_the_way_to_the_admin_not_a_day(clinician):
    response = signed_in(clinician.user).get("/app/today/")
    assert response.status_code == 403


def test_a_session_row_naming_another_user_signs_in_only_the_one_its_data_names(
    owner, other_patient, colleague
):
    """The user's id in the row is for finding sessions; who is signed in is what the
    session's signed data says, and the day read for the row's user is not used."""
    from planner.services import program_pause

    program_pause(
        program=selectors.patient_current_program(patient=other_patient),
        by=colleague.user,
        reason="Waiting for a scan",
    )
    client = signed_in(owner.user)
    UserSession.objects.filter(session_key=client.session.session_key).update(
        user=other_patient.user
    )
    page = client.get("/app/today/").content.decode()
    assert "Waiting for a scan" not in page
    for entry in selectors.patient_today(patient=owner).home:
        assert entry.item.exercise.name in page
    assert "Waiting for a scan" in signed_in(other_patient.user).get("/app/today/").content.decode()


def read_for(patient):
    key = signed_in(patient.user).session.session_key
    days = selectors.stamp_candidate_days()
    found, values = user_with_records_and(
        SESSION_WITH_RECORDS,
        "session",
        key,
        also=selectors.day_stamp_sql(days=len(days), also=_today_also()),
        params=selectors.day_stamp_params(days=days),
    )
    _data, user = found
    return selectors.day_stamp_read(
        patient_id=user.patient.pk, time_zone=user.patient.time_zone, days=days, values=values
    )


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2026, 11, 25, 23, 30, tzinfo=UTC),  # Auckland already on the 26th
        datetime(2026, 11, 26, 0, 30, tzinfo=UTC),  # Los Angeles still on the 25th
        datetime(2026, 11, 1, 9, 30, tzinfo=UTC),  # Los Angeles' clocks went back that night
        datetime(2026, 9, 27, 13, 30, tzinfo=UTC),  # Auckland's went forward
    ],
)
@pytest.mark.parametrize("zone", ["America/Los_Angeles", "Pacific/Auckland", "Europe/Moscow"])
def test_the_one_query_gives_the_stamp_and_counts_the_separate_query_gives(
    clinician, library, zone, moment
):
    with time_machine.travel(moment, tick=False):
        patient = make_patient(clinician, time_zone=zone)
        rehab_services.patient_diagnosis_add(
            patient=patient, code="sciatica", side="left", stage="subacute"
        )
        with_login(patient, f"tz-{zone.split('/')[1].lower()}")
        program_for(patient, clinician)
        day = selectors.patient_local_today(patient=patient)
        read = read_for(patient)
        assert day in read.days
        assert read.stamp_and(day) == _day_stamp_and(
            patient=patient, day=day, now=None, also=_today_also()
        )


def test_a_log_of_today_changes_the_stamp_the_one_query_reads(owner, clinician):
    from planner import services

    day = selectors.patient_local_today(patient=owner)
    before = read_for(owner).stamp_and(day)
    entry = selectors.patient_today(patient=owner).home[0]
    services.session_log_record(
        patient=owner,
        day=day,
        client_key="read-1",
        entries=[
            services.LogEntry(
                exercise_slug=entry.item.exercise.slug, done=True, pain_during=2, pain_after=1
            )
        ],
    )
    assert read_for(owner).stamp_and(day) != before


def test_a_russian_patients_today_in_one_query_is_in_russian(owner, django_assert_num_queries):
    owner.language = "ru"
    owner.save()
    client = signed_in(owner.user)
    client.cookies["django_language"] = "ru"
    client.get("/app/today/")
    with django_assert_num_queries(1):
        page = client.get("/app/today/").content.decode()
    assert "Сегодня" in page


def test_the_session_data_read_by_the_one_query_is_the_sessions_own(owner):
    client = signed_in(owner.user)
    session = client.session
    session["remembered"] = "yes"
    session.save()
    client.get("/app/today/")
    assert client.session["remembered"] == "yes"
    assert client.session[SESSION_KEY] == str(owner.user.pk)
