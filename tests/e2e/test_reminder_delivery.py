"""Reminders through a real Redis and real Celery worker processes: each delivered exactly once,
whatever happens to the workers, the beat or Redis."""

import re
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from testsupport.processes import ROOT, CeleryWorker, RedisServer, manage, service_env

pytestmark = pytest.mark.e2e
MESSAGE_ID = re.compile(r"^Message-ID: <reminder-(\d+)@rehab-planner>$", re.MULTILINE)


@dataclass
class Stack:
    """A database file, a Redis server and the worker processes, all owned by one test."""

    root: Path
    redis: RedisServer
    env: dict[str, str]
    workers: list[CeleryWorker] = field(default_factory=list)

    @property
    def database(self) -> Path:
        return self.root / "db.sqlite3"

    @property
    def mail(self) -> Path:
        return self.root / "mail"

    def start_worker(self, name: str) -> CeleryWorker:
        worker = CeleryWorker(self.env, name, log=self.root / f"worker-{name}.log")
        self.workers.append(worker)  # before it starts: stopped at the end even if it fails
        return worker.start()

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
            worker.stop(grace=20)
        self.redis.stop()


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Stack]:
    redis = RedisServer()
    env = service_env(
        tmp_path / "db.sqlite3",
        redis.url,
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(tmp_path / "mail"),
        # Short enough for a test: a killed worker's messages return after 5 s, and a
        # due row handed out but not sent is handed out again after 5 s.
        CELERY_VISIBILITY_TIMEOUT="5",
        REMINDER_REQUEUE_AFTER="5",
    )
    system = Stack(tmp_path, redis, env)
    manage(env, "migrate", "-v0")
    redis.start()
    yield system
    system.close()


def seed(stack: Stack, count: int) -> None:
    code = f"from testsupport.fixtures import create_due_alerts; create_due_alerts({count})"
    manage(stack.env, "shell", "-c", code)


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
    first.kill()
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
    stack.redis.stop()  # the queued messages are gone with it (no persistence)
    time.sleep(1)
    stack.redis.start()
    stack.wait_until_sent(600)
    stack.assert_each_delivered_once(600)
