"""Who hears what, when and how: reminders, alerts, the in-app list, push endpoints.

These tables were created by the planner and keep their names (`planner_reminder`,
...): the models moved here with SeparateDatabaseAndState, the rows did not move.
"""

import secrets

from django.conf import settings
from django.db import models

from notifications.timing import QuietHours


class ReminderKind(models.TextChoices):
    DAILY_HOME = "daily_home", "Daily home session"
    EVENING_NUDGE = "evening_nudge", "Evening nudge (day not logged)"
    SUPERVISED_24H = "supervised_24h", "Clinic session tomorrow"
    SUPERVISED_2H = "supervised_2h", "Clinic session in 2 hours"
    MISSED_TWO_DAYS = "missed_two_days", "Encouragement after 2 missed days"
    ALERT_RED_FLAG = "alert_red_flag", "Alert: red flag reported"
    ALERT_PAIN = "alert_pain", "Alert: pain of 6 or more"
    ALERT_MISSED_THREE_DAYS = "alert_missed_three_days", "Alert: 3 missed days"
    ALERT_PAIN_RISING = "alert_pain_rising", "Alert: pain rising over baseline"
    WEEKLY_DIGEST = "weekly_digest", "Weekly digest of reviews"


PATIENT_KINDS = (
    ReminderKind.DAILY_HOME,
    ReminderKind.EVENING_NUDGE,
    ReminderKind.SUPERVISED_24H,
    ReminderKind.SUPERVISED_2H,
    ReminderKind.MISSED_TWO_DAYS,
)
ALERT_KINDS = (
    ReminderKind.ALERT_RED_FLAG,
    ReminderKind.ALERT_PAIN,
    ReminderKind.ALERT_MISSED_THREE_DAYS,
    ReminderKind.ALERT_PAIN_RISING,
)


def new_calendar_token() -> str:
    return secrets.token_urlsafe(32)


class ReminderPreferences(models.Model):
    """How and when a patient wants to hear from the clinic."""

    patient = models.OneToOneField(
        "rehab.Patient", on_delete=models.CASCADE, related_name="reminder_preferences"
    )
    email = models.BooleanField(default=True)
    push = models.BooleanField(default=True)
    quiet_start = models.TimeField(null=True, blank=True)
    quiet_end = models.TimeField(null=True, blank=True)
    calendar_token = models.CharField(max_length=64, unique=True, default=new_calendar_token)

    class Meta:
        db_table = "planner_reminderpreferences"
        verbose_name_plural = "reminder preferences"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quiet_start__isnull=True, quiet_end__isnull=True)
                | models.Q(quiet_start__isnull=False, quiet_end__isnull=False),
                name="preferences_quiet_hours_whole",
            ),
        ]

    def __str__(self) -> str:
        return f"Reminder preferences of {self.patient}"

    @property
    def quiet_hours(self) -> QuietHours | None:
        if self.quiet_start is None or self.quiet_end is None:
            return None
        return QuietHours(self.quiet_start, self.quiet_end)


class ReminderStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending (claimed by a worker)"
    SENT = "sent", "Sent"
    IN_DOUBT = "in_doubt", "In doubt (the send was interrupted; not sent again)"
    SKIPPED = "skipped", "Skipped (no longer needed)"
    FAILED = "failed", "Failed"


class Reminder(models.Model):
    """One message, claimed by a conditional update before it is sent (notifications.delivery).

    Patient reminders and clinician alerts concern a patient; the weekly digest
    concerns a clinician. One row per (who, kind, day), whatever the number of
    beats, workers or retries. A patient reminder goes out at most once, a message to a
    clinician at least once.
    """

    kind = models.CharField(max_length=32, choices=ReminderKind.choices)
    patient = models.ForeignKey(
        "rehab.Patient", null=True, blank=True, on_delete=models.CASCADE, related_name="reminders"
    )
    clinician = models.ForeignKey(
        "rehab.Clinician",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="digests",
    )
    for_date = models.DateField()
    due_at = models.DateTimeField()
    status = models.CharField(
        max_length=10, choices=ReminderStatus.choices, default=ReminderStatus.PENDING
    )
    queued_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # When a send was found interrupted (a worker died during it, or the connection broke).
    in_doubt_at = models.DateTimeField(null=True, blank=True)
    channels = models.JSONField(default=list, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    context = models.JSONField(default=dict, blank=True)
    # The message as frozen when the row was first claimed: text, recipient, channels, the
    # Message-ID and push Topic, and the channels done. Every copy sent is this one.
    outbox = models.JSONField(default=dict, blank=True)
    # The planner's record of what happened, for an alert made from one.
    event = models.OneToOneField(
        "planner.PatientEvent",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="alert",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "planner_reminder"
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(fields=["status", "due_at"], name="reminder_due_idx"),
            models.Index(fields=["status", "claimed_at"], name="reminder_claimed_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "kind", "for_date"],
                condition=models.Q(patient__isnull=False),
                name="reminder_once_per_patient_kind_day",
            ),
            models.UniqueConstraint(
                fields=["clinician", "kind", "for_date"],
                condition=models.Q(clinician__isnull=False),
                name="reminder_once_per_clinician_kind_day",
            ),
            models.CheckConstraint(
                condition=models.Q(patient__isnull=True, clinician__isnull=False)
                | models.Q(patient__isnull=False, clinician__isnull=True),
                name="reminder_for_a_patient_or_a_clinician",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=ReminderKind.values), name="reminder_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ReminderStatus.values),
                name="reminder_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.for_date}"


class Notification(models.Model):
    """The in-app list: every message a person was sent, whatever the other channels did."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    reminder = models.ForeignKey(
        Reminder, null=True, blank=True, on_delete=models.SET_NULL, related_name="notifications"
    )
    title = models.CharField(max_length=200)
    body = models.TextField()
    link = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "planner_notification"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "reminder"],
                condition=models.Q(reminder__isnull=False),
                name="notification_once_per_reminder",
            )
        ]

    def __str__(self) -> str:
        return self.title


class PushSubscription(models.Model):
    """A browser's Web Push endpoint, registered by the service worker."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    endpoint = models.URLField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        db_table = "planner_pushsubscription"

    def __str__(self) -> str:
        return f"Push to {self.endpoint[:60]}"
