"""Today under gunicorn: requests a second of the patient's Today, as the REST endpoint
(`GET /api/v1/today/`, token auth) and as the page (`GET /app/today/`, session cookie), for a
patient at home with 6 mastered exercises, served by gunicorn with 2 sync workers (DEBUG off,
`config.settings.test`, a throwaway SQLite database).

The floor, measured in the same run on the same server with the same load, is the trivial
liveness check `GET /api/v1/health/live/` (no authentication, no database; readiness,
`/api/v1/health/`, checks Redis and the workers): what Django, DRF, the middleware,
gunicorn and the loopback cost before the Today work starts. Rounds interleave floor,
endpoint and page, and each figure is the median over the rounds, so machine noise hits all
three alike. Target: each at least 0.40x the floor.

The load is a fixed number of client threads, each sending one request at a time for a fixed
time. gunicorn's sync workers close the connection after every response, so each request
opens its own connection (`Connection: close`), as any client of this server does.

    .venv/bin/python bench/today_throughput.py [--seconds 8] [--concurrency 4] [--rounds 3]
"""

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from _django import ROOT, setup  # first: it puts the project (and testsupport) on the path

from testsupport.processes import free_port

HOME_EXERCISES = 6
TARGET = 0.40
WORKERS = 2
SOCKET_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class Seeded:
    token: str
    session: str
    slugs: list[str]


@dataclass(frozen=True)
class Target:
    name: str
    path: str
    headers: str

    def request(self, port: int) -> bytes:
        return (
            f"GET {self.path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: */*\r\n"
            f"{self.headers}Connection: close\r\n\r\n"
        ).encode("ascii")


def seed() -> Seeded:
    """A clinician and a patient a few days into home training with 6 mastered exercises."""
    from datetime import date, timedelta
    from decimal import Decimal

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connections
    from django.test import Client
    from rest_framework.authtoken.models import Token

    from planner import selectors, services
    from rehab import services as rehab_services

    clinician = rehab_services.clinician_create(
        username="bench-doctor", password="bench-password-2026", first_name="B", last_name="D"
    )
    user = get_user_model().objects.create_user("bench-patient", password="bench-patient-2026")
    # Sciatica, subacute, low fitness, about 60 (not yet frail, so not capped at 4): the
    # planner then fills the short day up to its maximum of 6 exercises.
    this_year = date.today().year
    patient = rehab_services.patient_create(
        clinician=clinician,
        user=user,
        first_name="Vera",
        last_name="Bench",
        date_of_birth=date(this_year - 60, 1, 15),
        sex="female",
        height_cm=165,
        weight_kg=Decimal("68.0"),
        fitness_level="low",
        time_zone="Europe/Moscow",
    )
    rehab_services.patient_diagnosis_add(
        patient=patient, code="sciatica", side="left", stage="subacute"
    )
    start = selectors.patient_local_today(patient=patient) - timedelta(days=3)
    program = services.program_generate(patient=patient, by=clinician.user, start_date=start)
    program = services.program_approve(program=program, by=clinician.user)
    version = selectors.program_current_version(program=program)
    for item in selectors.program_exercises(version=version):
        services.mastery_sign_off(program_exercise=item, by=clinician.user, on=start)
    day = selectors.patient_today(patient=patient)
    if day.state != "home" or len(day.home) != HOME_EXERCISES:
        sys.exit(
            f"the benchmark patient's day is {day.state!r} with {len(day.home)} home "
            f"exercises, not 'home' with {HOME_EXERCISES}: pick another profile"
        )
    token = Token.objects.create(user=user).key
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    connections.close_all()  # gunicorn's workers get the database to themselves
    return Seeded(token, session, [entry.item.exercise.slug for entry in day.home])


def fetch(port: int, request: bytes) -> tuple[int, bytes]:
    """One request on its own connection: the status and the whole body."""
    with socket.create_connection(("127.0.0.1", port), timeout=SOCKET_TIMEOUT_S) as sock:
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split()[1]) if lines[0].startswith(b"HTTP/1.") else 0
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length" and int(value) != len(body):
            return 0, body  # cut short
    return status, body


