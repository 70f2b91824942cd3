"""Email: the one channel that cannot be taken back once the mail server has the message."""

import smtplib

from django.core.mail import EmailMessage

from notifications.channels import PermanentDeliveryError, TransientDeliveryError
from notifications.messages import Message
from notifications.models import Reminder


def email_deliver(reminder: Reminder, message: Message, address: str) -> None:
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
