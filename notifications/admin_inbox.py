"""The clinician's notifications in the admin: their own in-app copies of the alerts and
digests sent to them, newest first, read-only; seeing a page marks it read (a prefetch or
a HEAD request does not: notifications.seen).

Any staff member may open the list (it holds only what was sent to them), so no model
permission is needed and none is given: another person's rows are never in the queryset.
"""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from notifications.messages import Message, render_message
from notifications.models import Notification
from notifications.seen import request_is_a_look
from notifications.selectors import notifications_list
from notifications.services import notifications_mark_read


def notification_message(notification: Notification, language: str) -> Message:
    """The notification's words in the reader's language: a message made from a reminder is
    written again from it (its context was frozen with it), any other one is as stored."""
    reminder = notification.reminder
    if reminder is None:
        return Message(notification.title, notification.body, notification.link)
    try:
        return render_message(reminder, language)
    except ValueError:  # a kind with no words any more: the stored copy
        return Message(notification.title, notification.body, notification.link)


def _is_staff(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_active and user.is_staff)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("received", "message", "act")
    list_display_links = None
    list_select_related = ("reminder__patient",)
    list_per_page = 50
    show_full_result_count = False  # the list is the person's own: one count is enough
    actions = None
    ordering = ("-created_at", "-id")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Notification]:
        return notifications_list(user=request.user).select_related("reminder__patient")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _is_staff(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_staff(request) and (obj is None or obj.user_id == request.user.pk)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=gettext_lazy("Received"), ordering="created_at")
    def received(self, obj: Notification) -> Any:
        return obj.created_at

    @admin.display(description=gettext_lazy("Notification"))
    def message(self, obj: Notification) -> str:
        words = notification_message(obj, translation.get_language() or "en")
        new = (
            format_html(' <span class="notification-new">{}</span>', _("New"))
            if obj.read_at is None
            else ""
        )
        return format_html("<strong>{}</strong>{}<br>{}", words.title, new, words.body)

    @admin.display(description=gettext_lazy("Act"))
    def act(self, obj: Notification) -> str:
        if not obj.link:
            return ""
        return format_html('<a class="button" href="{}">{}</a>', obj.link, _("Open"))

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        extra = {"title": _("Your notifications"), **(extra_context or {})}
        response = super().changelist_view(request, extra)
        changelist = getattr(response, "context_data", {}).get("cl")
        if (
            isinstance(response, TemplateResponse)
            and changelist is not None
            and request_is_a_look(request)  # not a HEAD or a prefetch
        ):
            # Read before marking: the page shows which of them were new.
            rows = list(changelist.result_list)
            changelist.result_list = rows
            unread = [row.pk for row in rows if row.read_at is None]
            if unread:
                notifications_mark_read(user=request.user, ids=unread)
        return response
