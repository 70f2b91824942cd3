"""Reminders through a real Redis and real Celery worker processes, and the guarantee they keep
whatever happens to the workers, the beat or Redis: nothing is lost; a message to a clinician
goes out at least once, a copy only where a send was left in doubt, with the same Message-ID;
a reminder to a patient goes out at most once.

Nothing here waits a fixed time to decide an order: the tests wait for conditions, stop a
worker inside a send at a gate (testsupport.mail), start ticks together at a barrier
(testsupport.tick), and check that what they meant to test did happen.
"""

import json
import re
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import redis

from testsupport.processes import ROOT, CeleryWorker, RedisServer, manage, service_env

pytestmark = pytest.mark.e2e
MESSAGE_ID = re.compile(r"^Message-ID: <reminder-(\d+)@rehab-planner>$", re.MULTILINE)
SEND_DEADLINE = 10  # REMINDER_SEND_DEADLINE here: a send held longer than this is in doubt


def wait_until(condition: Callable[[], object], what: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.05)


@dataclass
class Stack:
    """A database file, a Redis server, a mail folder and the worker processes of one test."""

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

    @property
    def gate(self) -> Path:
        return self.root / "gate"

    def start_worker(self, name: str) -> CeleryWorker:
        worker = CeleryWorker(self.env, name, log=self.root / f"worker-{name}.log")
        self.workers.append(worker)  # before it starts: stopped at the end even if it fails
        return worker.start()

    def tick(self) -> None:
        """One beat tick in its own process (as beat would start the task)."""
        manage(self.env, "reminders_tick")

    def ticks_together(self, count: int) -> list[dict[str, float]]:
        """`count` ticks in processes of their own, let go at once; what each reported."""
        barrier = self.root / "barrier"
        barrier.mkdir()
        processes = [
            subprocess.Popen(
                [sys.executable, "-m", "testsupport.tick", str(barrier)],
                cwd=ROOT,
                env=self.env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(count)
        ]
        wait_until(lambda: len(list(barrier.glob("ready-*"))) == count, "the ticks to be ready")
        (barrier / "go").touch()
        reports = []
        for process in processes:
            out, err = process.communicate(timeout=120)
            assert process.returncode == 0, err
            reports.append(json.loads(out.strip().splitlines()[-1]))
        return reports

    # -- the gate inside the mail server (testsupport.mail) --

    def hold_next_send(self) -> int:
        """Arm the gate and wait until a worker is held inside a send: the reminder's id."""
        (self.gate / "arm").touch()
        wait_until(lambda: (self.gate / "held").exists(), "a worker to be held in a send")
        return int((self.gate / "held").read_text())

    def release(self) -> None:
        (self.gate / "release").touch()

    # -- what the database and the mail folder say --

    def query(self, sql: str) -> list[tuple]:
        with sqlite3.connect(self.database, timeout=30) as db:
            return db.execute(sql).fetchall()

    def statuses(self) -> Counter[str]:
        return Counter(
            dict(self.query("SELECT status, count(*) FROM planner_reminder GROUP BY status"))
        )

    def status_of(self, reminder_id: int) -> str:
        return self.query(f"SELECT status FROM planner_reminder WHERE id = {reminder_id}")[0][0]

    def in_doubt(self) -> set[int]:
        rows = self.query("SELECT id FROM planner_reminder WHERE in_doubt_at IS NOT NULL")
        return {n for (n,) in rows}

    def emails(self) -> Counter[int]:
        """Copies received, by the reminder their Message-ID names."""
        found: Counter[int] = Counter()
        if self.mail.exists():
            for message in self.mail.iterdir():
                text = message.read_text(errors="replace")
                ids = MESSAGE_ID.findall(text)
                assert len(ids) == text.count("\nMessage-ID:") + text.startswith("Message-ID:")
                found.update(int(n) for n in ids)
        return found

    def queued_in_redis(self) -> int:
        return int(redis.Redis.from_url(self.redis.url).llen("celery"))

    def wait_until_settled(self, count: int, final: str = "sent", timeout: float = 240) -> None:
        """Tick like beat does until every row has reached `final` or was given up in doubt."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            statuses = self.statuses()
            if statuses.get(final, 0) + statuses.get("in_doubt", 0) == count:
                return
            self.tick()
            time.sleep(0.5)
        logs = "\n".join(
            p.read_text(errors="replace")[-2000:] for p in self.root.glob("worker-*.log")
        )
        pytest.fail(f"not all settled: {self.statuses()}\n{logs}")

    # -- the guarantee, and no more --

    def assert_clinician_alerts_at_least_once(self, count: int) -> None:
        """Every alert sent; a second copy only of a send that was in doubt, under the same
        Message-ID (copies are counted by it); one in-app notification each."""
        assert self.statuses() == Counter({"sent": count})
        emails = self.emails()
        assert len(emails) == count, f"{count - len(emails)} alerts without an email"
        copies = {n for n, c in emails.items() if c > 1}
        assert copies <= self.in_doubt(), f"copies of sends never in doubt: {copies}"
        self.assert_one_in_app_each(count)

    def assert_patient_reminders_at_most_once(self, count: int) -> None:
        """No reminder emailed twice; every one sent, or given up as in doubt."""
        emails = self.emails()
        doubled = {n: c for n, c in emails.items() if c > 1}
        assert not doubled, f"patients emailed more than once: {doubled}"
        statuses = self.statuses()
        assert set(statuses) <= {"sent", "in_doubt"} and sum(statuses.values()) == count
        self.assert_one_in_app_each(count)

    def assert_one_in_app_each(self, count: int) -> None:
        in_app = self.query(
            "SELECT reminder_id, count(*) FROM planner_notification GROUP BY reminder_id"
        )
        assert len(in_app) == count and {c for _, c in in_app} == {1}

    def close(self) -> None:
        self.release()  # a worker still held at the gate finishes its send
        for worker in self.workers:
            worker.stop(grace=20)
        self.redis.stop()


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Stack]:
    redis_server = RedisServer()
    env = service_env(
        tmp_path / "db.sqlite3",
        redis_server.url,
        EMAIL_BACKEND="testsupport.mail.GatedFileBackend",
        EMAIL_FILE_PATH=str(tmp_path / "mail"),
        MAIL_GATE=str(tmp_path / "gate"),
        # Short enough for a test: a killed worker's messages return after 5 s, a due row
        # handed out but not sent is handed out again after 5 s, and a send left unfinished
        # for SEND_DEADLINE seconds is in doubt.
        CELERY_VISIBILITY_TIMEOUT="5",
        REMINDER_REQUEUE_AFTER="5",
        REMINDER_SEND_DEADLINE=str(SEND_DEADLINE),
    )
    (tmp_path / "gate").mkdir()
    system = Stack(tmp_path, redis_server, env)
    manage(env, "migrate", "-v0")
    redis_server.start()
    yield system
    system.close()


def seed_alerts(stack: Stack, count: int) -> None:
    code = f"from testsupport.fixtures import create_due_alerts; create_due_alerts({count})"
    manage(stack.env, "shell", "-c", code)


def seed_home_reminders(stack: Stack, count: int) -> None:
    code = (
        "from testsupport.fixtures import create_due_home_reminders; "
        f"create_due_home_reminders({count})"
    )
    manage(stack.env, "shell", "-c", code)


def test_a_thousand_due_alerts_are_all_delivered(stack):
    seed_alerts(stack, 1000)
    stack.start_worker("w1")
    stack.tick()
    stack.wait_until_settled(1000)
    stack.assert_clinician_alerts_at_least_once(1000)


def test_a_worker_killed_mid_send_loses_no_alert_and_copies_only_the_one_in_doubt(stack):
    seed_alerts(stack, 1000)
    first = stack.start_worker("w1")
    stack.tick()
    wait_until(lambda: stack.statuses().get("sent", 0) >= 200, "200 alerts sent")
    held = stack.hold_next_send()
    # The kill lands mid-send: the mail server has the message, its row is not marked sent.
    assert stack.emails()[held] == 1 and stack.status_of(held) == "sending"
    sent_before = stack.statuses().get("sent", 0)
    assert 200 <= sent_before < 1000, "the worker must be killed in the middle of the run"
    first.kill()
    stack.start_worker("w2")
    stack.wait_until_settled(1000)
    stack.assert_clinician_alerts_at_least_once(1000)
    # The held send was in doubt: sent again, with the same Message-ID, after the deadline.
    assert held in stack.in_doubt() and stack.emails()[held] == 2


def test_a_worker_killed_mid_send_never_sends_a_patient_reminder_twice(stack):
    seed_home_reminders(stack, 300)
    first = stack.start_worker("w1")
    stack.tick()
    wait_until(lambda: stack.statuses().get("sent", 0) >= 50, "50 reminders sent")
    held = stack.hold_next_send()
    assert stack.emails()[held] == 1 and stack.status_of(held) == "sending"
    first.kill()
    stack.start_worker("w2")
    stack.wait_until_settled(300)
    stack.assert_patient_reminders_at_most_once(300)
    # The held send was in doubt: given up, not sent again, the deadline long past.
    assert stack.status_of(held) == "in_doubt" and stack.emails()[held] == 1


def test_two_beat_ticks_at_once_send_nothing_twice(stack):
    seed_alerts(stack, 500)
    stack.start_worker("w1")
    stack.start_worker("w2")
    first, second = stack.ticks_together(2)
    # They did run at the same time, each handing out rows while the other ran.
    assert max(first["started"], second["started"]) < min(first["ended"], second["ended"])
    assert first["handed_out"] + second["handed_out"] >= 500
    stack.wait_until_settled(500)
    stack.assert_clinician_alerts_at_least_once(500)


def test_redis_restarted_mid_run_loses_nothing_that_was_committed(stack):
    seed_alerts(stack, 600)
    stack.start_worker("w1")
    stack.tick()
    wait_until(lambda: stack.statuses().get("sent", 0) >= 100, "100 alerts sent")
    stack.hold_next_send()
    # Redis goes down with work still queued in it, and rows not yet sent.
    assert stack.queued_in_redis() > 0
    unsent = 600 - stack.statuses().get("sent", 0)
    assert unsent > 100
    stack.redis.stop()  # the queued messages are gone with it (no persistence)
    stack.release()
    stack.redis.start()
    stack.wait_until_settled(600)
    stack.assert_clinician_alerts_at_least_once(600)
