"""Email: the one channel that cannot be taken back once the mail server has the message.

The connection is opened first, on its own: a failure there means nothing was handed
over. A failure after that, while the message is being sent, leaves it in doubt.
Timeouts come from EMAIL_TIMEOUT, so a stuck mail server never holds a worker for long.
"""

import contextlib
import smtplib

from django.core.mail import EmailMessage, get_connection

from notifications.channels import (
    InDoubtDeliveryError,
    PermanentDeliveryError,
    TransientDeliveryError,
)
from notifications.messages import Message, signed


def email_deliver(message_id: str, message: Message, address: str) -> None:
    """Send `message` to `address` under `message_id`, the same for every copy of it."""
    connection = get_connection()
    try:
        connection.open()
    except (OSError, smtplib.SMTPException) as error:
        raise TransientDeliveryError(f"email: the mail server is unreachable: {error}") from None
    try:
        EmailMessage(
            subject=message.title,
            body=signed(message.body, message.signature),
            to=[address],
            # One id per reminder: a mail client shows a copy sent again after a crash once.
            headers={"Message-ID": message_id},
            connection=connection,
        ).send()
    except smtplib.SMTPResponseException as error:
        # The server answered: it did not take the message.
        if 400 <= error.smtp_code < 500:
            raise TransientDeliveryError(f"email deferred: {error}") from None
        raise PermanentDeliveryError(f"email refused: {error}") from None
    except smtplib.SMTPRecipientsRefused as error:
        raise PermanentDeliveryError(f"email refused: {error}") from None
    except (OSError, smtplib.SMTPException) as error:
        raise InDoubtDeliveryError(f"email: the connection broke while sending: {error}") from None
    finally:
        with contextlib.suppress(OSError, smtplib.SMTPException):
            connection.close()  # the message's fate was decided above
