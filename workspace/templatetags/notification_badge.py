"""The admin header's link to the signed-in person's notifications, with the unread count."""

from typing import Any

from django import template
from django.urls import reverse

from notifications.selectors import notifications_unread_count

register = template.Library()


@register.inclusion_tag("admin/workspace/notification_badge.html", takes_context=True)
def unread_notifications_link(context: dict[str, Any]) -> dict[str, Any]:
    """One query: the count (the header is on every admin page)."""
    request = context["request"]
    return {
        "url": reverse("admin:notifications_notification_changelist"),
        "unread": notifications_unread_count(user=request.user),
    }
