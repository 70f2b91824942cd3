"""Reminders and alerts: planning the rows, claiming them once, delivering them.

A reminder is a row with a unique (who, kind, day); planning inserts rows and
ignores the ones that exist, so two beats plan once. Sending claims a row with a
conditional update inside a transaction and delivers inside the same transaction:
a crash or a transient error rolls the claim back and the row is tried again,
a second worker finds it claimed and does nothing.
"""

import logging
import smtplib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, Max, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from planner.engine.generate import exercise_seconds
from planner.engine.reminders import (
    ChannelChoice,
    QuietHours,
    after_quiet_hours,
    channels_for,
    due_at,
    local_date,
    local_moment,
    missed_streak,
)
from planner.engine.types import Dose
from planner.ical import CalendarEvent, calendar_text
from planner.messages import Message, render_message
from planner.models import (
    ALERT_KINDS,
    ExerciseLog,
    ExerciseState,
    Notification,
    Program,
    ProgramExercise,
    ProgramStatus,
    ProgramVersion,
    PushSubscription,
    Reminder,
    ReminderKind,
    ReminderPreferences,
    ReminderStatus,
    ReviewProposal,
    ReviewStatus,
    SupervisedSession,
    SupervisedStatus,
    new_calendar_token,
)
from planner.push import (
    PermanentDeliveryError,
    TransientDeliveryError,
    push_configured,
    push_send,
)
from planner.selectors import program_schedule
from rehab.models import Clinician, Patient

logger = logging.getLogger(__name__)
# How far ahead clinic-session reminders are planned (a little over the 24 h one).
SUPERVISED_LOOKAHEAD = timedelta(hours=26)
DIGEST_WEEKDAY, DIGEST_TIME = 0, time(8, 0)  # Monday morning, clinic time


def preferences_of(patient: Patient) -> ReminderPreferences:
    """The patient's preferences, or the defaults when none were saved yet (not saved)."""
    try:
        # The reverse one-to-one from planner to rehab, which the type stubs cannot see.
        return cast(ReminderPreferences, cast(Any, patient).reminder_preferences)
    except ReminderPreferences.DoesNotExist:
        return ReminderPreferences(patient=patient)


def quiet_hours_of(preferences: ReminderPreferences) -> QuietHours | None:
    if preferences.quiet_start is None or preferences.quiet_end is None:
        return None
    return QuietHours(preferences.quiet_start, preferences.quiet_end)


# -- planning -----------------------------------------------------------------------------------


@dataclass
class _ProgramDays:
    """What planning needs to know about one program's days, read in bulk."""

    # program id -> (mastered on, estimated seconds) of each home exercise of its current version
    home_items: dict[int, list[tuple[date, int]]]
    logged: set[tuple[int, date]]  # (program id, day) with a log


def _program_days(programs: list[Program], first: date, last: date) -> _ProgramDays:
    ids = [p.pk for p in programs]
    latest = dict(
        ProgramVersion.objects.filter(program__in=ids)
        .values("program")
        .annotate(latest=Max("number"))
        .values_list("program", "latest")
    )
    home_items: dict[int, list[tuple[date, int]]] = defaultdict(list)
    for (
        program_id,
        number,
        mastered_on,
        sets,
        reps,
        hold,
        duration,
        per_rep,
    ) in ProgramExercise.objects.filter(
        version__program__in=ids,
        state=ExerciseState.MASTERED,
        supervised_only=False,
        mastered_on__isnull=False,
    ).values_list(
        "version__program",
        "version__number",
        "mastered_on",
        "sets",
        "reps",
        "hold_s",
        "duration_s",
        "exercise__seconds_per_rep",
    ):
        if number == latest.get(program_id) and mastered_on is not None:
            seconds = exercise_seconds(Dose(sets, reps, hold, duration), per_rep)
            home_items[program_id].append((mastered_on, seconds))
    logged = set(
        ExerciseLog.objects.filter(
            home_session__program__in=ids, home_session__day__range=(first, last), done=True
        ).values_list("home_session__program", "home_session__day")
    )
    return _ProgramDays(home_items, logged)


