"""What happened in a patient's course, recorded as the planner's own rows.

The planner decides *that* a clinician must hear of something (a red flag
reported, pain of 6 or more, pain rising over baseline, days missed) and writes a
PatientEvent; it never sends anything. The notifications app turns new events into
alerts, and the clinician's worklist reads the same rows. So imports go one way:
notifications reads the planner, never the other way round.
"""

import logging
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from celery import current_app
from django.db import transaction
from django.utils import timezone

from planner.engine.adherence import missed_streak
from planner.models import EventKind, PatientEvent, Program, ProgramStatus
from planner.selectors import HomeDays, home_days
from rehab.models import Patient

logger = logging.getLogger(__name__)

# The notifications app registers a task under this name (a contract, like a URL): it
# turns the event into an alert at once. Sent by name, so the planner imports nothing of
# notifications; when the broker is down, the next minute's tick finds the event anyway.
EVENT_RECORDED_TASK = "notifications.tasks.patient_event_alert_task"
# Three planned home days in a row without a log (CLINICAL.md adherence) are an event.
MISSED_DAYS_EVENT_AT = 3


def patient_event_record(
    *, patient: Patient, kind: str, context: dict[str, Any], now: datetime | None = None
) -> PatientEvent | None:
    """Record that `kind` happened today (the patient's date); None when today's exists."""
    if kind not in EventKind.values:
        raise ValueError(f"{kind!r} is not an event kind.")
    moment = now or timezone.now()
    event, created = PatientEvent.objects.get_or_create(
        patient=patient,
        kind=kind,
        day=moment.astimezone(ZoneInfo(patient.time_zone)).date(),
        defaults={"context": context},
    )
    if not created:
        return None
    transaction.on_commit(lambda: _announce(event.pk))
    return event


def _announce(event_id: int) -> None:
    try:
        # No result is wanted: sent by name, the task's own ignore_result is unknown here,
        # and waiting on the result store makes an unreachable Redis hold the request for
        # its 20 reconnection attempts (`make db` before Redis starts waited 40 s).
        current_app.send_task(EVENT_RECORDED_TASK, (event_id,), ignore_result=True)
    except Exception:  # the broker unreachable must not fail the patient's request
        logger.warning("Event %s waits for the next tick: broker unreachable.", event_id)


def missed_days_record(*, now: datetime) -> list[PatientEvent]:
    """Record the patients whose last three planned home days went without a log.

    Run by the reminder tick each minute, so an event falls at the start of the
    patient's day; one row per patient and day, whatever the number of ticks.
    """
    programs = list(
        Program.objects.filter(
            status=ProgramStatus.ACTIVE, home_started_on__isnull=False
        ).select_related("patient")
    )
    if not programs:
        return []
    today_of = {p.pk: timezone.localdate(now, ZoneInfo(p.patient.time_zone)) for p in programs}
    days = home_days(
        programs=programs,
        first=min(today_of.values()) - timedelta(days=MISSED_DAYS_EVENT_AT),
        last=max(today_of.values()),
    )
    events: list[PatientEvent] = []
    for program in programs:
        today = today_of[program.pk]
        if missed_streak(_history(program, days, today), today - timedelta(days=1)) == (
            MISSED_DAYS_EVENT_AT
        ):
            events.append(
                PatientEvent(
                    patient=program.patient,
                    kind=EventKind.DAYS_MISSED,
                    day=today,
                    context={"days": MISSED_DAYS_EVENT_AT},
                )
            )
    return PatientEvent.objects.bulk_create(events, ignore_conflicts=True)


def _history(program: Program, days: HomeDays, today: date) -> Sequence[tuple[date, bool, bool]]:
    return [
        (day, days.exercises_on(program, day)[0] > 0, days.is_logged(program, day))
        for day in (today - timedelta(days=n) for n in range(1, MISSED_DAYS_EVENT_AT + 1))
    ]
