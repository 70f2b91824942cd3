"""The clinic's view of notifications: what went out, and a patient's preferences."""

from typing import Any

from django.contrib import admin
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse

from notifications.admin_inbox import NotificationAdmin  # noqa: F401 (registered there)
from notifications.models import Reminder, ReminderPreferences
from rehab.selectors import patient_visible_to


class ReminderPreferencesInline(admin.StackedInline):
    """Set for patients without the app; patients change them in the app themselves."""

    model = ReminderPreferences
    can_delete = False
    fields = ("email", "push", "quiet_start", "quiet_end", "calendar_address")
    readonly_fields = ("calendar_address",)

    @admin.display(description="calendar address")
    def calendar_address(self, obj: ReminderPreferences) -> str:
        if obj.pk is None:
            return "Given once the preferences are saved."
        return reverse("calendar-feed", args=[obj.calendar_token])


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    """What went out, what is waiting and what failed: read-only, for the clinic's checks."""

    list_display = (
        "due_at",
        "kind",
        "patient",
        "clinician",
        "status",
        "channels",
        "attempts",
        "in_doubt_at",
    )
    list_filter = ("status", "kind")
    list_select_related = ("patient", "clinician__user")
    date_hierarchy = "due_at"
    search_fields = ("patient__first_name", "patient__last_name")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return tuple(field.name for field in Reminder._meta.fields)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Reminder]:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        clinician = getattr(request.user, "clinician", None)
        if clinician is None:
            # Staff who are not clinicians own no patients: no reminders (not "the rows
            # without a clinician", which are every patient's).
            return queryset.none()
        return queryset.filter(
            models.Q(patient__in=patient_visible_to(user=request.user))
            | models.Q(clinician=clinician)
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
