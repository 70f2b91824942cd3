"""Today under gunicorn, in a clinic of many patients: requests a second of one patient's
Today, as the REST endpoint (`GET /api/v1/today/`, token auth) and as the page
(`GET /app/today/`, session cookie), served by gunicorn with 2 sync workers (DEBUG off,
`config.settings.bench`: the test settings with Django's Redis cache, as production; the
benchmark starts its own `redis-server`).

The clinic: `--patients` patients (default 2,000), each with an approved program of 6
mastered exercises started `--days` days ago (default 90) and a home log for most of those
days (pain, effort), so about 500 rows of logs a patient, and 45 in-app notifications. The
measured patient is one of them (Europe/Moscow, at home today with 6 exercises). The same
run first measures the clinic of that patient alone, then adds the others and measures
again: the ratio must not fall as the clinic grows.

The database is a throwaway SQLite file, or a fresh PostgreSQL database made next to the
one `DATABASE_URL` names (and dropped at the end); on PostgreSQL the plans of the queries
one uncached and one cached Today run (captured, then EXPLAIN ANALYZE) are printed.

The floor, measured in the same run on the same server with the same load, is the trivial
liveness check `GET /api/v1/health/live/` (no authentication, no database, no cache):
what Django, DRF, the middleware, gunicorn and the loopback cost before the Today work
starts. Rounds interleave floor, endpoint and page; each round's ratio is its Today rate
over its own floor rate, so machine noise hits all three alike. Targets: endpoint and page
each at least 0.45x the floor in every round, and the median ratio of the big clinic
within 10 % of the one-patient clinic's.

The load is a fixed number of client threads, each sending one request at a time for a fixed
time. gunicorn's sync workers close the connection after every response, so each request
opens its own connection (`Connection: close`), as any client of this server does.

    .venv/bin/python bench/today_throughput.py [--patients 2000] [--days 90]
        [--seconds 8] [--concurrency 4] [--rounds 3]
    scripts/with-postgres.sh .venv/bin/python bench/today_throughput.py
"""

import argparse
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from _django import ROOT, bench_database  # first: it puts the project (and testsupport) on the path

from testsupport.processes import RedisServer, free_port

HOME_EXERCISES = 6
TARGET = 0.45
GROWTH_TOLERANCE = 0.10  # the big clinic's ratio within 10 % of the one-patient clinic's
WORKERS = 2
SOCKET_TIMEOUT_S = 30.0
CHUNK = 100  # patients seeded a transaction
CLINICIANS = 20
NOTIFICATIONS = 45  # a person's in-app list: about one every other day of 90
# A table this big read whole in a plan is a missing index (the exercise library and the
# clinicians are small on purpose and read whole).
BIG_TABLE_ROWS = 10_000


@dataclass(frozen=True)
class Seeded:
    patient_id: int
    token: str
    session: str
    csrf: str
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


def seed(days: int) -> Seeded:
    """The measured patient: sciatica, about 60, a program started `days` days ago whose 6
    exercises were mastered at once, at home today, with `days` days of logs behind."""
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
    # Sciatica with a disc herniation, subacute, moderate fitness, about 60 (not yet frail,
    # so not capped at 4), a BMI over 30: the planner fills the day up to its maximum of 6
    # exercises (the rules for obesity swap in short low-impact ones).
    this_year = date.today().year
    patient = rehab_services.patient_create(
        clinician=clinician,
        user=user,
        first_name="Vera",
        last_name="Bench",
        date_of_birth=date(this_year - 60, 1, 15),
        sex="female",
        height_cm=165,
        weight_kg=Decimal("85.0"),
        fitness_level="moderate",
        time_zone="Europe/Moscow",
    )
    for code in ("sciatica", "disc_herniation"):
        rehab_services.patient_diagnosis_add(
            patient=patient, code=code, side="left", stage="subacute"
        )
    today = selectors.patient_local_today(patient=patient)
    start = today - timedelta(days=days)
    weeks = days // 7 + 2  # still running, with a week or more to go
    program = services.program_generate(
        patient=patient, by=clinician.user, start_date=start, weeks=weeks, today=start
    )
    program = services.program_approve(program=program, by=clinician.user)
    version = selectors.program_current_version(program=program)
    for item in selectors.program_exercises(version=version):
        services.mastery_sign_off(program_exercise=item, by=clinician.user, on=start)
    add_logs([program.pk], today, random.Random(1))
    add_notifications([user.pk], random.Random(1))
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
    # A browser back on Today sends the CSRF cookie its last visit set.
    client.get("/app/today/")
    csrf = client.cookies[settings.CSRF_COOKIE_NAME].value
    connections.close_all()  # gunicorn's workers get the database to themselves
    slugs = [entry.item.exercise.slug for entry in day.home]
    return Seeded(patient.pk, token, session, csrf, slugs)


