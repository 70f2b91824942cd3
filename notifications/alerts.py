"""The alert entry point: the planner's events become alerts to the patient's clinician.

The planner records what happened (planner.services.events); this module turns each new
event into one alert row, due at once. A task does it the moment the event is
committed, and each minute's tick turns any event still without an alert (the
broker was down, the worker was restarted), so none is lost and none is doubled:
an event has at most one alert, and an alert at most one row per kind and day.
"""

from datetime import datetime, timedelta

from notifications.models import Reminder, ReminderKind
from planner.models import EventKind, PatientEvent

ALERT_OF_EVENT = {
    EventKind.RED_FLAG_REPORTED: ReminderKind.ALERT_RED_FLAG,
    EventKind.PAIN_HIGH: ReminderKind.ALERT_PAIN,
    EventKind.PAIN_RISING: ReminderKind.ALERT_PAIN_RISING,
    EventKind.DAYS_MISSED: ReminderKind.ALERT_MISSED_THREE_DAYS,
}
# Events older than this are history (the worklist shows them), not news to send.
ALERT_EVENTS_WITHIN = timedelta(days=2)


def _alert_row(event: PatientEvent, now: datetime) -> Reminder:
    return Reminder(
        kind=ALERT_OF_EVENT[EventKind(event.kind)],
        patient_id=event.patient_id,
        for_date=event.day,
        due_at=now,
        context=event.context,
        event=event,
    )


def alert_raise(*, event_id: int, now: datetime) -> Reminder | None:
    """The alert of one event, made now if the tick has not made it already.

    None when the event is gone or today's alert of its kind came from elsewhere.
    Sending it is the caller's: the send claims the row, so a second caller sends nothing.
    """
    event = PatientEvent.objects.filter(pk=event_id).first()
    if event is None:
        return None
    Reminder.objects.bulk_create([_alert_row(event, now)], ignore_conflicts=True)
    return Reminder.objects.filter(event=event).first()


def alerts_raise_missing(*, now: datetime) -> int:
    """Alerts for the recent events that have none yet; idempotent (one query when none)."""
    events = list(
        PatientEvent.objects.filter(created_at__gte=now - ALERT_EVENTS_WITHIN, alert__isnull=True)
    )
    Reminder.objects.bulk_create(
        [_alert_row(event, now) for event in events], ignore_conflicts=True, batch_size=1000
    )
    return len(events)
