"""The patient overview in the admin: the doctor's page for one patient.

Only the patient's clinician (and a superuser) opens it; it shows the program and where it
stands, charts over time with their numbers as text, the home log day by day with the
patient's notes, the clinic sessions, the alerts and the versions, in a fixed number of
queries however long the history.
"""

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from planner import selectors, services
from planner.engine.serialize import reason_row
from planner.engine.types import Reason
from planner.models import PatientEvent, SupervisedStatus
from rehab import services as rehab_services
from rehab.models import FitnessTest, OswestryAssessment, Patient, StartBackAssessment
from tests.conftest import PASSWORD, log_home_days, make_patient, start_program
from tests.rehab.test_admin import login

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("library")]
# 12:00 UTC: 04:00 on 25 November in Los Angeles, already 01:00 on the 26th in Auckland.
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
# The page's reads: session, user and clinician; the patient with their list columns (4)
# and the admin's permissions (2); the program with its versions and sessions (with their
# records: 4); the progress (pain, clinic pain, ODI, and the calendar: 8); the daily pain,
# questionnaires (2), fitness tests, red flags, events and the home log; the header's
# unread notifications (1).
OVERVIEW_QUERIES = 30


@pytest.fixture(autouse=True)
def _frozen_clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def overview_url(patient: Patient) -> str:
    return reverse("admin:rehab_patient_overview", args=[patient.pk])