def add_logs(programs: list[int], today: dict[int, date] | date, rng: random.Random) -> int:
    """Home logs of `programs` up to yesterday: about 5 days in 6 logged, each day one
    submission with every exercise of the current version, plausible pain and effort.
    Rows written directly (this is a data generator); returns the exercise logs made."""
    from django.db import transaction

    from planner.models import ExerciseLog, Feeling, HomeSession, ProgramExercise, SessionLog

    items: dict[int, list[tuple[int, int, int, int]]] = {}
    for program_id, version_id, pk, exercise_id, sets, reps in (
        ProgramExercise.objects.filter(version__program__in=programs)
        .order_by("version__program", "-version__number", "position")
        .values_list("version__program", "version", "pk", "exercise", "sets", "reps")
    ):
        current = items.setdefault(program_id, [])
        if not current or current[0][0] == version_id:
            current.append((version_id, pk, exercise_id, sets * 100 + reps))
    with transaction.atomic():
        sessions = list(
            HomeSession.objects.filter(program__in=programs).values_list("pk", "program", "day")
        )
        logged = []
        for pk, program_id, day in sessions:
            until = today if isinstance(today, date) else today[program_id]
            if day < until and rng.random() < 0.85:
                logged.append((pk, program_id, day))
        logs = SessionLog.objects.bulk_create(
            (SessionLog(home_session_id=pk, client_key=f"bench-{pk}") for pk, _, _ in logged),
            batch_size=2000,
        )
        feelings = [Feeling.EASY, Feeling.RIGHT, Feeling.RIGHT, Feeling.RIGHT, Feeling.HARD]
        entries = []
        for log, (pk, program_id, _day) in zip(logs, logged, strict=True):
            baseline = rng.randint(1, 5)
            for _version, item, exercise, dose in items[program_id]:
                done = rng.random() < 0.9
                pain = max(0, min(10, baseline + rng.randint(-1, 2)))
                entries.append(
                    ExerciseLog(
                        session_log_id=log.pk,
                        home_session_id=pk,
                        program_exercise_id=item,
                        exercise_id=exercise,
                        done=done,
                        sets_done=dose // 100 if done else 0,
                        reps_done=dose % 100 if done else 0,
                        pain_during=pain if done else None,
                        pain_after=max(0, pain - rng.randint(0, 2)) if done else None,
                        difficulty=rng.choice(feelings) if done else "",
                    )
                )
        ExerciseLog.objects.bulk_create(entries, batch_size=5000)
    return len(entries)