def load(port: int, target: Target, seconds: float, concurrency: int) -> float:
    """Requests a second from `concurrency` threads over `seconds`; exits on any non-200."""
    request = target.request(port)
    counts = [0] * concurrency
    failures: list[str] = []
    start = time.perf_counter()
    stop_at = start + seconds

    def client(index: int) -> None:
        try:
            while time.perf_counter() < stop_at and not failures:
                status, body = fetch(port, request)
                if status != 200:
                    failures.append(f"{target.path} answered {status}: {body[:300]!r}")
                    return
                counts[index] += 1
        except OSError as error:
            failures.append(f"{target.path}: {error!r}")

    threads = [threading.Thread(target=client, args=(i,)) for i in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 2 * SOCKET_TIMEOUT_S)
    elapsed = time.perf_counter() - start
    if any(thread.is_alive() for thread in threads):
        failures.append(f"{target.path}: a client did not finish")
    if failures:
        raise SystemExit(failures[0])
    return sum(counts) / elapsed


def check(port: int, target: Target, seeded: Seeded) -> None:
    """The endpoint and the page show the 6 exercises, so we measure what we say we do."""
    status, body = fetch(port, target.request(port))
    if status != 200:
        raise SystemExit(f"{target.path} answered {status}: {body[:300]!r}")
    if target.name == "endpoint":
        data = json.loads(body)
        shown = [item["exercise"]["slug"] for item in data["exercises"]]
        if data["state"] != "home" or shown != seeded.slugs:
            raise SystemExit(f"{target.path} shows {data['state']!r} with {shown}")
    if target.name == "page":
        text = body.decode()
        missing = [slug for slug in seeded.slugs if f'id="ex-{slug}"' not in text]
        if missing or text.count('<li class="card') != HOME_EXERCISES:
            raise SystemExit(f"{target.path} is not the Today page with 6 cards: {missing}")


def wait_until_up(server: subprocess.Popen[bytes], port: int, health: bytes) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}")
        try:
            if fetch(port, health)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("gunicorn did not answer within 60 s")


def stop(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)  # the arbiter stops its workers
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)  # its own session: the arbiter and workers
        server.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=8.0, help="per URL per round")
    parser.add_argument("--concurrency", type=int, default=4, help="client threads")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if args.seconds <= 0 or args.concurrency < 1 or args.rounds < 1:
        parser.error("--seconds, --concurrency and --rounds must be positive")

    # Always a throwaway SQLite database, and DEBUG off: the test settings.
    for name in [n for n in os.environ if n.startswith(("DJANGO_", "DATABASE_"))]:
        del os.environ[name]
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    # Database connections kept between requests, as production keeps them.
    os.environ["DATABASE_CONN_MAX_AGE"] = "60"
    scratch = setup()
    server = None
    try:
        seeded = seed()
        targets = [
            Target("floor", "/api/v1/health/live/", ""),
            Target("endpoint", "/api/v1/today/", f"Authorization: Token {seeded.token}\r\n"),
            Target("page", "/app/today/", f"Cookie: sessionid={seeded.session}\r\n"),
        ]
        port = free_port()
        gunicorn = Path(sys.executable).with_name("gunicorn")
        server = subprocess.Popen(
            [
                str(gunicorn),
                "config.wsgi:application",
                "--workers",
                str(WORKERS),
                "--bind",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
                # gunicorn 25+ opens a control socket at one fixed path per user by
                # default; two runs at once (the suite and a full run) would fight over it.
                "--no-control-socket",
            ],
            cwd=ROOT,
            env=dict(os.environ),
            start_new_session=True,
        )
        wait_until_up(server, port, targets[0].request(port))
        for target in targets:
            check(port, target, seeded)
            load(port, target, min(1.0, args.seconds), args.concurrency)  # warm both workers

        rates: dict[str, list[float]] = {target.name: [] for target in targets}
        for _ in range(args.rounds):
            for target in targets:
                rates[target.name].append(load(port, target, args.seconds, args.concurrency))
        median = {name: statistics.median(values) for name, values in rates.items()}
        ratios = {
            name: statistics.median(
                rate / floor for rate, floor in zip(rates[name], rates["floor"], strict=True)
            )
            for name in ("endpoint", "page")
        }

        print(
            f"load:    {args.concurrency} clients, {args.seconds:g} s a URL, {args.rounds} "
            f"rounds (medians), gunicorn with {WORKERS} sync workers"
        )
        print(f"patient: {HOME_EXERCISES} home exercises today")
        for target in targets:
            print(f"{target.name:8s} GET {target.path:16s} {median[target.name]:7.0f} requests/s")
        print(f"ratio endpoint / floor:  {ratios['endpoint']:.2f}x")
        print(f"ratio page / floor:      {ratios['page']:.2f}x")
        met = all(ratio >= TARGET for ratio in ratios.values())
        print(f"target: at least {TARGET:.2f}x each: {'met' if met else 'MISSED'}")
    finally:
        if server is not None:
            stop(server)
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
