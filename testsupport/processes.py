"""Real processes for the end-to-end tests and the benchmarks: a Redis server, Celery workers and
`manage.py` commands, each on its own port and database, and stopped by pid."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Self

from celery import Celery

from testsupport.database import sqlite_url

ROOT = Path(__file__).resolve().parent.parent
CELERY = ROOT / ".venv" / "bin" / "celery"
# The pool size of every worker started here: the delivery tests and the fan-out benchmark
# both measure two processes sharing one queue.
WORKER_PROCESSES = 2


def free_port() -> int:
    """A TCP port on the loopback that nothing listens on now (the kernel picks it)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def service_env(database: Path, redis_url: str, **settings: str) -> dict[str, str]:
    """The environment for `manage.py` and the workers: this one without its Django and
    database choices (a developer's `DATABASE_URL` must never be written to), the local
    settings, the SQLite file `database`, the Redis at `redis_url`, quiet logs, and `settings`
    last, so a caller's own values win."""
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))},
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": sqlite_url(database),
        "REDIS_URL": redis_url,
        "LOG_LEVEL": "WARNING",
        **settings,
    }


def manage(env: Mapping[str, str], *args: str, timeout: float = 300) -> str:
    """Run `manage.py *args` in a process of its own with `env`; its standard output.

    A separate process because the caller's Django (if any) is configured for another
    database; raises with the end of its standard error if it fails."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"manage.py {args[0] if args else ''} exited with {result.returncode}:\n"
            f"{result.stderr[-3000:]}"
        )
    return result.stdout


def _answers_ping(port: int) -> bool:
    # An inline command, so no client library is needed; a port that merely accepts
    # connections is not yet a Redis that serves them.
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(64).startswith(b"+PONG")
    except OSError:
        return False


class RedisServer:
    """A real `redis-server` on the loopback, without persistence: stopped, its data is gone
    (what the tests of a Redis restart rely on). It can be started again on the same port."""

    def __init__(self, port: int | None = None) -> None:
        self.port = free_port() if port is None else port
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 20) -> Self:
        """Start it (the `redis-server` on PATH) and return once it answers PING."""
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
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
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"redis-server exited with {self.process.returncode} (port {self.port} taken?)"
                )
            if _answers_ping(self.port):
                return self
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"redis-server did not answer PING within {timeout:g} s")

    def stop(self) -> None:
        """SIGTERM to its pid and wait for it to exit; SIGKILL if it has not within 20 s."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=20)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class CeleryWorker:
    """A real `celery -A config worker` with WORKER_PROCESSES pool processes.

    It runs in a session of its own, so its pid is also its process group's: a signal to the
    group reaches the pool processes too, and SIGKILL to it is a crash of the whole worker.
    """

    def __init__(
        self, env: Mapping[str, str], name: str = "celery", log: Path | None = None
    ) -> None:
        self.env = dict(env)
        # The full node name, not `%h`: the readiness check addresses this very worker.
        self.node = f"{name}@{socket.gethostname()}"
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 120) -> Self:
        """Start it (output to `log`, else to this process's) and return once it answers.

        On any failure, it is killed before the error is raised."""
        output = self.log.open("wb") if self.log is not None else None
        try:
            self.process = subprocess.Popen(
                [
                    str(CELERY),
                    "-A",
                    "config",
                    "worker",
                    "--concurrency",
                    str(WORKER_PROCESSES),
                    "--loglevel",
                    "WARNING",
                    "--hostname",
                    self.node,
                    "--without-gossip",
                    "--without-mingle",
                ],
                cwd=ROOT,
                env=self.env,
                stdout=output,
                stderr=subprocess.STDOUT if output is not None else None,
                start_new_session=True,
            )
        finally:
            if output is not None:
                output.close()  # the worker has its own copy of the descriptor
        try:
            self._wait_until_ready(timeout)
        except BaseException:
            self.kill()
            raise
        return self

    def _wait_until_ready(self, timeout: float) -> None:
        # A remote-control ping addressed to this node: its consumer starts taking tasks
        # before it starts answering control messages, so an answer means tasks sent now
        # are taken. (A `planner.tasks.ping` task would be answered by any worker of the
        # queue, not necessarily this one.) Pings sent before it listens are simply lost,
        # hence the loop.
        assert self.process is not None
        broker = self.env.get("CELERY_BROKER_URL") or self.env["REDIS_URL"]
        deadline = time.monotonic() + timeout
        with Celery("testsupport-probe", broker=broker, set_as_current=False) as probe:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise RuntimeError(
                        f"worker {self.node} exited with {self.process.returncode}"
                        f"{self._log_tail()}"
                    )
                if probe.control.ping(destination=[self.node], timeout=1.0, limit=1):
                    return
        raise RuntimeError(f"worker {self.node} did not answer within {timeout:g} s")

    def _log_tail(self) -> str:
        if self.log is None or not self.log.exists():
            return ""
        return ":\n" + self.log.read_text(errors="replace")[-2000:]

    def _signal_group(self, sig: signal.Signals) -> None:
        assert self.process is not None
        with contextlib.suppress(ProcessLookupError):  # the whole group is gone already
            os.killpg(self.process.pid, sig)

    def stop(self, grace: float = 60) -> None:
        """A warm shutdown (SIGTERM: the running tasks finish) and wait for its exit; killed
        if it has not exited within `grace` seconds."""
        if self.process is None or self.process.poll() is not None:
            return
        self._signal_group(signal.SIGTERM)
        try:
            self.process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            self.kill()

    def kill(self) -> None:
        """SIGKILL to the worker and its pool processes at once, like a crash (its tasks
        in flight are neither finished nor acknowledged), and wait for its exit."""
        if self.process is None:
            return
        self._signal_group(signal.SIGKILL)
        self.process.wait(timeout=20)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
