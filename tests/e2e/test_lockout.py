"""Sign-in protection whichever process answers: gunicorn with two workers, a real Redis for
the throttles and the database for the lockout. Ten wrong passwords for one account, tried
alternately at the API's token endpoint and the patient app's sign-in page over fresh
connections, lock it in both; the token endpoint's 21st request of the minute from one
address is refused, and a forged X-Forwarded-For does not start a new count.

That two processes share the counts is made certain, not left to the kernel's choice of
worker: one request is held half-sent, which keeps the worker that took it busy, so every
other request goes to the other worker; the held request is finished last, and is counted
with theirs."""

import contextlib
import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from testsupport.processes import ROOT, RedisServer, free_port, manage, service_env

pytestmark = pytest.mark.e2e

PASSWORD = "correct-horse-battery"
LOCKED = (
    "Too many failed sign-ins for this account. Try again in 15 minutes, or reset your password."
)
MAKE_PATIENT = f"""
from datetime import date
from decimal import Decimal
from django.contrib.auth import get_user_model
from rehab import services
doctor = services.clinician_create(username="doctor", password="{PASSWORD}",
    first_name="D", last_name="D", email="d@clinic.test")
patient = services.patient_create(clinician=doctor, first_name="Vera", last_name="L",
    date_of_birth=date(1980, 5, 17), sex="female", height_cm=170, weight_kg=Decimal("70"))
patient.user = get_user_model().objects.create_user("vera", password="{PASSWORD}")
patient.save()
"""


