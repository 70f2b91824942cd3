"""Web Push delivery (VAPID), the one place that talks to browsers' push services."""

import json
from typing import Any, Literal

from django.conf import settings
from django.utils import timezone
from pywebpush import WebPushException, webpush

from notifications.channels import PermanentDeliveryError, TransientDeliveryError
from notifications.messages import Message
from notifications.models import PushSubscription
from notifications.push_endpoints import push_endpoint_problem

PushOutcome = Literal["sent", "gone", "refused"]


def push_configured() -> bool:
    return bool(
        getattr(settings, "VAPID_PRIVATE_KEY", "") and getattr(settings, "VAPID_SUBJECT", "")
    )


def push_send(
    subscription: PushSubscription, payload: dict[str, Any], *, topic: str
) -> PushOutcome:
    """Send one encrypted message; 'gone' when the push service says the subscription ended,
    'refused' (nothing sent, no connection made) when the endpoint is not a push service's
    that the settings allow: a row stored before the check, or a host since taken off."""
    if push_endpoint_problem(subscription.endpoint) is not None:
        return "refused"
    try:
        webpush(
            subscription_info={
                "endpoint": subscription.endpoint,
                "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
            },
            data=json.dumps(payload),
            vapid_private_key=settings.VAPID_PRIVATE_KEY,
            vapid_claims={"sub": settings.VAPID_SUBJECT},
            ttl=12 * 3600,
            # The same topic replaces an undelivered copy at the push service: a message
            # retried after a crash is shown once.
            headers={"Topic": topic, "Urgency": "normal"},
            timeout=10,
        )
    except WebPushException as error:
        status = error.response.status_code if error.response is not None else None
        if status in (404, 410):
            return "gone"
        if status is None or status == 429 or status >= 500:
            raise TransientDeliveryError(f"push service: {error}") from None
        raise PermanentDeliveryError(f"push service refused the message ({status}).") from None
    except OSError as error:  # connection refused, reset, timeouts from requests
        raise TransientDeliveryError(f"push service unreachable: {error}") from None
    return "sent"


def push_deliver(topic: str, subscriptions: list[PushSubscription], message: Message) -> bool:
    """Send the message to each of the reader's browsers; True when one took it.

    A subscription the push service reports gone, or whose address is not an allowed push
    service's, is switched off, not retried. `topic` is the same for every copy of one
    message: the push service keeps only the newest.
    """
    # `link` is the key the service worker reads to open the app on a tap.
    payload = {"title": message.title, "body": message.body, "link": message.link}
    delivered = False
    for subscription in subscriptions:
        outcome = push_send(subscription, payload, topic=topic)
        if outcome == "sent":
            delivered = True
            continue
        subscription.is_active = False
        subscription.disabled_at = timezone.now()
        subscription.disabled_reason = (
            "The push service reports the subscription gone."
            if outcome == "gone"
            else "Not a push service's address that the settings allow: never sent to."
        )
        subscription.save(update_fields=["is_active", "disabled_at", "disabled_reason"])
    return delivered
