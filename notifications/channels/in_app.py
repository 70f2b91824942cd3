"""The in-app list: every message a person was sent, whatever the other channels did."""

from typing import Any

from notifications.messages import Message
from notifications.models import Notification, Reminder


def in_app_deliver(reminder: Reminder, message: Message, user: Any) -> None:
    """The reader's copy in the app; made once per reminder whatever the number of claims
    (the unique constraint on user and reminder keeps a second one out)."""
    Notification.objects.bulk_create(
        [
            Notification(
                user=user,
                reminder=reminder,
                title=message.title,
                body=message.body,
                link=message.link,
            )
        ],
        ignore_conflicts=True,
    )