def _home_day(program: Program, days: _ProgramDays, day: date) -> tuple[int, int]:
    """How many home exercises the day holds, and their minutes."""
    if program.home_started_on is None or day < program.home_started_on:
        return 0, 0
    if not program.covers(day):
        return 0, 0
    items = [seconds for mastered_on, seconds in days.home_items[program.pk] if mastered_on <= day]
    return len(items), round(sum(items) / 60)


def reminders_plan(*, now: datetime) -> int:
    """Insert the rows due today for every active program and clinician; idempotent.

    Returns how many rows were proposed (existing ones are left untouched).
    """
    programs = list(
        Program.objects.filter(status=ProgramStatus.ACTIVE).select_related(
            "patient__reminder_preferences", "patient__clinician"
        )
    )
    rows: list[Reminder] = []
    if programs:
        earliest = min(local_date(now, p.patient.time_zone) for p in programs) - timedelta(days=3)
        latest = max(local_date(now, p.patient.time_zone) for p in programs)
        days = _program_days(programs, earliest, latest)
        for program in programs:
            rows.extend(_patient_rows(program, days, now))
        rows.extend(_supervised_rows(programs, now))
    rows.extend(_digest_rows(now))
    Reminder.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    return len(rows)


def _patient_rows(program: Program, days: _ProgramDays, now: datetime) -> list[Reminder]:
    patient = program.patient
    zone = patient.time_zone
    preferences = preferences_of(patient)
    quiet = quiet_hours_of(preferences)
    today = local_date(now, zone)
    count, minutes = _home_day(program, days, today)
    rows: list[Reminder] = []
    if count and (program.pk, today) not in days.logged:
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
        (day, _home_day(program, days, day)[0] > 0, (program.pk, day) in days.logged)
        for day in (today - timedelta(days=n) for n in range(1, 4))
    ]
    streak = missed_streak(history, today - timedelta(days=1))
    if streak == 2 and count:
        rows.append(
            Reminder(
                kind=ReminderKind.MISSED_TWO_DAYS,
                patient=patient,
                for_date=today,
                due_at=due_at(today, patient.reminder_time, zone, quiet),
                context={"minutes": minutes},
            )
        )
    if streak == 3:
        rows.append(
            Reminder(
                kind=ReminderKind.ALERT_MISSED_THREE_DAYS,
                patient=patient,
                for_date=today,
                due_at=now,
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
        quiet = quiet_hours_of(preferences_of(patient))
        local = session.scheduled_for.astimezone(ZoneInfo(zone))
        for kind, ahead in (
            (ReminderKind.SUPERVISED_24H, timedelta(hours=24)),
            (ReminderKind.SUPERVISED_2H, timedelta(hours=2)),
        ):
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


def clinician_alert(
    *, patient: Patient, kind: str, context: dict[str, Any], now: datetime | None = None
) -> Reminder | None:
    """An immediate alert to the patient's clinician, at most one per kind and day.

    Queued for sending once the caller's transaction commits. Returns None when the
    day's alert of this kind already exists.
    """
    if kind not in ALERT_KINDS:
        raise ValueError(f"{kind!r} is not an alert kind.")
    moment = now or timezone.now()
    reminder, created = Reminder.objects.get_or_create(
        patient=patient,
        kind=kind,
        for_date=local_date(moment, patient.time_zone),
        defaults={"due_at": moment, "context": context},
    )
    if not created:
        return None
    transaction.on_commit(lambda: _send_soon(reminder.pk))
    return reminder


def _send_soon(reminder_id: int) -> None:
    """Hand an alert to the workers now; if the broker is down, the next tick sends it."""
    # Imported here: the tasks module imports this one.
    from planner.tasks import reminder_send_task

    try:
        reminder_send_task.delay(reminder_id)
    except Exception:  # the broker unreachable must not fail the patient's request
        logger.warning("Alert %s waits for the next tick: broker unreachable.", reminder_id)


# -- claiming and sending -----------------------------------------------------------------------


def reminders_queue_due(*, now: datetime, limit: int = 100_000) -> list[int]:
    """Ids of due rows to hand to the workers, each handed out once every few minutes.

    Handing a row out twice is harmless (the send claims it), but a backlog should not
    grow the queue with copies each minute.
    """
    stale = now - timedelta(seconds=settings.REMINDER_REQUEUE_AFTER)
    candidates = list(
        Reminder.objects.filter(status=ReminderStatus.PENDING, due_at__lte=now)
        .filter(Q(queued_at__isnull=True) | Q(queued_at__lt=stale))
        .order_by("due_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    if not candidates:
        return []
    with transaction.atomic():
        Reminder.objects.filter(pk__in=candidates).update(queued_at=now)
    return candidates


def reminder_send(*, reminder_id: int, now: datetime | None = None) -> str:
    """Send one reminder if nobody has: 'sent', 'skipped', 'failed' or 'not-claimed'.

    Raises TransientDeliveryError after rolling the claim back, so the caller retries.
    """
    moment = now or timezone.now()
    try:
        with transaction.atomic():
            claimed = Reminder.objects.filter(
                pk=reminder_id,
                status=ReminderStatus.PENDING,
                sent_at__isnull=True,
                due_at__lte=moment,
            ).update(sent_at=moment, attempts=F("attempts") + 1)
            if not claimed:
                return "not-claimed"
            # Only the joins this kind needs: the big four-way join cost more to build than
            # the two small queries it saves.
            reminder = Reminder.objects.get(pk=reminder_id)
            if reminder.patient_id is not None:
                related = (
                    ("clinician__user",)
                    if reminder.kind in ALERT_KINDS
                    else ("user", "reminder_preferences")
                )
                reminder.patient = Patient.objects.select_related(*related).get(
                    pk=reminder.patient_id
                )
            elif reminder.clinician_id is not None:
                reminder.clinician = Clinician.objects.select_related("user").get(
                    pk=reminder.clinician_id
                )
            reason = _no_longer_needed(reminder, moment)
            if reason:
                reminder.status = ReminderStatus.SKIPPED
                reminder.last_error = reason
                reminder.save(update_fields=["status", "last_error"])
                return "skipped"
            try:
                _deliver(reminder)
            except PermanentDeliveryError as error:
                reminder.status = ReminderStatus.FAILED
                reminder.last_error = str(error)
                reminder.save(update_fields=["status", "last_error"])
                return "failed"
            return "sent"
    except TransientDeliveryError as error:
        # The claim is rolled back with the transaction; keep the trace for the clinic.
        Reminder.objects.filter(pk=reminder_id).update(
            attempts=F("attempts") + 1, last_error=str(error)[:1000]
        )
        raise


def reminder_give_up(*, reminder_id: int, error: str) -> None:
    """After the last retry: the row is failed, with its last error."""
    Reminder.objects.filter(pk=reminder_id, status=ReminderStatus.PENDING).update(
        status=ReminderStatus.FAILED, last_error=error[:1000]
    )


def _no_longer_needed(reminder: Reminder, now: datetime) -> str:
    """Why a patient reminder should not go out after all, or '' when it should."""
    patient = reminder.patient
    if patient is None or reminder.kind in ALERT_KINDS:
        return ""
    program = Program.objects.filter(patient=patient, status=ProgramStatus.ACTIVE).first()
    if program is None:
        return "The program is not active (paused or completed)."
    if reminder.kind in (ReminderKind.SUPERVISED_24H, ReminderKind.SUPERVISED_2H):
        planned = SupervisedSession.objects.filter(
            pk=reminder.context.get("session"), status=SupervisedStatus.PLANNED
        ).exists()
        return "" if planned else "The clinic session is no longer planned."
    if ExerciseLog.objects.filter(
        home_session__program=program, home_session__day=reminder.for_date, done=True
    ).exists():
        return "The day is already logged."
    if local_date(now, patient.time_zone) > reminder.for_date:
        return "The day is over."
    return ""


def _deliver(reminder: Reminder) -> None:
    """Send on each channel the reader has and mark the row sent, in the caller's transaction.

    The email goes last, right before the commit: it is the one channel that cannot be
    taken back, so a crash before it leaves nothing sent, and a crash after it can only
    fall in the moment the commit takes.
    """
    if reminder.patient is not None and reminder.kind not in ALERT_KINDS:
        patient = reminder.patient
        preferences = preferences_of(patient)
        user = patient.user
        email = patient.email or (user.email if user is not None else "")
        language = preferences.language
        subscriptions = (
            list(PushSubscription.objects.filter(user=user, is_active=True))
            if user is not None and push_configured()
            else []
        )
        wanted = channels_for(
            ChannelChoice(email=preferences.email, push=preferences.push),
            has_email=bool(email),
            push_subscriptions=len(subscriptions),
        )
    else:
        clinician = _alerted_clinician(reminder)
        user = clinician.user
        email = user.email
        language = settings.LANGUAGE_CODE
        subscriptions = []
        wanted = ("in_app", "email") if email else ("in_app",)
    message = render_message(reminder, language)
    used: list[str] = []
    # Push first: it is the channel most likely to fail for a while, and its Topic lets
    # the push service replace a copy a retry sends again.
    if "push" in wanted and _push(reminder, subscriptions, message):
        used.append("push")
    if user is not None:
        Notification.objects.create(
            user=user, reminder=reminder, title=message.title, body=message.body, link=message.link
        )
        used.append("in_app")
    if "email" in wanted:
        used.append("email")
    Reminder.objects.filter(pk=reminder.pk).update(status=ReminderStatus.SENT, channels=used)
    if "email" in wanted:
        _email(reminder, message, email)


def _push(reminder: Reminder, subscriptions: list[PushSubscription], message: Message) -> bool:
    payload = {"title": message.title, "body": message.body, "url": message.link}
    delivered = False
    for subscription in subscriptions:
        if push_send(subscription, payload, topic=f"reminder{reminder.pk}") == "gone":
            subscription.is_active = False
            subscription.disabled_at = timezone.now()
            subscription.disabled_reason = "The push service reports the subscription gone."
            subscription.save(update_fields=["is_active", "disabled_at", "disabled_reason"])
        else:
            delivered = True
    return delivered


def _email(reminder: Reminder, message: Message, address: str) -> None:
    try:
        EmailMessage(
            subject=message.title,
            body=message.body,
            to=[address],
            # One id per reminder: a mail client shows a copy re-sent after a crash once.
            headers={"Message-ID": f"<reminder-{reminder.pk}@rehab-planner>"},
        ).send()
    except (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, OSError) as error:
        raise TransientDeliveryError(f"email: {error}") from None
    except smtplib.SMTPException as error:
        raise PermanentDeliveryError(f"email refused: {error}") from None


def _alerted_clinician(reminder: Reminder) -> Clinician:
    if reminder.clinician is not None:
        return reminder.clinician
    if reminder.patient is None:
        raise ValueError(f"Reminder {reminder.pk} has no recipient.")
    return reminder.patient.clinician


# -- subscriptions and the calendar feed --------------------------------------------------------


def push_subscription_register(
    *, user: Any, endpoint: str, p256dh: str, auth: str
) -> PushSubscription:
    """Remember a browser's push endpoint (registering it again re-activates it)."""
    errors = {}
    if not endpoint.startswith("https://"):
        errors["endpoint"] = "A push endpoint is an https:// address."
    if not p256dh or not auth:
        errors["keys"] = "Both keys of the subscription (p256dh and auth) are required."
    if errors:
        raise ValidationError(errors)
    subscription, _ = PushSubscription.objects.update_or_create(
        endpoint=endpoint,
        defaults={
            "user": user,
            "p256dh": p256dh,
            "auth": auth,
            "is_active": True,
            "disabled_at": None,
            "disabled_reason": "",
        },
    )
    return subscription


def calendar_token_reset(*, patient: Patient) -> str:
    """A new secret address for the patient's calendar; the old one stops working at once."""
    preferences = preferences_of(patient)
    preferences.calendar_token = new_calendar_token()
    preferences.save()
    return preferences.calendar_token


def calendar_feed(*, token: str, now: datetime | None = None) -> str | None:
    """The patient's sessions as iCalendar text, or None for an unknown token."""
    preferences = (
        ReminderPreferences.objects.filter(calendar_token=token).select_related("patient").first()
    )
    if preferences is None or not token:
        return None
    patient = preferences.patient
    with translation.override(preferences.language):
        return _calendar_text(patient, now or timezone.now())


def _calendar_text(patient: Patient, now: datetime) -> str:
    events: list[CalendarEvent] = []
    for program in Program.objects.filter(
        patient=patient, status__in=[ProgramStatus.ACTIVE, ProgramStatus.PAUSED]
    ):
        for day in program_schedule(program=program):
            if day.home and program.status == ProgramStatus.ACTIVE:
                seconds = sum(
                    exercise_seconds(
                        Dose(i.sets, i.reps, i.hold_s, i.duration_s), i.exercise.seconds_per_rep
                    )
                    for i in day.home
                )
                events.append(
                    CalendarEvent(
                        uid=f"home-{program.pk}-{day.day.isoformat()}@rehab-planner",
                        start=local_moment(day.day, patient.reminder_time, patient.time_zone),
                        duration=timedelta(seconds=max(seconds, 600)),
                        summary=_("Home exercises (%(count)s)") % {"count": len(day.home)},
                        description="\n".join(
                            f"{i.exercise.name}: {i.dose_text}" for i in day.home
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
                    )
                )
    return calendar_text(_("Exercises: %(name)s") % {"name": patient.first_name}, events, now=now)


# Settings the patient changes in the app that live on the patient record itself.
PATIENT_REMINDER_FIELDS = ("reminder_time", "time_zone")


@transaction.atomic
def reminder_preferences_update(*, patient: Patient, **changes: Any) -> ReminderPreferences:
    """Change how and when the patient hears from the clinic; field errors write nothing.

    Besides the preferences row this takes the daily reminder time and the time
    zone, which are kept on the patient.
    """
    allowed = {"email", "push", "quiet_start", "quiet_end", "language", *PATIENT_REMINDER_FIELDS}
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise ValidationError({name: "Not a reminder preference." for name in unknown})
    preferences = preferences_of(patient)
    patient_changes = {k: v for k, v in changes.items() if k in PATIENT_REMINDER_FIELDS}
    for name, value in changes.items():
        setattr(patient if name in PATIENT_REMINDER_FIELDS else preferences, name, value)
    errors: dict[str, str] = {}
    if (preferences.quiet_start is None) != (preferences.quiet_end is None):
        errors["quiet_end"] = "Give both the start and the end of the quiet hours, or neither."
    try:
        preferences.full_clean(exclude=["patient", "calendar_token"])
    except ValidationError as error:
        errors.update({k: " ".join(v) for k, v in error.message_dict.items()})
    if patient_changes:
        try:
            patient.clean_fields(
                exclude=[f.name for f in patient._meta.fields if f.name not in patient_changes]
            )
        except ValidationError as error:
            errors.update({k: " ".join(v) for k, v in error.message_dict.items()})
    if errors:
        if patient_changes:
            patient.refresh_from_db(fields=list(patient_changes))
        raise ValidationError(errors)
    if patient_changes:
        patient.save(update_fields=list(patient_changes))
    preferences.save()
    return preferences
