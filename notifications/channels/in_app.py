"""The in-app list: every message a person was sent, whatever the other channels did."""

from typing import Any

from notifications.messages import Message
from notifications.models import Notification, Reminder


def in_app_deliver(reminder: Reminder, message: Message, user: Any) -> Notification:
    return Notification.objects.create(
        user=user, reminder=reminder, title=message.title, body=message.body, link=message.link
    )
