"""Reads of the notifications app: a patient's preferences, the calendar feed, the in-app
list."""

import functools
from datetime import datetime, timedelta
from typing import Any, cast

from django.db import connection
from django.db.models import Field, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from exercises.selectors import exercise_text
from notifications.ical import CalendarEvent, calendar_text
from notifications.models import Notification, ReminderPreferences
from notifications.timing import local_moment
from planner.dose_words import dose_words
from planner.models import Program, ProgramStatus, SupervisedStatus
from planner.selectors import program_schedule
from rehab.models import Patient
from rehab.selectors import clinic_settings


def reminder_preferences_get(*, patient: Patient) -> ReminderPreferences:
    """The patient's preferences, or the defaults when none were saved yet (not saved)."""
    try:
        # The reverse one-to-one from notifications to rehab, which the stubs cannot see.
        return cast(ReminderPreferences, cast(Any, patient).reminder_preferences)
    except ReminderPreferences.DoesNotExist:
        return ReminderPreferences(patient=patient)


def notifications_list(*, user: Any, unread_only: bool = False) -> QuerySet[Notification]:
    """The person's own in-app notifications, newest first, to slice or paginate."""
    rows = Notification.objects.filter(user=user)
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    return rows.order_by("-created_at", "-id")


def notifications_unread_count(*, user: Any) -> int:
    """How many of the person's notifications are still unread: one query (none when
    nobody is signed in).

    Every page of the app shows it, Today (from the cache) included, so it is plain SQL:
    the ORM would spend longer building this query than the database running it.
    """
    if not getattr(user, "is_authenticated", False):
        return 0
    with connection.cursor() as cursor:
        cursor.execute(_unread_count_sql(), [user.pk])
        row = cursor.fetchone()
    return int(row[0])


@functools.cache
def _unread_count_sql() -> str:
    return "SELECT " + notifications_unread_count_sql(user_column="%s")


@functools.cache
def notifications_unread_count_sql(*, user_column: str) -> str:
    """The unread count as an SQL expression (a scalar subquery) for the person whose id
    `user_column` holds: for a query that reads it with other things (Today's stamp)."""
    quote = connection.ops.quote_name
    meta = Notification._meta
    user, read_at = (
        quote(str(cast("Field[Any, Any]", meta.get_field(name)).column))
        for name in ("user", "read_at")
    )
    return (
        f"(SELECT COUNT(*) FROM {quote(meta.db_table)} "
        f"WHERE {user} = {user_column} AND {read_at} IS NULL)"
    )


def calendar_feed_render(*, token: str, now: datetime | None = None) -> str | None:
    """The patient's sessions as iCalendar text, or None for an unknown token."""
    preferences = (
        ReminderPreferences.objects.filter(calendar_token=token).select_related("patient").first()
    )
    if preferences is None or not token:
        return None
    patient = preferences.patient
    with translation.override(patient.language):
        return _calendar_text(patient, now or timezone.now())


def _calendar_text(patient: Patient, now: datetime) -> str:
    events: list[CalendarEvent] = []
    clinic = clinic_settings().location  # home exercises are done at home: no location
    for program in Program.objects.filter(
        patient=patient, status__in=[ProgramStatus.ACTIVE, ProgramStatus.PAUSED]
    ):
        for day in program_schedule(program=program):
            if day.home and program.status == ProgramStatus.ACTIVE:
                seconds = sum(item.estimated_seconds for item in day.home)
                events.append(
                    CalendarEvent(
                        uid=f"home-{program.pk}-{day.day.isoformat()}@rehab-planner",
                        start=local_moment(day.day, patient.reminder_time, patient.time_zone),
                        duration=timedelta(seconds=max(seconds, 600)),
                        summary=_("Home exercises (%(count)s)") % {"count": len(day.home)},
                        description="\n".join(
                            f"{exercise_text(exercise=i.exercise).name}: {dose_words(i)}"
                            for i in day.home
                        ),
                    )
                )
            for session in day.supervised:
                events.append(
                    CalendarEvent(
                        uid=f"clinic-{session.pk}@rehab-planner",
                        start=session.scheduled_for,
                        duration=timedelta(hours=1),
                        summary=_("Session at the clinic (#%(number)s)")
                        % {"number": session.number},
                        cancelled=session.status == SupervisedStatus.CANCELLED,
                        location=clinic,
                    )
                )
    return calendar_text(_("Exercises: %(name)s") % {"name": patient.first_name}, events, now=now)
