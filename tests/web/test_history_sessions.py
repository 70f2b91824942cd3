"""History marks each clinic session by what the clinic recorded: attended, missed or
cancelled; a past session the clinic has not recorded yet says so, and is never "planned".

Dates are the patient's, on both sides of UTC; in English and in Russian.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from planner import selectors, services
from planner.models import SupervisedSession, SupervisedStatus
from planner.selectors.history import clinic_session_outcome
from rehab import services as rehab_services
from tests.conftest import make_patient, start_program
from tests.web.conftest import with_login

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("library")]

LA, AUCKLAND = "America/Los_Angeles", "Pacific/Auckland"
START = date(2026, 6, 1)  # a Monday
# Ten minutes past midnight UTC on Wednesday 17 June: still the 16th in Los Angeles, already
# midday of the 17th in Auckland.
NOW = datetime(2026, 6, 17, 0, 10, tzinfo=UTC)


def supervised_patient(clinician, zone: str, *, language: str = "en"):
    """A patient in `zone` whose program began on START, still practising at the clinic;
    of the past clinic sessions the first was attended, the second missed (as the admin's
    session page records it), the rest not recorded yet."""
    with time_machine.travel(datetime.combine(START, time(9, 0), tzinfo=ZoneInfo(zone))):
        patient = make_patient(clinician, time_zone=zone)
        patient.language = language
        patient.save(update_fields=["language"])
        rehab_services.patient_diagnosis_add(
            patient=patient, code="sciatica", side="left", stage="subacute"
        )
        with_login(patient, f"h-{zone.split('/')[1].lower()}-{language}")
        program = start_program(patient, clinician.user, START, master=False)
    sessions = list(program.supervised_sessions.order_by("scheduled_for"))
    past = [s for s in sessions if s.scheduled_for <= NOW]
    assert len(past) >= 4 and len(past) < len(sessions)
    item = selectors.program_exercises(version=selectors.program_current_version(program=program))[
        0
    ]
    services.supervised_session_record(
        session=past[0],
        by=clinician.user,
        entries=[services.SupervisedEntry(program_exercise_id=item.pk, technique=4)],
        today=past[0].scheduled_for.astimezone(ZoneInfo(zone)).date(),
    )
    # The admin's session page changes the status field itself.
    SupervisedSession.objects.filter(pk=past[1].pk).update(status=SupervisedStatus.MISSED)
    return patient, sessions


def local(moment: datetime, zone: str) -> datetime:
    return moment.astimezone(ZoneInfo(zone))


def english_line(moment: datetime, zone: str) -> str:
    at = local(moment, zone)
    return f"{at:%A}, {at.day} {at:%B}, {at:%H:%M}"


@pytest.mark.parametrize("zone", [LA, AUCKLAND])
def test_past_sessions_are_attended_missed_or_not_recorded_yet(
    client, clinician, zone, django_assert_max_num_queries
):
    patient, sessions = supervised_patient(clinician, zone)
    client.force_login(patient.user)
    with time_machine.travel(NOW, tick=False), django_assert_max_num_queries(14):
        page = client.get("/app/history/?month=2026-06").content.decode()
    june = [s for s in sessions if local(s.scheduled_for, zone).month == 6]
    expected = ["attended", "missed"] + [
        "not recorded yet" if s.scheduled_for <= NOW else "planned" for s in june[2:]
    ]
    for session, label in zip(june, expected, strict=True):
        assert f"<li>{english_line(session.scheduled_for, zone)}: {label}</li>" in page
    assert "not recorded yet" in expected and "planned" in expected
    # The calendar's day cells say it too, for screen readers, with a mark to see.
    assert "clinic session: attended" in page and "clinic session: missed" in page
    assert 'class="mark mark-clinic clinic-attended" aria-hidden="true">✚✓<' in page
    assert 'class="mark mark-clinic clinic-missed" aria-hidden="true">✚✕<' in page


def test_history_in_russian(client, clinician):
    patient, sessions = supervised_patient(clinician, "Europe/Moscow", language="ru")
    client.force_login(patient.user)
    client.cookies["django_language"] = "ru"
    with time_machine.travel(NOW, tick=False):
        page = client.get("/app/history/?month=2026-06").content.decode()
    first = local(sessions[0].scheduled_for, "Europe/Moscow")
    assert first.day == 1  # Monday 1 June, 10:00 at the clinic
    assert "<li>Понедельник, 1 июня, 10:00: посещено</li>" in page
    assert ": пропущено</li>" in page
    assert ": ещё не отмечено</li>" in page
    assert ": запланировано</li>" in page
    assert "занятие в клинике: посещено" in page
    assert "not recorded" not in page and ": attended" not in page


def test_the_outcome_of_a_session_at_the_edges():
    at = datetime(2026, 6, 16, 17, 0, tzinfo=UTC)
    session = SupervisedSession(scheduled_for=at, status=SupervisedStatus.PLANNED)
    assert clinic_session_outcome(session=session, now=at - timedelta(seconds=1)) == "planned"
    assert clinic_session_outcome(session=session, now=at) == "not_recorded"
    for status, outcome in [
        (SupervisedStatus.DONE, "attended"),
        (SupervisedStatus.MISSED, "missed"),
        (SupervisedStatus.CANCELLED, "cancelled"),
    ]:
        session.status = status
        assert clinic_session_outcome(session=session, now=at - timedelta(days=1)) == outcome
        assert clinic_session_outcome(session=session, now=at + timedelta(days=1)) == outcome
