"""The calendar feed and the reminders fall on the patient's own dates and wall-clock times,
on both sides of UTC and across daylight saving.

Los Angeles springs forward on 2026-03-08 (02:00 PST -> 03:00 PDT); Auckland falls back on
2026-04-05 (03:00 NZDT -> 02:00 NZST). The clock is frozen at instants where the date in UTC
is not the patient's date.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from notifications import delivery, planning
from notifications.models import Reminder, ReminderPreferences
from notifications.selectors import calendar_feed_render
from notifications.services import reminder_preferences_update
from planner.models import Program, SupervisedSession
from rehab import services as rehab_services
from tests.conftest import make_patient, start_program

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("library")]

LA, AUCKLAND = "America/Los_Angeles", "Pacific/Auckland"
LA_START = date(2026, 3, 2)  # Monday; clocks go forward on Sunday 8 March
AUCKLAND_START = date(2026, 3, 30)  # Monday; clocks go back on Sunday 5 April
STAMP = "%Y%m%dT%H%M%SZ"


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def program_in(
    clinician, zone: str, start: date, *, master: bool = True, reminder_time=time(7, 30)
) -> Program:
    """A patient in `zone` whose program starts on `start` (set up at 09:00 of that day where
    they live); with `master`, at home from the first day."""
    with time_machine.travel(datetime.combine(start, time(9, 0), tzinfo=ZoneInfo(zone))):
        patient = make_patient(clinician, time_zone=zone, reminder_time=reminder_time)
        rehab_services.patient_diagnosis_add(
            patient=patient, code="osteochondrosis", side="bilateral", stage="chronic"
        )
        return start_program(patient, clinician.user, start, master=master)


def session_on(program: Program, day: date) -> SupervisedSession:
    zone = ZoneInfo(program.patient.time_zone)
    return next(
        s
        for s in program.supervised_sessions.all()
        if s.scheduled_for.astimezone(zone).date() == day
    )


# -- the calendar feed ----------------------------------------------------------------------------


def feed_events(client, program: Program) -> dict[str, dict[str, str]]:
    """The feed as the patient's calendar app reads it: each event's fields by UID."""
    preferences, _ = ReminderPreferences.objects.get_or_create(patient=program.patient)
    response = client.get(f"/calendar/{preferences.calendar_token}.ics")
    assert response.status_code == 200
    text = response.content.decode().replace("\r\n ", "")  # unfold (RFC 5545 3.1)
    events = {}
    for block in text.split("BEGIN:VEVENT\r\n")[1:]:
        fields = dict(line.split(":", 1) for line in block.split("\r\n") if ":" in line)
        events[fields["UID"]] = fields
    return events


def moment(value: str) -> datetime:
    return datetime.strptime(value, STAMP).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("zone", "start", "now", "home_starts", "clinic_starts"),
    [
        (
            LA,
            LA_START,
            utc(2026, 3, 9, 6, 30),  # 23:30 PDT on 8 March
            # 07:30 PST, then 07:30 PDT from the day of the change on.
            {
                date(2026, 3, 7): utc(2026, 3, 7, 15, 30),
                date(2026, 3, 8): utc(2026, 3, 8, 14, 30),
                date(2026, 3, 9): utc(2026, 3, 9, 14, 30),
            },
            # 10:00 PST on Friday 6 March, 10:00 PDT on Monday 9 March.
            {date(2026, 3, 6): utc(2026, 3, 6, 18, 0), date(2026, 3, 9): utc(2026, 3, 9, 17, 0)},
        ),
        (
            AUCKLAND,
            AUCKLAND_START,
            utc(2026, 4, 4, 11, 30),  # 00:30 NZDT on 5 April
            # 07:30 NZDT, then 07:30 NZST from the day of the change on (the UTC day before).
            {
                date(2026, 4, 4): utc(2026, 4, 3, 18, 30),
                date(2026, 4, 5): utc(2026, 4, 4, 19, 30),
                date(2026, 4, 6): utc(2026, 4, 5, 19, 30),
            },
            # 10:00 NZDT on Friday 3 April, 10:00 NZST on Monday 6 April.
            {date(2026, 4, 3): utc(2026, 4, 2, 21, 0), date(2026, 4, 6): utc(2026, 4, 5, 22, 0)},
        ),
    ],
)
def test_feed_events_fall_on_the_patients_dates_and_wall_clock_times(
    client, clinician, zone, start, now, home_starts, clinic_starts
):
    program = program_in(clinician, zone, start)
    with time_machine.travel(now, tick=False):
        events = feed_events(client, program)
    local = ZoneInfo(zone)
    homes = {uid: e for uid, e in events.items() if uid.startswith("home-")}
    assert len(homes) == 42
    for uid, event in homes.items():
        day = date.fromisoformat(uid.split("-", 2)[2].split("@")[0])
        begins = moment(event["DTSTART"]).astimezone(local)
        assert (begins.date(), begins.time()) == (day, time(7, 30)), uid
    for day, expected in home_starts.items():
        assert moment(events[f"home-{program.pk}-{day.isoformat()}@rehab-planner"]["DTSTART"]) == (
            expected
        )
    clinic = {uid: e for uid, e in events.items() if uid.startswith("clinic-")}
    assert len(clinic) == 10
    for event in clinic.values():
        begins, ends = moment(event["DTSTART"]), moment(event["DTEND"])
        assert begins.astimezone(local).time() == time(10, 0)
        assert ends - begins == timedelta(hours=1)
    for day, expected in clinic_starts.items():
        event = events[f"clinic-{session_on(program, day).pk}@rehab-planner"]
        assert moment(event["DTSTART"]) == expected
    assert all(e["DTSTAMP"] == now.strftime(STAMP) for e in events.values())


@pytest.mark.parametrize(
    ("zone", "start", "day", "expected"),
    [
        # 02:30 does not exist in Los Angeles on 8 March: the clock shows 03:30 PDT then.
        (LA, LA_START, date(2026, 3, 8), utc(2026, 3, 8, 10, 30)),
        # 02:30 comes twice in Auckland on 5 April: the first one (NZDT) counts.
        (AUCKLAND, AUCKLAND_START, date(2026, 4, 5), utc(2026, 4, 4, 13, 30)),
    ],
)
def test_a_reminder_time_the_change_skips_or_repeats_is_placed_as_a_clock_shows_it(
    clinician, zone, start, day, expected
):
    program = program_in(clinician, zone, start, reminder_time=time(2, 30))
    token = ReminderPreferences.objects.create(patient=program.patient).calendar_token
    text = calendar_feed_render(token=token, now=utc(2026, 3, 1, 12, 0)) or ""
    events = text.replace("\r\n ", "").split("BEGIN:VEVENT\r\n")
    (event,) = [e for e in events if f"UID:home-{program.pk}-{day.isoformat()}@" in e]
    assert f"DTSTART:{expected.strftime(STAMP)}" in event


# -- reminders ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "start", "now", "for_date", "daily", "nudge"),
    [
        # 23:30 PST on Saturday 7 March (8 March in UTC): Saturday's reminders, in PST.
        (
            LA,
            LA_START,
            utc(2026, 3, 8, 7, 30),
            date(2026, 3, 7),
            utc(2026, 3, 7, 15, 30),
            utc(2026, 3, 8, 3, 30),
        ),
        # 23:30 PDT on Sunday 8 March (9 March in UTC): Sunday's, in PDT.
        (
            LA,
            LA_START,
            utc(2026, 3, 9, 6, 30),
            date(2026, 3, 8),
            utc(2026, 3, 8, 14, 30),
            utc(2026, 3, 9, 2, 30),
        ),
        # 01:00 NZDT on Saturday 4 April (3 April in UTC): Saturday's, in NZDT.
        (
            AUCKLAND,
            AUCKLAND_START,
            utc(2026, 4, 3, 12, 0),
            date(2026, 4, 4),
            utc(2026, 4, 3, 18, 30),
            utc(2026, 4, 4, 6, 30),
        ),
        # 01:00 NZDT on Sunday 5 April, before the clocks go back at 03:00: Sunday's
        # reminders are at 07:30 and 19:30 NZST, the offset of those hours, not of now.
        (
            AUCKLAND,
            AUCKLAND_START,
            utc(2026, 4, 4, 12, 0),
            date(2026, 4, 5),
            utc(2026, 4, 4, 19, 30),
            utc(2026, 4, 5, 7, 30),
        ),
    ],
)
def test_daily_reminders_are_due_at_the_patients_local_times_of_their_day(
    clinician, settings, zone, start, now, for_date, daily, nudge
):
    settings.EVENING_NUDGE_TIME = time(19, 30)
    program = program_in(clinician, zone, start)
    with time_machine.travel(now, tick=False):
        planning.reminders_plan(now=now)
    rows = {
        r.kind: (r.for_date, r.due_at)
        for r in Reminder.objects.filter(
            patient=program.patient, kind__in=["daily_home", "evening_nudge"]
        )
    }
    assert rows == {"daily_home": (for_date, daily), "evening_nudge": (for_date, nudge)}


@pytest.mark.parametrize(
    ("zone", "start", "now", "due"),
    [
        # Quiet until 08:00 on the day of the change: 08:00 PDT, 08:00 NZST.
        (LA, LA_START, utc(2026, 3, 9, 6, 30), utc(2026, 3, 8, 15, 0)),
        (AUCKLAND, AUCKLAND_START, utc(2026, 4, 4, 11, 30), utc(2026, 4, 4, 20, 0)),
    ],
)
def test_quiet_hours_end_at_the_patients_wall_clock_time_on_the_day_of_the_change(
    clinician, settings, zone, start, now, due
):
    settings.EVENING_NUDGE_TIME = None
    program = program_in(clinician, zone, start)
    ReminderPreferences.objects.create(
        patient=program.patient, quiet_start=time(22, 0), quiet_end=time(8, 0)
    )
    planning.reminders_plan(now=now)
    assert Reminder.objects.get(patient=program.patient, kind="daily_home").due_at == due


@pytest.mark.parametrize(
    ("zone", "start", "now", "session_day", "day_before", "two_hours_before"),
    [
        # Monday 9 March 10:00 PDT; the day before is already PDT (from 03:00).
        (
            LA,
            LA_START,
            utc(2026, 3, 8, 16, 0),  # 09:00 PDT on Sunday 8 March
            date(2026, 3, 9),
            utc(2026, 3, 8, 17, 0),
            utc(2026, 3, 9, 15, 0),
        ),
        # Monday 6 April 10:00 NZST; the day before is already NZST (from 03:00, 02:00 again).
        (
            AUCKLAND,
            AUCKLAND_START,
            utc(2026, 4, 4, 21, 0),  # 09:00 NZST on Sunday 5 April, 4 April in UTC
            date(2026, 4, 6),
            utc(2026, 4, 4, 22, 0),
            utc(2026, 4, 5, 20, 0),
        ),
    ],
)
def test_clinic_session_reminders_are_dated_and_timed_where_the_patient_lives(
    clinician, settings, zone, start, now, session_day, day_before, two_hours_before
):
    program = program_in(clinician, zone, start, master=False)
    session = session_on(program, session_day)
    planning.reminders_plan(now=now)
    rows = {
        r.kind: (r.for_date, r.due_at, r.context["time"])
        for r in Reminder.objects.filter(
            patient=program.patient, kind__in=["supervised_24h", "supervised_2h"]
        )
    }
    assert rows == {
        "supervised_24h": (session_day, day_before, "10:00"),
        "supervised_2h": (session_day, two_hours_before, "10:00"),
    }
    assert session.scheduled_for == two_hours_before + timedelta(hours=2)


def test_a_new_reminder_time_moves_todays_reminder_not_yet_sent(clinician):
    """Changed in the app's settings at 07:00 in Los Angeles: today's reminder, planned for
    09:00, falls due at 08:00 instead; one that already went out is left alone."""
    program = program_in(clinician, LA, LA_START, reminder_time=time(9, 0))
    with time_machine.travel(utc(2026, 3, 10, 14, 0), tick=False):  # 07:00 PDT
        planning.reminders_plan(now=timezone.now())
        daily = Reminder.objects.get(patient=program.patient, kind="daily_home")
        assert daily.due_at == utc(2026, 3, 10, 16, 0)
        reminder_preferences_update(patient=program.patient, reminder_time=time(9, 0))
        assert Reminder.objects.filter(pk=daily.pk).exists()  # nothing changed: kept
        reminder_preferences_update(patient=program.patient, reminder_time=time(8, 0))
        planning.reminders_plan(now=timezone.now())
        moved = Reminder.objects.get(patient=program.patient, kind="daily_home")
        assert moved.due_at == utc(2026, 3, 10, 15, 0)
        Reminder.objects.filter(pk=moved.pk).update(status="sent")
        reminder_preferences_update(patient=program.patient, reminder_time=time(7, 30))
        planning.reminders_plan(now=timezone.now())
        assert Reminder.objects.get(patient=program.patient, kind="daily_home").pk == moved.pk


def test_on_the_sessions_own_day_only_the_two_hour_reminder_is_planned_and_sent(clinician):
    """Auckland, Monday 6 April, a session at 10:00 NZST: planned at 07:00 that morning (the
    planner was down overnight), the day-before reminder would say "tomorrow"."""
    program = program_in(clinician, AUCKLAND, AUCKLAND_START, master=False)
    session = session_on(program, date(2026, 4, 6))
    morning = utc(2026, 4, 5, 19, 0)  # 07:00 NZST on 6 April
    planning.reminders_plan(now=morning)
    kinds = set(
        Reminder.objects.filter(patient=program.patient, for_date=date(2026, 4, 6)).values_list(
            "kind", flat=True
        )
    )
    assert kinds == {"supervised_2h"}
    # A day-before row planned the evening before but never sent (the workers were down) is
    # not sent on the day, and the 2-hour one not once the session has begun.
    late = Reminder.objects.create(
        kind="supervised_24h",
        patient=program.patient,
        for_date=date(2026, 4, 6),
        due_at=session.scheduled_for - timedelta(hours=24),
        context={"session": session.pk, "time": "10:00"},
    )
    assert delivery.reminder_send(reminder_id=late.pk, now=morning) == "skipped"
    late.refresh_from_db()
    assert "tomorrow would be wrong" in late.last_error
    two_hours = Reminder.objects.get(patient=program.patient, kind="supervised_2h")
    begun = session.scheduled_for + timedelta(minutes=1)
    assert delivery.reminder_send(reminder_id=two_hours.pk, now=begun) == "skipped"


def test_a_reminder_reached_only_in_the_quiet_hours_is_not_sent_into_them(clinician):
    """Los Angeles, quiet from 22:00 to 07:30: a program approved at 23:00 gets the day's
    09:00 reminder planned at once, long due; it is not sent at 23:00."""
    program = program_in(clinician, LA, LA_START, reminder_time=time(9, 0))
    reminder_preferences_update(
        patient=program.patient, quiet_start=time(22, 0), quiet_end=time(7, 30)
    )
    late_evening = utc(2026, 3, 11, 6, 0)  # 23:00 PDT on 10 March
    planning.reminders_plan(now=late_evening)
    daily = Reminder.objects.get(patient=program.patient, kind="daily_home")
    assert daily.due_at == utc(2026, 3, 10, 16, 0)  # 09:00 PDT, hours ago
    assert delivery.reminder_send(reminder_id=daily.pk, now=late_evening) == "skipped"
    daily.refresh_from_db()
    assert "quiet hours" in daily.last_error
    # She drops her quiet hours that evening: the day's reminder is planned again, and sent.
    with time_machine.travel(late_evening, tick=False):
        reminder_preferences_update(patient=program.patient, quiet_start=None, quiet_end=None)
    planning.reminders_plan(now=late_evening)
    again = Reminder.objects.get(patient=program.patient, kind="daily_home")
    assert again.pk != daily.pk
    assert delivery.reminder_send(reminder_id=again.pk, now=late_evening) == "sent"
