"""Fan-out: 10,000 due reminders (email to the locmem backend) through Redis and 2 worker
processes, against a floor measured in the same run: 10,000 empty task round trips through
the same broker and workers. Prints both, their ratio, and how late the last reminder was.
Targets: all sent within 60 s of their due time, at most 1.5x the floor.

Each reminder is claimed, sent and marked sent in short steps of its own
(notifications.delivery). The database is a throwaway SQLite file, or the (empty)
PostgreSQL database `DATABASE_URL` names:

    .venv/bin/python bench/reminders_fanout.py [--reminders 10000]
    scripts/with-postgres.sh .venv/bin/python bench/reminders_fanout.py
"""

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import _django  # noqa: F401  (first: it puts the project, and testsupport, on the path)

from testsupport.processes import (
    WORKER_PROCESSES,
    CeleryWorker,
    RedisServer,
    manage,
    service_env,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reminders", type=int, default=10_000)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="rehab-fanout-"))
    redis = RedisServer()
    # PostgreSQL when the caller names one; else a throwaway SQLite file.
    chosen = {"DATABASE_URL": os.environ["DATABASE_URL"]} if "DATABASE_URL" in os.environ else {}
    env = service_env(
        scratch / "bench.sqlite3",
        redis.url,
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        **chosen,
    )
    os.environ.update(env)
    try:
        with redis:
            manage(env, "migrate", "-v0")
            seed = (
                "from testsupport.fixtures import create_due_alerts; "
                f"create_due_alerts({args.reminders})"
            )
            manage(env, "shell", "-c", seed)
            with CeleryWorker(env):
                measure(args.reminders)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def measure(reminders: int) -> None:
    """The floor, then the fan-out, through the worker already answering; prints both."""
    import django

    django.setup()
    from celery import group
    from django.db import connection
    from django.utils import timezone

    from notifications.models import Reminder, ReminderStatus
    from notifications.tasks import reminders_tick
    from planner.tasks import ping

    # One round trip before the clock starts: this process's connections to the broker and
    # the result backend are then open, as they are for the fan-out.
    ping.delay().get(timeout=60)

    start = time.perf_counter()
    group(ping.s() for _ in range(reminders)).apply_async().get(timeout=600)
    floor = time.perf_counter() - start

    Reminder.objects.update(due_at=timezone.now())
    due = time.perf_counter()
    handed = reminders_tick()
    deadline = time.monotonic() + 600
    sent = 0
    while time.monotonic() < deadline:
        sent = Reminder.objects.filter(status=ReminderStatus.SENT).count()
        if sent == reminders:
            break
        time.sleep(0.2)
    else:
        sys.exit(f"only {sent} of {reminders} reminders were sent within 10 minutes")
    measured = time.perf_counter() - due
    print(f"database:            {connection.vendor}")
    print(
        f"reminders:           {reminders} ({handed} handed to {WORKER_PROCESSES} worker processes)"
    )
    print(f"fan-out:             {measured:.2f} s ({reminders / measured:.0f} a second)")
    print(f"floor (empty tasks): {floor:.2f} s ({reminders / floor:.0f} a second)")
    print(f"ratio:               {measured / floor:.2f}x")
    print(f"last one late by:    {measured:.1f} s after it fell due")
    met = measured <= 60 and measured <= 1.5 * floor
    print(f"targets (60 s, 1.5x): {'met' if met else 'MISSED'}")


if __name__ == "__main__":
    main()