def grow_clinic(template_id: int, patients: int, rng: random.Random) -> dict[str, int]:
    """`patients` more patients, each a copy of the measured patient's course (program,
    versions, exercises, schedule, clinic sessions) with logs of their own; returns the rows
    of the big tables."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from notifications.models import Notification
    from planner import selectors
    from planner.models import (
        ExerciseLog,
        HomeSession,
        Program,
        ProgramExercise,
        ProgramVersion,
        SupervisedSession,
    )
    from rehab import services as rehab_services
    from rehab.models import Patient

    template = Patient.objects.get(pk=template_id)
    program = Program.objects.get(patient=template)
    clinicians = [template.clinician] + [
        rehab_services.clinician_create(
            username=f"bench-doctor-{n}",
            password="bench-password-2026",
            first_name="C",
            last_name=f"D{n}",
        )
        for n in range(1, CLINICIANS)
    ]
    versions = list(ProgramVersion.objects.filter(program=program).order_by("number").values())
    exercises = list(
        ProgramExercise.objects.filter(version__program=program).order_by("pk").values()
    )
    schedule = list(HomeSession.objects.filter(program=program).values("day"))
    clinic = list(SupervisedSession.objects.filter(program=program).order_by("number").values())
    program_row = Program.objects.filter(pk=program.pk).values().get()
    zones = [
        "Europe/Moscow",
        "Europe/Kaliningrad",
        "Asia/Yekaterinburg",
        "America/Los_Angeles",
        "Pacific/Auckland",
        "UTC",
    ]

    def without(row: dict[str, Any], *names: str) -> dict[str, Any]:
        return {k: v for k, v in row.items() if k not in ("id", *names)}

    made = 0
    for first in range(0, patients, CHUNK):
        count = min(CHUNK, patients - first)
        with transaction.atomic():
            users = get_user_model().objects.bulk_create(
                get_user_model()(username=f"bench-patient-{first + n}", password="!")
                for n in range(count)
            )
            add_notifications([user.pk for user in users], rng)
            people = Patient.objects.bulk_create(
                Patient(
                    user=users[n],
                    first_name=f"Patient{first + n}",
                    last_name="Bench",
                    clinician=clinicians[(first + n) % CLINICIANS],
                    date_of_birth=date(rng.randint(1940, 2000), rng.randint(1, 12), 15),
                    sex=rng.choice(["female", "male"]),
                    height_cm=rng.randint(150, 195),
                    weight_kg=rng.randint(50, 110),
                    time_zone=rng.choice(zones),
                    fitness_level=rng.choice(["low", "moderate", "high"]),
                )
                for n in range(count)
            )
            programs = Program.objects.bulk_create(
                Program(**without(program_row, "patient_id"), patient_id=person.pk)
                for person in people
            )
            new_versions = ProgramVersion.objects.bulk_create(
                ProgramVersion(**without(row, "program_id"), program_id=p.pk)
                for p in programs
                for row in versions
            )
            version_of = {(v.program_id, v.number): v.pk for v in new_versions}
            number = {row["id"]: row["number"] for row in versions}
            ProgramExercise.objects.bulk_create(
                (
                    ProgramExercise(
                        **without(row, "version_id"),
                        version_id=version_of[(p.pk, number[row["version_id"]])],
                    )
                    for p in programs
                    for row in exercises
                ),
                batch_size=2000,
            )
            HomeSession.objects.bulk_create(
                (
                    HomeSession(program_id=p.pk, day=row["day"])
                    for p in programs
                    for row in schedule
                ),
                batch_size=5000,
            )
            SupervisedSession.objects.bulk_create(
                SupervisedSession(**without(row, "program_id"), program_id=p.pk)
                for p in programs
                for row in clinic
            )
        today = {
            p.pk: selectors.patient_local_today(patient=person)
            for p, person in zip(programs, people, strict=True)
        }
        made += add_logs([p.pk for p in programs], today, rng)
    return {
        "patients": Patient.objects.count(),
        "home sessions": HomeSession.objects.count(),
        "exercise logs": ExerciseLog.objects.count(),
        "program exercises": ProgramExercise.objects.count(),
        "notifications": Notification.objects.count(),
    }


def add_notifications(users: list[int], rng: random.Random) -> None:
    """What `--days` of reminders and messages leave in each person's list: about one every
    other day, all read but the last few (the header counts the unread on every page)."""
    from django.utils import timezone

    from notifications.models import Notification

    now = timezone.now()
    Notification.objects.bulk_create(
        (
            Notification(
                user_id=user,
                title="Time for today's exercises",
                body="Your exercises for today are ready.",
                read_at=None if n < rng.randint(0, 3) else now,
            )
            for user in users
            for n in range(NOTIFICATIONS)
        ),
        batch_size=5000,
    )


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


def start_server(port: int) -> subprocess.Popen[bytes]:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    return subprocess.Popen(
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


def stop(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)  # the arbiter stops its workers
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)  # its own session: the arbiter and workers
        server.wait(timeout=10)


@dataclass(frozen=True)
class Measured:
    patients: int
    rates: dict[str, list[float]]

    def ratios(self, name: str) -> list[float]:
        return [r / f for r, f in zip(self.rates[name], self.rates["floor"], strict=True)]

    def median_ratio(self, name: str) -> float:
        return statistics.median(self.ratios(name))


def measure(
    patients: int, port: int, targets: list[Target], seeded: Seeded, args: argparse.Namespace
) -> Measured:
    """Warm both workers, then interleaved rounds; prints each round and the verdicts."""
    for target in targets:
        check(port, target, seeded)
        load(port, target, min(1.0, args.seconds), args.concurrency)
    rates: dict[str, list[float]] = {target.name: [] for target in targets}
    for _ in range(args.rounds):
        for target in targets:
            rates[target.name].append(load(port, target, args.seconds, args.concurrency))
    result = Measured(patients, rates)
    print(f"\nclinic of {patients} patient{'s' if patients != 1 else ''}:")
    for n in range(args.rounds):
        print(
            f"  round {n + 1}: floor {rates['floor'][n]:6.0f}/s, "
            f"endpoint {rates['endpoint'][n]:6.0f}/s ({result.ratios('endpoint')[n]:.2f}x), "
            f"page {rates['page'][n]:6.0f}/s ({result.ratios('page')[n]:.2f}x)"
        )
    for target in targets:
        median = statistics.median(rates[target.name])
        print(f"  {target.name:8s} GET {target.path:20s} {median:7.0f} requests/s (median)")
    for name in ("endpoint", "page"):
        ratios = result.ratios(name)
        met = sum(ratio >= TARGET for ratio in ratios)
        print(
            f"  ratio {name} / floor: {result.median_ratio(name):.2f}x (median); "
            f"{met} of {len(ratios)} rounds >= {TARGET:.2f}x: "
            f"{'met' if met == len(ratios) else 'MISSED'}"
        )
    return result


def explain(seeded: Seeded) -> None:
    """The plan of every query one uncached and one cached Today run (PostgreSQL)."""
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.db import connection, connections
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    user = get_user_model().objects.get(patient__pk=seeded.patient_id)
    page, api = Client(), Client(HTTP_AUTHORIZATION=f"Token {seeded.token}")
    page.force_login(user)
    captured: list[tuple[str, str]] = []
    for label in ("uncached", "cached"):
        if label == "uncached":
            cache.clear()
        for name, client, path in (
            ("page", page, "/app/today/"),
            ("endpoint", api, "/api/v1/today/"),
        ):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(path).status_code == 200
            captured += [(f"{label} {name}", query["sql"]) for query in queries.captured_queries]
    sizes = {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, n_live_tup FROM pg_stat_user_tables WHERE n_live_tup >= %s",
            [BIG_TABLE_ROWS],
        )
        sizes = dict(cursor.fetchall())
    print(f"\nquery plans (PostgreSQL, EXPLAIN ANALYZE; big tables: {sorted(sizes)}):")
    seen: set[str] = set()
    full_scans: list[str] = []
    with connection.cursor() as cursor:
        for label, sql in captured:
            if sql in seen or not sql.lstrip().upper().startswith("SELECT"):
                continue
            seen.add(sql)
            cursor.execute(f"EXPLAIN (ANALYZE, COSTS OFF) {sql}")
            plan = [row[0] for row in cursor.fetchall()]
            print(f"\n-- {label}: {sql[:160]}{'...' if len(sql) > 160 else ''}")
            for line in plan:
                print(f"   {line}")
                for table in sizes:
                    if f"Seq Scan on {table} " in line + " ":
                        full_scans.append(f"{table} ({label})")
    print("\nsequential scans of big tables: " + (", ".join(full_scans) if full_scans else "none"))
    connections.close_all()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--patients", type=int, default=2000, help="in the clinic")
    parser.add_argument("--days", type=int, default=90, help="of home logs a patient")
    parser.add_argument("--seconds", type=float, default=8.0, help="per URL per round")
    parser.add_argument("--concurrency", type=int, default=4, help="client threads")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if args.seconds <= 0 or args.concurrency < 1 or args.rounds < 1 or args.patients < 1:
        parser.error("--patients, --seconds, --concurrency and --rounds must be positive")
    if not 7 <= args.days <= 160:
        parser.error("--days must be from 7 to 160 (a program lasts at most 26 weeks)")

    redis = RedisServer().start()
    os.environ["CACHE_URL"] = os.environ["REDIS_URL"] = redis.url
    server = None
    try:
        # Database connections kept between requests, as production keeps them.
        with bench_database("config.settings.bench", {"DATABASE_CONN_MAX_AGE": "60"}) as postgres:
            from django.db import connection, connections

            seeded = seed(args.days)
            if postgres:
                # What autovacuum does after a bulk load, as after the clinic grows below:
                # without statistics the planner takes the small tables for big ones.
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
                connections.close_all()
            from django.conf import settings

            cached = settings.CACHES["default"]
            print(
                f"database: {connection.vendor}; cache: {cached['BACKEND']} at {cached['LOCATION']}"
            )
            print(
                f"load:     {args.concurrency} clients, {args.seconds:g} s a URL, {args.rounds} "
                f"rounds, gunicorn with {WORKERS} sync workers"
            )
            print(f"patient:  {HOME_EXERCISES} home exercises today, {args.days} days of logs")
            targets = [
                Target("floor", "/api/v1/health/live/", ""),
                Target("endpoint", "/api/v1/today/", f"Authorization: Token {seeded.token}\r\n"),
                Target(
                    "page",
                    "/app/today/",
                    f"Cookie: sessionid={seeded.session}; csrftoken={seeded.csrf}\r\n",
                ),
            ]
            port = free_port()
            server = start_server(port)
            wait_until_up(server, port, targets[0].request(port))
            results = [measure(1, port, targets, seeded, args)]
            if args.patients > 1:
                started = time.perf_counter()
                rows = grow_clinic(seeded.patient_id, args.patients - 1, random.Random(2000))
                if postgres:
                    with connection.cursor() as cursor:
                        cursor.execute("ANALYZE")  # what autovacuum does after a bulk load
                connections.close_all()
                seconds = time.perf_counter() - started
                print(
                    "\nclinic grown in {:.0f} s: {}".format(
                        seconds, ", ".join(f"{n} {name}" for name, n in rows.items())
                    )
                )
                results.append(measure(args.patients, port, targets, seeded, args))
            if postgres:
                explain(seeded)

            last = results[-1]
            print()
            for name in ("endpoint", "page"):
                print(f"ratio {name} / floor:  {last.median_ratio(name):.2f}x")
            met = all(
                ratio >= TARGET for name in ("endpoint", "page") for ratio in last.ratios(name)
            )
            print(
                f"target: at least {TARGET:.2f}x each, in every round: {'met' if met else 'MISSED'}"
            )
            if len(results) == 2:
                small = results[0]
                for name in ("endpoint", "page"):
                    change = last.median_ratio(name) / small.median_ratio(name) - 1
                    verdict = "met" if abs(change) <= GROWTH_TOLERANCE else "MISSED"
                    print(
                        f"{name}: {last.median_ratio(name):.2f}x at {last.patients} patients, "
                        f"{small.median_ratio(name):.2f}x at 1 ({change:+.0%}; within "
                        f"{GROWTH_TOLERANCE:.0%}: {verdict})"
                    )
    finally:
        if server is not None:
            stop(server)
        redis.stop()


if __name__ == "__main__":
    main()
