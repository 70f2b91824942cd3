"""The patient app's pages show the patient's own day, on both sides of UTC and across
daylight saving.

Los Angeles springs forward on 2026-03-08; Auckland falls back on 2026-04-05. The clock is
frozen at instants where the date in UTC is not the patient's date.
"""

import re
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine

from planner import selectors
from planner.models import ExerciseLog, Program
from rehab import services as rehab_services
from tests.conftest import make_patient, start_program
from tests.web.conftest import with_login

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("library")]

LA, AUCKLAND = "America/Los_Angeles", "Pacific/Auckland"
LA_START = date(2026, 3, 2)  # Monday; clocks go forward on Sunday 8 March
AUCKLAND_START = date(2026, 3, 30)  # Monday; clocks go back on Sunday 5 April


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def program_in(clinician, zone: str, start: date, *, master: bool = True) -> Program:
    """A patient in `zone` signed up for the app, whose program starts on `start` (set up at
    09:00 of that day where they live); with `master`, at home from the first day."""
    with time_machine.travel(datetime.combine(start, time(9, 0), tzinfo=ZoneInfo(zone))):
        patient = make_patient(clinician, time_zone=zone)
        rehab_services.patient_diagnosis_add(
            patient=patient, code="sciatica", side="left", stage="subacute"
        )
        with_login(patient, f"app-{zone.split('/')[1].lower()}")
        return start_program(patient, clinician.user, start, master=master)


def today_cell(page: str) -> str:
    """The day number of the History cell marked as today."""
    cells = re.findall(r'<td class="day[^"]*\bis-today\b[^"]*">\s*<span class="num">(\d+)<', page)
    assert len(cells) == 1, cells
    return cells[0]


@pytest.mark.parametrize(
    ("zone", "start", "instant", "heading", "day"),
    [
        # 23:30 PDT on Sunday 8 March, the 23-hour day; already 9 March in UTC.
        (LA, LA_START, utc(2026, 3, 9, 6, 30), "Sunday, 8 March", date(2026, 3, 8)),
        # 00:30 PDT on Monday 9 March.
        (LA, LA_START, utc(2026, 3, 9, 7, 30), "Monday, 9 March", date(2026, 3, 9)),
        # 00:30 NZDT on Sunday 5 April, the 25-hour day; still 4 April in UTC.
        (AUCKLAND, AUCKLAND_START, utc(2026, 4, 4, 11, 30), "Sunday, 5 April", date(2026, 4, 5)),
        # 23:30 NZST on Sunday 5 April, the same local day 24 hours later.
        (AUCKLAND, AUCKLAND_START, utc(2026, 4, 5, 11, 30), "Sunday, 5 April", date(2026, 4, 5)),
    ],
)
def test_today_shows_and_logs_the_patients_own_day(
    client, clinician, zone, start, instant, heading, day
):
    program = program_in(clinician, zone, start)
    client.force_login(program.patient.user)
    with time_machine.travel(instant, tick=False):
        assert client.get("/app/")["Location"].endswith("/app/today/")
        page = client.get("/app/today/").content.decode()
        assert f"<small>{heading}</small>" in page
        # The form sends the day it shows, and that day is the patient's today, not tomorrow.
        assert f'name="day" value="{day.isoformat()}"' in page
        slug = selectors.patient_today(patient=program.patient).home[0].item.exercise.slug
        response = client.post(
            "/app/today/log/",
            {"client_key": "k1", "day": day.isoformat(), "exercise": slug, "done": "yes"},
        )
        assert response.status_code == 302
        assert ExerciseLog.objects.get().home_session.day == day
        again = client.get("/app/today/").content.decode()
    assert "✓ Done" in again


@pytest.mark.parametrize(
    ("zone", "start", "instant", "session_text"),
    [
        # Sunday 8 March, 23:30 PDT: the next session is on Monday at 10:00 PDT (17:00 UTC),
        # the ones before the change were at 10:00 PST (18:00 UTC).
        (LA, LA_START, utc(2026, 3, 9, 6, 30), "Monday, 9 March, 10:00"),
        # Sunday 5 April, 23:30 NZST: Monday at 10:00 NZST (22:00 UTC the day before).
        (AUCKLAND, AUCKLAND_START, utc(2026, 4, 5, 11, 30), "Monday, 6 April, 10:00"),
    ],
)
def test_the_next_clinic_session_is_shown_at_its_local_time_after_the_change(
    client, clinician, zone, start, instant, session_text
):
    program = program_in(clinician, zone, start, master=False)
    client.force_login(program.patient.user)
    with time_machine.travel(instant, tick=False):
        today = client.get("/app/today/").content.decode()
        history = client.get("/app/history/").content.decode()
    assert f"<strong>{session_text}</strong>" in today
    sessions = re.findall(r"<li>([^<:]+, \d\d:\d\d): (?:planned|not recorded yet)</li>", history)
    assert session_text in sessions
    # Every clinic session of the month, before the change and after it, at 10:00.
    assert len(sessions) >= 4 and all(text.endswith(", 10:00") for text in sessions)


@pytest.mark.parametrize(
    ("zone", "start", "instant", "month", "cell"),
    [
        # The day of the change, while UTC is already on the next day (LA) or not yet (NZ).
        (LA, LA_START, utc(2026, 3, 9, 6, 30), "March 2026", "8"),
        (AUCKLAND, AUCKLAND_START, utc(2026, 4, 4, 11, 30), "April 2026", "5"),
        # The last evening of March in Los Angeles is April in UTC...
        (LA, LA_START, utc(2026, 4, 1, 5, 0), "March 2026", "31"),
        # ...and the first night of April in Auckland is still March in UTC.
        (AUCKLAND, AUCKLAND_START, utc(2026, 3, 31, 12, 0), "April 2026", "1"),
    ],
)
def test_history_opens_on_the_patients_month_with_their_today_marked(
    client, clinician, zone, start, instant, month, cell
):
    program = program_in(clinician, zone, start)
    client.force_login(program.patient.user)
    with time_machine.travel(instant, tick=False):
        page = client.get("/app/history/").content.decode()
    assert f"<h2>{month}</h2>" in page
    assert today_cell(page) == cell