class Site:
    def __init__(self, port: int, log: Path) -> None:
        self.base = f"http://127.0.0.1:{port}"
        self.log = log

    def call(
        self, method: str, path: str, body: bytes | None = None, **headers: str
    ) -> tuple[int, str]:
        # A new connection each time (urllib does not keep one alive): the two workers
        # take turns at accepting them.
        request = urllib.request.Request(
            self.base + path, data=body, method=method, headers=headers
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def token(self, username: str, password: str, tag: str = "", **headers: str) -> tuple[int, str]:
        body = json.dumps({"username": username, "password": password}).encode()
        return self.call(
            "POST",
            f"/api/v1/auth/token/?{tag}",
            body,
            **{"Content-Type": "application/json"},
            **headers,
        )

    def hold_token(self, username: str, password: str, tag: str) -> "HeldRequest":
        return HeldRequest(self, username, password, tag)

    def app_login(self, username: str, password: str) -> tuple[int, str]:
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        with opener.open(self.base + "/app/login/", timeout=10) as page:
            html = page.read().decode()
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        form = urllib.parse.urlencode(
            {"username": username, "password": password, "csrfmiddlewaretoken": csrf}
        ).encode()
        request = urllib.request.Request(
            self.base + "/app/login/", data=form, headers={"Referer": self.base + "/app/login/"}
        )

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args: object, **kwargs: object) -> None:
                return None

        opener.add_handler(NoRedirect())
        try:
            with opener.open(request, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def worker_pids_for(self, tag: str) -> set[str]:
        """The pids of the gunicorn workers that answered requests tagged `tag`."""
        lines = self.log.read_text(errors="replace").splitlines()
        return {
            line.split()[1]
            for line in lines
            if line.startswith("ACCESS ") and line.split()[4] == f"?{tag}"
        }


class HeldRequest:
    """A token request whose headers are sent and whose body is not yet: the worker that
    took it waits in it (a sync worker serves one request at a time) until `finish()`."""

    def __init__(self, site: Site, username: str, password: str, tag: str) -> None:
        self.body = json.dumps({"username": username, "password": password}).encode()
        host, port = site.base.removeprefix("http://").split(":")
        self.sock = socket.create_connection((host, int(port)), timeout=10)
        self.sock.sendall(
            (
                f"POST /api/v1/auth/token/?{tag} HTTP/1.1\r\nHost: {host}:{port}\r\n"
                "Content-Type: application/json\r\n"
                f"Content-Length: {len(self.body)}\r\nConnection: close\r\n\r\n"
            ).encode()
        )

    def finish(self) -> tuple[int, str]:
        self.sock.sendall(self.body)
        answer = b""
        while chunk := self.sock.recv(65536):
            answer += chunk
        self.sock.close()
        head, _, body = answer.decode().partition("\r\n\r\n")
        return int(head.split()[1]), body


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    with RedisServer() as redis:
        env = service_env(tmp_path / "db.sqlite3", redis.url)
        manage(env, "migrate", "--no-input", "-v0")
        manage(env, "shell", "-c", MAKE_PATIENT)
        port = free_port()
        log = tmp_path / "gunicorn.log"
        env |= {"WEB_HOST": "127.0.0.1", "WEB_PORT": str(port), "WEB_CONCURRENCY": "2"}
        with log.open("wb") as out:
            process = subprocess.Popen(
                [
                    str(ROOT / ".venv" / "bin" / "gunicorn"),
                    "--config",
                    "config/gunicorn_conf.py",
                    "--access-logformat",
                    "ACCESS %(p)s %(m)s %(U)s ?%(q)s %(s)s",
                    "config.wsgi:application",
                ],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            deadline = time.monotonic() + 30
            site = Site(port, log)
            while time.monotonic() < deadline:
                assert process.poll() is None, log.read_text(errors="replace")[-3000:]
                with contextlib.suppress(OSError):
                    if site.call("GET", "/api/v1/health/live/")[0] == 200:
                        break
                time.sleep(0.2)
            yield site
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


def test_lockout_and_throttle_hold_across_two_workers(site: Site) -> None:
    started = time.monotonic()
    # One worker waits in the tenth wrong password; the other answers the first nine,
    # alternately at the two doors, each over a fresh connection.
    held = site.hold_token("vera", "wrong", tag="tenth")
    time.sleep(0.3)  # taken by a worker (the first in the queue is taken first anyway)
    for attempt in range(9):
        if attempt % 2 == 0:
            status, _ = site.app_login("vera", "wrong")
            assert status == 200, attempt
        else:
            status, _ = site.token("vera", "wrong", tag="first-nine")
            assert status == 400, attempt
    # The tenth, answered by the other process, locks the account.
    status, body = held.finish()
    assert status == 429 and json.loads(body) == {"detail": LOCKED}
    # The right password now: refused at both doors, with the message.
    status, body = site.token("vera", PASSWORD, tag="right")
    assert status == 429 and json.loads(body) == {"detail": LOCKED}
    status, body = site.app_login("vera", PASSWORD)
    assert status == 429 and LOCKED in body
    # Another account is not locked.
    assert site.token("doctor", PASSWORD, tag="doctor")[0] == 200

    # The token endpoint has had 7 requests from this address this minute; 13 more, one
    # held in one worker while the others go to the other, each with a new forged
    # X-Forwarded-For, make 20; the 21st is refused.
    held = site.hold_token("nobody-held", "guess", tag="held-guess")
    time.sleep(0.3)
    for number in range(12):
        forged = {"X-Forwarded-For": f"10.9.8.{number}"}
        status, _ = site.token(f"nobody{number}", "guess", tag="guess", **forged)
        assert status == 400, number
    assert held.finish()[0] == 400
    status, body = site.token("nobody", "guess", tag="21st", **{"X-Forwarded-For": "10.9.9.9"})
    assert status == 429 and "throttled" in json.loads(body)["detail"]
    # (All 21 within the throttle's minute, so the 429 is the rate's and nothing else's.)
    assert time.monotonic() - started < 55

    # Each held request was answered by one process, the others by the other one.
    time.sleep(0.5)  # the access log line follows the response
    tenth, first_nine = site.worker_pids_for("tenth"), site.worker_pids_for("first-nine")
    assert len(tenth) == 1 and len(first_nine) == 1 and tenth != first_nine
    held_guess, guesses = site.worker_pids_for("held-guess"), site.worker_pids_for("guess")
    assert len(held_guess) == 1 and len(guesses) == 1 and held_guess != guesses
