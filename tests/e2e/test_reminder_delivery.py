"""Reminders through a real Redis and real Celery worker processes: each delivered exactly once,
whatever happens to the workers, the beat or Redis."""

import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CELERY = ROOT / ".venv" / "bin" / "celery"
pytestmark = pytest.mark.e2e
MESSAGE_ID = re.compile(r"^Message-ID: <reminder-(\d+)@rehab-planner>$", re.MULTILINE)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Stack:
    """A database file, a Redis server and the worker processes, all owned by one test."""

    root: Path
    redis_port: int
    env: dict[str, str]
    redis: subprocess.Popen[bytes] | None = None
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @property
    def database(self) -> Path:
        return self.root / "db.sqlite3"

    @property
    def mail(self) -> Path:
        return self.root / "mail"

    def manage(self, *args: str, code: str | None = None) -> str:
        command = [sys.executable, "manage.py", *args]
        if code is not None:
            command += ["-c", code]
        result = subprocess.run(
            command, cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=300
        )
        assert result.returncode == 0, result.stderr[-3000:]
        return result.stdout

    def start_redis(self) -> None:
        self.redis = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.redis_port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.redis_port)) == 0:
                    return
            time.sleep(0.1)
        pytest.fail("redis-server did not start")

    def stop_redis(self) -> None:
        assert self.redis is not None
        self.redis.terminate()
        self.redis.wait(timeout=20)

    def start_worker(self, name: str) -> subprocess.Popen[bytes]:
        log = (self.root / f"worker-{name}.log").open("wb")
        worker = subprocess.Popen(
            [
                str(CELERY),
                "-A",
                "config",
                "worker",
                "--concurrency",
                "2",
                "--loglevel",
                "WARNING",
                "--hostname",
                f"{name}@%h",
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: killed as a whole, like a crash
        )
        self.workers.append(worker)
        return worker

    def kill(self, worker: subprocess.Popen[bytes]) -> None:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=20)

    def tick(self) -> subprocess.Popen[str]:
        """One beat tick in its own process (as beat would start the task)."""
        return subprocess.Popen(
            [sys.executable, "manage.py", "reminders_tick"],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def query(self, sql: str) -> list[tuple]:
        with sqlite3.connect(self.database, timeout=30) as db:
            return db.execute(sql).fetchall()

    def statuses(self) -> Counter[str]:
        return Counter(
            dict(self.query("SELECT status, count(*) FROM planner_reminder GROUP BY status"))
        )

    def emails(self) -> Counter[int]:
        found: Counter[int] = Counter()
        if self.mail.exists():
            for message in self.mail.iterdir():
                found.update(
                    int(n) for n in MESSAGE_ID.findall(message.read_text(errors="replace"))
                )
        return found

    def wait_until_sent(self, count: int, timeout: float = 240, tick_every: float = 3) -> None:
        """Tick like beat does until every reminder is sent (or time runs out)."""
        deadline = time.monotonic() + timeout
        last_tick = 0.0
        while time.monotonic() < deadline:
            if self.statuses().get("sent", 0) == count:
                return
            if time.monotonic() - last_tick > tick_every:
                self.tick().wait(timeout=120)
                last_tick = time.monotonic()
            time.sleep(0.5)
        logs = "\n".join(
            p.read_text(errors="replace")[-2000:] for p in self.root.glob("worker-*.log")
        )
        pytest.fail(f"not all sent: {self.statuses()}\n{logs}")

    def assert_each_delivered_once(self, count: int) -> None:
        assert self.statuses() == Counter({"sent": count})
        emails = self.emails()
        assert len(emails) == count, f"{count - len(emails)} reminders without an email"
        doubled = {n: c for n, c in emails.items() if c > 1}
        assert not doubled, f"emailed more than once: {doubled}"
        in_app = self.query(
            "SELECT reminder_id, count(*) FROM planner_notification GROUP BY reminder_id"
        )
        assert len(in_app) == count and {c for _, c in in_app} == {1}

    def close(self) -> None:
        for worker in self.workers:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGTERM)
                try:
                    worker.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(worker.pid, signal.SIGKILL)
        if self.redis is not None and self.redis.poll() is None:
            self.redis.terminate()
            self.redis.wait(timeout=20)


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Stack]:
    redis_port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))},
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(tmp_path / "mail"),
        # Short enough for a test: a killed worker's messages return after 5 s, and a
        # due row handed out but not sent is handed out again after 5 s.
        "CELERY_VISIBILITY_TIMEOUT": "5",
        "REMINDER_REQUEUE_AFTER": "5",
        "LOG_LEVEL": "WARNING",
    }
    system = Stack(tmp_path, redis_port, env)
    system.manage("migrate", "-v0")
    system.start_redis()
    yield system
    system.close()


def seed(stack: Stack, count: int) -> None:
    code = f"from tests.e2e.delivery_fixture import create_due_alerts; create_due_alerts({count})"
    stack.manage("shell", code=code)


def test_a_thousand_due_reminders_are_delivered_exactly_once(stack):
    seed(stack, 1000)
    stack.start_worker("w1")
    stack.tick().wait(timeout=120)
    stack.wait_until_sent(1000)
    stack.assert_each_delivered_once(1000)


def test_a_worker_killed_mid_run_and_restarted_loses_and_doubles_nothing(stack):
    seed(stack, 1000)
    first = stack.start_worker("w1")
    stack.tick().wait(timeout=120)
    deadline = time.monotonic() + 120
    while stack.statuses().get("sent", 0) < 200 and time.monotonic() < deadline:
        time.sleep(0.2)
    sent_before = stack.statuses().get("sent", 0)
    assert 0 < sent_before < 1000, "the worker must be killed in the middle of the run"
    stack.kill(first)
    stack.start_worker("w2")
    stack.wait_until_sent(1000)
    stack.assert_each_delivered_once(1000)


def test_two_beat_ticks_at_once_send_nothing_twice(stack):
    seed(stack, 500)
    stack.start_worker("w1")
    stack.start_worker("w2")
    ticks = [stack.tick(), stack.tick()]
    for tick in ticks:
        assert tick.wait(timeout=120) == 0, tick.stderr.read() if tick.stderr else ""
    stack.wait_until_sent(500)
    stack.assert_each_delivered_once(500)


def test_redis_restarted_mid_run_loses_nothing_that_was_committed(stack):
    seed(stack, 600)
    stack.start_worker("w1")
    stack.tick().wait(timeout=120)
    deadline = time.monotonic() + 120
    while stack.statuses().get("sent", 0) < 100 and time.monotonic() < deadline:
        time.sleep(0.2)
    stack.stop_redis()  # the queued messages are gone with it (no persistence)
    time.sleep(1)
    stack.start_redis()
    stack.wait_until_sent(600)
    stack.assert_each_delivered_once(600)