def at_home(clinician, *, zone: str, days: int, language: str = "en") -> Patient:
    """A patient with sciatica whose program started `days` days before their today, every
    exercise mastered then, and every home day since logged (pain 2, after 3)."""
    patient = make_patient(clinician, time_zone=zone)
    patient.language = language
    patient.save(update_fields=["language"])
    rehab_services.patient_diagnosis_add(
        patient=patient, code="sciatica", side="left", stage="chronic"
    )
    today = selectors.patient_local_today(patient=patient)
    start = today - timedelta(days=days - 1)
    # A program starts at most 30 days back: it was made on its first day.
    with time_machine.travel(NOW - timedelta(days=days - 1), tick=False):
        program = services.program_generate(
            patient=patient, by=clinician.user, start_date=start, weeks=max(2, days // 7 + 1)
        )
        program = services.program_approve(program=program, by=clinician.user)
        version = selectors.program_current_version(program=program)
        for item in selectors.program_exercises(version=version):
            services.mastery_sign_off(program_exercise=item, by=clinician.user, on=start)
    program.refresh_from_db()
    log_home_days(program, start, days - 1, pain=2, pain_after=3)
    return patient


def log_today(patient: Patient, **entry: Any) -> str:
    """The first home exercise of the patient's today logged; its name."""
    program = selectors.patient_current_program(patient=patient)
    day = selectors.patient_local_today(patient=patient)
    item = selectors.home_session_exercises(program=program, day=day)[0]
    services.session_log_record(
        patient=patient,
        day=day,
        client_key=f"today-{patient.pk}",
        entries=[services.LogEntry(item.exercise.slug, done=True, **entry)],
    )
    return item.exercise.name


@pytest.fixture
def zoe(clinician) -> Patient:
    """In Los Angeles, a week at home."""
    return at_home(clinician, zone="America/Los_Angeles", days=7)


# -- who sees it ----------------------------------------------------------------------------------


def test_the_clinician_opens_it_from_the_patient_list_and_the_patient_page(client, clinician, zoe):
    login(client, clinician.user)
    listing = client.get(reverse("admin:rehab_patient_changelist")).content.decode()
    assert f'href="{overview_url(zoe)}"' in listing
    page = client.get(reverse("admin:rehab_patient_change", args=[zoe.pk])).content.decode()
    assert f'href="{overview_url(zoe)}"' in page
    response = client.get(overview_url(zoe))
    assert response.status_code == 200
    assert response.templates[0].name == "admin/rehab/patient/overview.html"
    html = response.content.decode()
    assert 'id="site-name"' in html and 'class="breadcrumbs"' in html  # the admin's frame


def test_a_superuser_opens_it(admin_client, zoe):
    assert admin_client.get(overview_url(zoe)).status_code == 200


@pytest.mark.parametrize("who", ["colleague", "outsider", "patient_user", "anonymous"])
def test_nobody_else_opens_it(client, colleague, outsider, zoe, who):
    log_today(zoe, pain_during=4, note="Private: only for my own doctor.")
    if who == "colleague":
        login(client, colleague.user)
    elif who == "outsider":
        login(client, outsider)
    elif who == "patient_user":
        user = get_user_model().objects.create_user("zoe", password=PASSWORD)
        zoe.user = user
        zoe.save(update_fields=["user"])
        login(client, user)
    response = client.get(overview_url(zoe))
    if who in ("colleague", "outsider"):
        assert response.status_code == 404  # as if the patient did not exist
    else:  # not staff: the admin's sign-in page
        assert response.status_code == 302 and "/login/" in response["Location"]
    assert "Private" not in response.content.decode()


def test_an_unknown_patient_is_not_found(client, clinician):
    login(client, clinician.user)
    assert client.get(reverse("admin:rehab_patient_overview", args=[999999])).status_code == 404


# -- what it shows --------------------------------------------------------------------------------


def test_it_shows_the_program_and_where_it_stands(client, clinician, zoe):
    login(client, clinician.user)
    html = client.get(overview_url(zoe)).content.decode()
    program = selectors.patient_current_program(patient=zoe)
    assert reverse("admin:planner_program_change", args=[program.pk]) in html
    assert f"Program #{program.pk}, version 1</a>:" in html and "active" in html
    assert f"Home training since {program.home_started_on.isoformat()}." in html
    assert "Sciatica (left, chronic)" in html
    assert "2026-11-25 (America/Los_Angeles)" in html  # the patient's own today


def test_the_home_log_shows_each_exercise_with_pain_effort_and_the_note(client, clinician, zoe):
    name = log_today(
        zoe, pain_during=7, pain_after=5, difficulty="hard", note="Leg <b>burning</b> at night"
    )
    login(client, clinician.user)
    response = client.get(overview_url(zoe))
    html = response.content.decode()
    log = html[html.index('id="overview-log"') : html.index('id="overview-sessions"')]
    assert "Home log, 2026-10-29 to 2026-11-25, newest first" in log
    first_day = log.index("Wednesday, 2026-11-25")
    assert first_day < log.index("Tuesday, 2026-11-24")  # newest first
    row = log[first_day : log.index("</tbody>", first_day)]
    assert name in row
    assert '<td class="pain-high">7</td>' in row and "<td>5</td>" in row and "hard" in row
    assert "Leg &lt;b&gt;burning&lt;/b&gt; at night" in row  # the patient's words, escaped
    assert log.count('class="log-entry"') == sum(
        len(d.entries) for d in response.context["data"].log
    )


def test_a_russian_patients_note_in_auckland_shows_on_their_own_day(client, clinician):
    patient = at_home(clinician, zone="Pacific/Auckland", days=5, language="ru")
    log_today(patient, pain_during=3, note="Болит поясница после «кошки», спала плохо")
    login(client, clinician.user)
    html = client.get(overview_url(patient)).content.decode()
    assert "Thursday, 2026-11-26" in html  # already the 26th in Auckland
    assert "Болит поясница после «кошки», спала плохо" in html
    assert "2026-11-26 (Pacific/Auckland)" in html


def test_the_charts_are_svg_with_titles_descriptions_and_their_numbers(client, clinician, zoe):
    today = selectors.patient_local_today(patient=zoe)
    OswestryAssessment.objects.create(
        patient=zoe,
        assessed_on=today - timedelta(days=6),
        **{f"section_{i}": 3 for i in range(1, 11)},
    )
    OswestryAssessment.objects.create(
        patient=zoe, assessed_on=today, **{f"section_{i}": 2 for i in range(1, 11)}
    )
    StartBackAssessment.objects.create(
        patient=zoe,
        assessed_on=today,
        item_1=True,
        item_2=True,
        item_5=True,
        item_6=True,
        item_7=True,
        item_8=True,
        item_9=4,
    )
    FitnessTest.objects.create(patient=zoe, assessed_on=today, kind="chair_stand_30s", value=11)
    FitnessTest.objects.create(patient=zoe, assessed_on=today, kind="timed_up_and_go", value=41)
    login(client, clinician.user)
    html = client.get(overview_url(zoe)).content.decode()
    charts = re.findall(r'<svg [^>]*aria-labelledby="([\w-]+)-title \1-desc"', html)
    assert charts == [
        "overview-pain",
        "overview-adherence",
        "overview-odi",
        "overview-start-back",
        "overview-fitness-chair-stand-30s",
        "overview-fitness-timed-up-and-go",
    ]
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids))  # every title and description labelled by its own id
    assert '<title id="overview-pain-title">Pain during and after the exercises' in html
    assert "6 days logged from 19 Nov to 24 Nov; on the latest, pain during 2 and after 3." in html
    assert "<td>2026-11-24</td><td>2</td><td>3</td>" in html  # the pain table
    assert '<title id="overview-odi-title">Oswestry Disability Index' in html
    assert "2 scores from 19 Nov to 25 Nov; the latest 40%." in html
    assert "<td>2026-11-25</td><td>40</td><td>moderate</td>" in html
    assert "total 7, psychosocial 5, high risk." in html
    assert "Timed up-and-go (seconds)</title>" in html  # its scale grows to hold 41 s
    assert "1 results from 25 Nov to 25 Nov; the latest 41.0." in html
    assert "Days exercised each week (%)" in html and "week 1: 6 of 6 days (100%)" in html


