"""The demo that `make run` seeds, built once per test module and rolled back after it.

A module that checks what a newcomer reads (the start banner, the README) uses it, so
the logins and objects it tries are the ones `make run` really makes.
"""

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction

# In the order of `make db`.
DEMO_COMMANDS = ("seed_demo", "seed_demo_programs", "seed_demo_reminders")


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """The demo data, inside a transaction rolled back after the module's last test; each
    test then runs in a savepoint of its own (ask for `db` after this fixture)."""
    with django_db_blocker.unblock(), transaction.atomic():
        for command in DEMO_COMMANDS:
            call_command(command, verbosity=0)
        yield
        transaction.set_rollback(True)
