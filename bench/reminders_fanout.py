"""Fan-out: 10,000 due reminders (email to the locmem backend) through Redis and 2 worker
processes, against a floor measured in the same run: 10,000 empty task round trips through
the same broker and workers. Prints both, their ratio, and how late the last reminder was.
Targets (issue 5): all sent within 60 s of their due time, at most 3x the floor.

    .venv/bin/python bench/reminders_fanout.py [--reminders 10000]
"""

import argparse
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reminders", type=int, default=10_000)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="rehab-fanout-"))
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))},
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": f"sqlite:///{scratch / 'bench.sqlite3'}",
        "REDIS_URL": f"redis://127.0.0.1:{port}/0",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "LOG_LEVEL": "WARNING",
    }
    os.environ.update(env)
    redis = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", ""],
        stdout=subprocess.DEVNULL,
    )
    worker = None
    try:
        manage = [sys.executable, "manage.py"]
        subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True)
        seed = (
            "from tests.e2e.delivery_fixture import create_due_alerts; "
            f"create_due_alerts({args.reminders})"
        )
        subprocess.run(
            [*manage, "shell", "-c", seed], cwd=ROOT, env=env, check=True, capture_output=True
        )
        worker = subprocess.Popen(
            [
                str(ROOT / ".venv/bin/celery"),
                "-A",
                "config",
                "worker",
                "--concurrency",
                "2",
                "--loglevel",
                "WARNING",
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=ROOT,
            env=env,
            start_new_session=True,
        )
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from celery import group

        from notifications.tasks import reminders_tick
        from planner.tasks import ping

        ping.delay().get(timeout=60)  # the worker is up

        start = time.perf_counter()
        group(ping.s() for _ in range(args.reminders)).apply_async().get(timeout=600)
        floor = time.perf_counter() - start

        database = scratch / "bench.sqlite3"
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
            if sent == args.reminders:
                break
            time.sleep(0.2)
        else:
            sys.exit(f"only {sent} of {args.reminders} reminders were sent within 10 minutes")
        measured = time.perf_counter() - due
        print(f"reminders:           {args.reminders} ({handed} handed to 2 worker processes)")
        print(f"fan-out:             {measured:.2f} s ({args.reminders / measured:.0f} a second)")
        print(f"floor (empty tasks): {floor:.2f} s ({args.reminders / floor:.0f} a second)")
        print(f"ratio:               {measured / floor:.2f}x")
        print(f"last one late by:    {measured:.1f} s after it fell due")
        met = measured <= 60 and measured <= 3 * floor
        print(f"targets (60 s, 3x):  {'met' if met else 'MISSED'}")
    finally:
        if worker is not None:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(timeout=60)
        redis.terminate()
        redis.wait(timeout=20)
        shutil.rmtree(scratch, ignore_errors=True)


def _utc_now() -> str:
    from datetime import UTC, datetime

    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


if __name__ == "__main__":
    main()