def test_the_pain_chart_marks_the_clinics_scores_too(client, clinician, zoe):
    score = zoe.pain_scores.create(score=5, assessed_on=date(2026, 11, 20))
    login(client, clinician.user)
    html = client.get(overview_url(zoe)).content.decode()
    assert "1 pain scores at the clinic, the latest 5." in html
    assert f"<td>2026-11-20</td><td>{score.score}</td>" in html


def test_without_any_history_each_part_says_so(client, clinician):
    patient = make_patient(clinician)
    login(client, clinician.user)
    html = client.get(overview_url(patient)).content.decode()
    assert 'class="chart"' not in html
    for words in (
        "No program yet.",
        "No pain logged or scored yet.",
        "No home training weeks yet.",
        "No Oswestry questionnaire yet.",
        "No STarT Back questionnaire yet.",
        "No fitness tests yet.",
        "Nothing logged at home on these days.",
        "No clinic sessions.",
        "No red flags recorded or reported.",
    ):
        assert words in html


def test_clinic_sessions_alerts_and_versions(client, clinician):
    patient = make_patient(clinician, time_zone="America/Los_Angeles")
    rehab_services.patient_diagnosis_add(
        patient=patient, code="sciatica", side="right", stage="subacute"
    )
    today = selectors.patient_local_today(patient=patient)
    program = start_program(patient, clinician.user, today, master=False)
    sessions = list(program.supervised_sessions.order_by("number"))
    sessions[1].status = SupervisedStatus.MISSED
    sessions[1].save(update_fields=["status"])
    item = selectors.program_exercises(version=selectors.program_current_version(program=program))[
        0
    ]
    services.supervised_session_record(
        session=sessions[0],
        by=clinician.user,
        entries=[services.SupervisedEntry(program_exercise_id=item.pk, technique=4)],
        note="Good form; keep the knees soft.",
    )
    services.symptom_red_flag_report(patient=patient, codes=["night_pain"], note="Wakes at 3 am")
    PatientEvent.objects.create(patient=patient, kind="pain_high", day=today, context={"pain": 8})
    login(client, clinician.user)
    html = client.get(overview_url(patient)).content.decode()
    sessions_part = html[html.index('id="overview-sessions"') : html.index('id="overview-alerts"')]
    planned = len(sessions) - 2
    assert f"1 attended, 1 missed, {planned} planned, 0 cancelled." in sessions_part
    assert f"{item.exercise.name}: 4/5" in sessions_part
    assert "Good form; keep the knees soft." in sessions_part
    alerts = html[html.index('id="overview-alerts"') : html.index('id="overview-versions"')]
    assert "Night pain" in alerts and "Reported by the patient. Wakes at 3 am" in alerts
    assert 'class="red-flag-badge"' in alerts and "active" in alerts
    assert "Red flag reported" in alerts and "Pain 8/10 logged." in alerts
    assert "paused" in html and "Paused because" in html
    versions = html[html.index('id="overview-versions"') :]
    assert "<td>1</td>" in versions and "Owner Doctor" in versions


# -- paging back ----------------------------------------------------------------------------------


