"""The ways a message reaches someone: one module per channel (email, push, in-app).

Each channel raises TransientDeliveryError when trying again later may work and
PermanentDeliveryError when it will not; delivery decides what that means for the row.
"""


class TransientDeliveryError(Exception):
    """The channel may work if tried again later (network trouble, a 5xx, a 429)."""


class PermanentDeliveryError(Exception):
    """Trying again will not help (a 4xx other than gone); the reminder is marked failed."""
