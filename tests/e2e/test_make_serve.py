"""The production start on this machine: `scripts/serve.sh` (what `make serve` runs) with
production settings, a throwaway SQLite file and a real Redis starts gunicorn, a Celery worker
and beat; readiness answers 200 once the worker's heartbeat is in; SIGTERM to its pid stops
them all."""

import contextlib
import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from tests.config.test_settings import PRODUCTION_ENV
from testsupport.processes import ROOT, RedisServer, free_port

pytestmark = pytest.mark.e2e


def get(port: int, path: str) -> tuple[int, dict]:
    # Plain HTTP and the instance's address, as a load balancer's probe sends them.
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    with RedisServer() as server:
        yield server


def test_serve_starts_web_worker_and_beat_ready_and_sigterm_stops_them(tmp_path, redis_server):
    port = free_port()
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DJANGO_", "DATABASE_", "PYTEST", "REDIS", "CELERY", "SERVE_"))
        },
        **PRODUCTION_ENV,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "REDIS_URL": redis_server.url,
        "STATIC_ROOT": str(tmp_path / "static"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "WEB_HOST": "127.0.0.1",
        "WEB_PORT": str(port),
        "WEB_CONCURRENCY": "2",
        "CELERY_CONCURRENCY": "1",
        "LOG_LEVEL": "WARNING",
    }
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        # serve.sh execs honcho: this pid is the one a supervisor would signal.
        process = subprocess.Popen(
            ["scripts/serve.sh"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 90
        answer: tuple[int, dict] = (0, {})
        while time.monotonic() < deadline and process.poll() is None:
            if port_open(port):
                try:
                    answer = get(port, "/api/v1/health/")
                except (TimeoutError, ConnectionError, urllib.error.URLError):
                    # Bound but its workers still booting (a loaded machine): ask again
                    # until the deadline, as a load balancer's probe does.
                    continue
                if answer[0] == 200:
                    break
            time.sleep(0.5)
        output = log.read_text(errors="replace")
        assert answer == (
            200,
            {"status": "ok", "checks": {"database": "ok", "redis": "ok", "worker": "ok"}},
        ), output[-4000:]
        assert get(port, "/api/v1/health/live/") == (200, {"status": "ok"})
        for name in ("web", "worker", "beat"):
            assert f"{name}.1 started (pid=" in output, output[-4000:]

        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
        leftover = subprocess.run(
            ["pgrep", "-g", str(process.pid)], capture_output=True, text=True
        ).stdout.strip()
        assert leftover == "", f"processes left behind: {leftover}"
        assert not port_open(port)
    finally:
        # Whatever is still there (a failed assertion above): the whole group, by its pid.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