def test_older_days_are_a_page_back_and_newer_ones_a_page_forward(client, clinician):
    patient = at_home(clinician, zone="America/Los_Angeles", days=30)
    login(client, clinician.user)
    first = client.get(overview_url(patient))
    assert first.context["data"].days == selectors.LogRange(date(2026, 10, 29), date(2026, 11, 25))
    older = first.context["pages"]["older"]
    assert older == "2026-10-28" and "newer" not in first.context["pages"]
    assert 'href="?to=2026-10-28#overview-log"' in first.content.decode()
    back = client.get(overview_url(patient), {"to": older})
    log = back.context["data"].log
    assert [day.day for day in log] == [date(2026, 10, 28), date(2026, 10, 27)]  # the first two
    assert back.context["pages"] == {"older": "2026-09-30", "newer": ""}
    assert 'href="?#overview-log"' in back.content.decode()  # newer: back to the latest


@pytest.mark.parametrize("asked", ["2026-02-30", "yesterday", "1999-12-31", "9999-12-31"])
def test_a_day_the_log_cannot_show_is_said_and_the_latest_days_shown(client, clinician, zoe, asked):
    login(client, clinician.user)
    response = client.get(overview_url(zoe), {"to": asked})
    assert response.status_code == 200
    assert (
        f"The home log cannot show {asked}; here are the latest days." in response.content.decode()
    )
    assert response.context["data"].days.last == date(2026, 11, 25)


# -- cost -----------------------------------------------------------------------------------------


def test_ninety_days_of_logs_cost_the_same_queries_as_a_week(
    client, clinician, zoe, django_assert_max_num_queries
):
    long_patient = at_home(clinician, zone="Pacific/Auckland", days=90)
    for n in range(5):
        OswestryAssessment.objects.create(
            patient=long_patient,
            assessed_on=date(2026, 9, 1) + timedelta(days=14 * n),
            **{f"section_{i}": 3 - n // 2 for i in range(1, 11)},
        )
        FitnessTest.objects.create(
            patient=long_patient,
            assessed_on=date(2026, 9, 1) + timedelta(days=14 * n),
            kind="chair_stand_30s",
            value=10 + n,
        )
    rehab_services.red_flag_raise(patient=long_patient, code="fever", noted_by=clinician.user)
    login(client, clinician.user)
    with CaptureQueriesContext(connection) as week:
        client.get(overview_url(zoe))
    with django_assert_max_num_queries(OVERVIEW_QUERIES), CaptureQueriesContext(connection) as long:
        response = client.get(overview_url(long_patient), {"to": "2026-10-15"})
    assert len(response.context["data"].pain) == 89
    assert len(response.context["data"].log) == 28
    assert len(long) == len(week)


def test_a_russian_speaking_doctor_reads_it_in_russian(client, clinician, zoe):
    login(client, clinician.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    html = client.get(overview_url(zoe)).content.decode()
    assert "<title>Обзор: Pat Ient" in html
    assert '<title id="overview-pain-title">Боль во время и после упражнений' in html
    assert "Дневник домашних занятий с 2026-10-29 по 2026-11-25, новые сверху" in html  # noqa: RUF001
    assert "Домашние занятия с 2026-11-19." in html  # noqa: RUF001


@pytest.mark.parametrize("language", ["en", "ru"])
def test_an_alerts_engine_reasons_read_in_the_doctors_language(client, clinician, zoe, language):
    creep = Reason.of(
        "V-CREEP",
        "The median pain after exercise this week was %(median)s out of 10, %(rise)s points "
        "above the baseline (%(baseline)s)",
        median=5,
        rise=3,
        baseline=2,
    )
    today = selectors.patient_local_today(patient=zoe)
    PatientEvent.objects.create(
        patient=zoe,
        kind="pain_rising",
        day=today,
        context={"reason": creep.text, "reasons": [reason_row(creep)]},
    )
    # Raised before the reasons were kept as data: its English, as it was.
    PatientEvent.objects.create(
        patient=zoe,
        kind="pain_rising",
        day=today - timedelta(days=7),
        context={"reason": "Old English reason."},
    )
    login(client, clinician.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    html = client.get(overview_url(zoe)).content.decode()
    alerts = html[html.index('id="overview-alerts"') : html.index('id="overview-versions"')]
    assert "Old English reason." in alerts
    shown = {
        "en": creep.text,
        "ru": "Медиана боли после упражнений на этой неделе — 5 из 10, на 3 выше исходной (2)",
    }
    assert shown[language] in alerts
