"""The demonstration commands refuse production settings.

They publish their passwords (the README, `make run`'s banner) and `seed_demo` resets the
demo accounts, the administrator's included, to them. Production settings say so with
DEMO_DATA_ALLOWED = False; every other environment allows them.
"""

from django.conf import settings
from django.core.management.base import CommandError

# Exit status of a refused run (as for a usage error), distinct from a failure (1).
REFUSED = 2


def demo_data_refuse_on_production(*, command: str, reason: str) -> None:
    """Raise CommandError (exit status 2) when demo data is not allowed here."""
    if getattr(settings, "DEMO_DATA_ALLOWED", False):
        return
    raise CommandError(
        f"{command} is for demonstrations and refuses to run on production settings: {reason}",
        returncode=REFUSED,
    )
