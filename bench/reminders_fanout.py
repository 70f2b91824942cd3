"""Fan-out: 10,000 due reminders (email to the locmem backend) through Redis and 2 worker
processes, against a floor measured in the same run: 10,000 empty task round trips through
the same broker and workers. Prints both, their ratio, and how late the last reminder was.
Targets (issue 5): all sent within 60 s of their due time, at most 3x the floor.

    .venv/bin/python bench/reminders_fanout.py [--reminders 10000]
"""

import argparse
import os
import shutil
import sqlite3
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
    database = scratch / "bench.sqlite3"
    redis = RedisServer()
    env = service_env(
        database, redis.url, EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"
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
                measure(args.reminders, database)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def measure(reminders: int, database: Path) -> None:
    """The floor, then the fan-out, through the worker already answering; prints both."""
    import django

    django.setup()
    from celery import group

    from notifications.tasks import reminders_tick
    from planner.tasks import ping

    # One round trip before the clock starts: this process's connections to the broker and
    # the result backend are then open, as they are for the fan-out.
    ping.delay().get(timeout=60)

    start = time.perf_counter()
    group(ping.s() for _ in range(reminders)).apply_async().get(timeout=600)
    floor = time.perf_counter() - start

    with sqlite3.connect(database, timeout=30) as db:
        db.execute("UPDATE planner_reminder SET due_at = ?", (_utc_now(),))
    due = time.perf_counter()
    handed = reminders_tick()
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        with sqlite3.connect(database, timeout=30) as db:
            sent = db.execute(
                "SELECT count(*) FROM planner_reminder WHERE status = 'sent'"
            ).fetchone()[0]
        if sent == reminders:
            break
        time.sleep(0.2)
    else:
        sys.exit(f"only {sent} of {reminders} reminders were sent within 10 minutes")
    measured = time.perf_counter() - due
    print(
        f"reminders:           {reminders} ({handed} handed to {WORKER_PROCESSES} worker processes)"
    )
    print(f"fan-out:             {measured:.2f} s ({reminders / measured:.0f} a second)")
    print(f"floor (empty tasks): {floor:.2f} s ({reminders / floor:.0f} a second)")
    print(f"ratio:               {measured / floor:.2f}x")
    print(f"last one late by:    {measured:.1f} s after it fell due")
    met = measured <= 60 and measured <= 3 * floor
    print(f"targets (60 s, 3x):  {'met' if met else 'MISSED'}")


def _utc_now() -> str:
    from datetime import UTC, datetime

    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


if __name__ == "__main__":
    main()
