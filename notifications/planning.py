"""Planning: which reminders fall due today, as rows with a unique (who, kind, day).

Planning inserts rows and ignores the ones that exist, so two beats plan once.
"""

from collections import defaultdict
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

from notifications.alerts import alerts_raise_missing
from notifications.models import Reminder, ReminderKind
from notifications.selectors import reminder_preferences_get
from notifications.timing import after_quiet_hours, due_at, local_date
from planner.engine.adherence import missed_streak
from planner.models import (
    Program,
    ProgramStatus,
    ReviewProposal,
    ReviewStatus,
    SupervisedSession,
    SupervisedStatus,
)
from planner.selectors import HomeDays, home_days
from planner.services.events import missed_days_record

# How far ahead clinic-session reminders are planned (a little over the 24 h one).
SUPERVISED_LOOKAHEAD = timedelta(hours=26)
DIGEST_WEEKDAY, DIGEST_TIME = 0, time(8, 0)  # Monday morning, clinic time


def reminders_plan(*, now: datetime) -> int:
    """Insert the rows due today for every active program and clinician; idempotent.

    First the planner records the patients who missed three days, and every recent event
    without an alert gets one. Returns how many reminder rows were proposed (existing
    ones are left untouched), alerts not counted.
    """
    missed_days_record(now=now)
    alerts_raise_missing(now=now)
    programs = list(
        Program.objects.filter(status=ProgramStatus.ACTIVE).select_related(
            "patient__reminder_preferences", "patient__clinician"
        )
    )
    rows: list[Reminder] = []
    if programs:
        earliest = min(local_date(now, p.patient.time_zone) for p in programs) - timedelta(days=3)
        latest = max(local_date(now, p.patient.time_zone) for p in programs)
        days = home_days(programs=programs, first=earliest, last=latest)
        for program in programs:
            rows.extend(_patient_rows(program, days, now))
        rows.extend(_supervised_rows(programs, now))
    rows.extend(_digest_rows(now))
    Reminder.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    return len(rows)


def _patient_rows(program: Program, days: HomeDays, now: datetime) -> list[Reminder]:
    patient = program.patient
    zone = patient.time_zone
    quiet = reminder_preferences_get(patient=patient).quiet_hours
    today = local_date(now, zone)
    count, minutes = days.exercises_on(program, today)
    rows: list[Reminder] = []
    if count and not days.is_logged(program, today):
        context = {"exercises": count, "minutes": minutes}
        rows.append(
            Reminder(
                kind=ReminderKind.DAILY_HOME,
                patient=patient,
                for_date=today,
                due_at=due_at(today, patient.reminder_time, zone, quiet),
                context=context,
            )
        )
        nudge_at = getattr(settings, "EVENING_NUDGE_TIME", None)
        if nudge_at is not None:
            rows.append(
                Reminder(
                    kind=ReminderKind.EVENING_NUDGE,
                    patient=patient,
                    for_date=today,
                    due_at=due_at(today, nudge_at, zone, quiet),
                )
            )
    history = [
        (day, days.exercises_on(program, day)[0] > 0, days.is_logged(program, day))
        for day in (today - timedelta(days=n) for n in range(1, 4))
    ]
    # Two missed days bring an encouraging word; the third is the planner's event
    # (planner.services.events.missed_days_record), which alerts the clinician instead.
    if missed_streak(history, today - timedelta(days=1)) == 2 and count:
        rows.append(
            Reminder(
                kind=ReminderKind.MISSED_TWO_DAYS,
                patient=patient,
                for_date=today,
                due_at=due_at(today, patient.reminder_time, zone, quiet),
                context={"minutes": minutes},
            )
        )
    return rows


def _supervised_rows(programs: list[Program], now: datetime) -> list[Reminder]:
    by_id = {p.pk: p for p in programs}
    rows: list[Reminder] = []
    for session in SupervisedSession.objects.filter(
        program__in=list(by_id),
        status=SupervisedStatus.PLANNED,
        scheduled_for__gt=now,
        scheduled_for__lte=now + SUPERVISED_LOOKAHEAD,
    ):
        patient = by_id[session.program_id].patient
        zone = patient.time_zone
        quiet = reminder_preferences_get(patient=patient).quiet_hours
        local = session.scheduled_for.astimezone(ZoneInfo(zone))
        kinds = [(ReminderKind.SUPERVISED_2H, timedelta(hours=2))]
        # The day-before reminder says "tomorrow": once the session's day has come, only the
        # 2-hour one is right (a session booked late, or the planner just started).
        if local_date(now, zone) < local.date():
            kinds.insert(0, (ReminderKind.SUPERVISED_24H, timedelta(hours=24)))
        for kind, ahead in kinds:
            when = after_quiet_hours(session.scheduled_for - ahead, zone, quiet)
            if when >= session.scheduled_for - timedelta(minutes=30):
                continue  # quiet hours would push it too close to the session to help
            rows.append(
                Reminder(
                    kind=kind,
                    patient=patient,
                    for_date=local.date(),
                    due_at=when,
                    context={"session": session.pk, "time": local.strftime("%H:%M")},
                )
            )
    return rows


def _digest_rows(now: datetime) -> list[Reminder]:
    clinic_zone = settings.TIME_ZONE
    today = local_date(now, clinic_zone)
    if today.weekday() != DIGEST_WEEKDAY:
        return []
    when = due_at(today, DIGEST_TIME, clinic_zone)
    pending: dict[int, list[str]] = defaultdict(list)
    for clinician_id, first, last in ReviewProposal.objects.filter(
        status=ReviewStatus.PENDING
    ).values_list(
        "program__patient__clinician", "program__patient__first_name", "program__patient__last_name"
    ):
        pending[clinician_id].append(f"{first} {last}")
    return [
        Reminder(
            kind=ReminderKind.WEEKLY_DIGEST,
            clinician_id=clinician_id,
            for_date=today,
            due_at=when,
            context={"pending": len(names), "patients": sorted(names)},
        )
        for clinician_id, names in pending.items()
    ]
