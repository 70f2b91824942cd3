"""The ways a message reaches someone: one module per channel (email, push, in-app).

Each channel raises TransientDeliveryError when the message surely did not go and trying
again later may work, InDoubtDeliveryError when the connection broke while the message
was being handed over (it may or may not have gone), and PermanentDeliveryError when
trying again will not help; delivery decides what each means for the row.
"""


class TransientDeliveryError(Exception):
    """Not sent, and it may work if tried again later (connection refused, a 5xx, a 429)."""


class InDoubtDeliveryError(TransientDeliveryError):
    """The connection broke while the message was handed over: it may have gone."""


class PermanentDeliveryError(Exception):
    """Trying again will not help (a 4xx other than gone); the reminder is marked failed."""
