"""The clinician's worklist ("Needs attention") for a clinic of many patients, against the
plain admin patient list of the same patients, in the same run.

The clinic: one clinician with `--patients` patients (default 1,000), each with an approved
program of 6 mastered exercises started `--days` days ago (default 90) and a home log for
most of those days (pain, effort: about 500 rows of logs a patient), their past clinic
sessions recorded, and a red flag for one patient in 50. The seeding is the Today
benchmark's (`today_throughput.seed` and `grow_clinic`), with every patient given to the
one clinician.

Measured in-process through Django's test client, signed in as the clinician (the test
settings: DEBUG off): the admin index, which opens with the worklist (`GET /admin/`), and the
worklist's REST endpoint (`GET /api/v1/clinician/worklist/`), each against the floor, the
admin's patient change list (`GET /admin/rehab/patient/`: 100 patients a page, with their
diagnoses, pain, ODI and red flags). Rounds interleave the three; each round takes the
median of `--requests` requests a URL, and its ratio is that median over the floor's median
of the same round. Target: the admin index at most 3x the patient list (the median of the
rounds' ratios).

The database is a throwaway SQLite file, or a fresh PostgreSQL database made next to the
one `DATABASE_URL` names (and dropped at the end).

    .venv/bin/python bench/worklist.py [--patients 1000] [--days 90] [--rounds 5]
        [--requests 5]
    scripts/with-postgres.sh .venv/bin/python bench/worklist.py
"""

import argparse
import gc
import random
import statistics
import time
from typing import Any

from _django import bench_database  # first: it puts the project (and testsupport) on the path
from today_throughput import grow_clinic, seed

TARGET = 3.0
RED_FLAG_EVERY = 50


def prepare(patients: int, days: int) -> tuple[Any, dict[str, int]]:
    """The clinic; returns the clinician's user and the sizes of the big tables."""
    from django.utils import timezone

    from planner.models import SupervisedSession, SupervisedStatus
    from rehab.models import Patient, PatientRedFlag, RedFlag

    seeded = seed(days)
    template = Patient.objects.select_related("clinician__user").get(pk=seeded.patient_id)
    # The measured patient's course is copied to the others: its clinic sessions so far
    # were held and recorded, as a clinic's are.
    SupervisedSession.objects.filter(
        program__patient=template, scheduled_for__lt=timezone.now()
    ).update(status=SupervisedStatus.DONE, recorded_at=timezone.now())
    sizes = grow_clinic(template.pk, patients - 1, random.Random(2)) if patients > 1 else {}
    Patient.objects.update(clinician=template.clinician)
    flags = list(RedFlag.objects.order_by("code"))
    PatientRedFlag.objects.bulk_create(
        PatientRedFlag(patient_id=pk, red_flag=flags[n % len(flags)])
        for n, pk in enumerate(Patient.objects.order_by("pk").values_list("pk", flat=True))
        if n % RED_FLAG_EVERY == 0
    )
    return template.clinician.user, sizes


def timed(client: Any, url: str) -> float:
    start = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - start
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--patients", type=int, default=1000, help="of the one clinician")
    parser.add_argument("--days", type=int, default=90, help="of home logs a patient")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=5, help="a URL a round")
    args = parser.parse_args()
    if args.patients < 1 or args.rounds < 1 or args.requests < 1:
        parser.error("--patients, --rounds and --requests must be positive")
    if not 7 <= args.days <= 160:
        parser.error("--days must be from 7 to 160 (a program lasts at most 26 weeks)")

    with bench_database("config.settings.test") as postgres:
        from django.db import connection, connections
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        from planner.selectors import worklist_rows

        user, sizes = prepare(args.patients, args.days)
        if postgres:
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # what autovacuum does after a bulk load
        # What seeding left in memory is not the server's: without this, every garbage
        # collection during the measured requests walks the seeding's objects too.
        connections.close_all()
        gc.collect()
        gc.freeze()
        client = Client()
        client.force_login(user)
        urls = {
            "floor": "/admin/rehab/patient/",
            "index": "/admin/",
            "endpoint": "/api/v1/clinician/worklist/",
        }
        listed = worklist_rows(user=user)
        reasons = sum(len(row.reasons) for row in listed)
        print(f"database: {connection.vendor}")
        print(
            f"clinic:   {args.patients} patients of one clinician, {args.days} days of logs"
            + "".join(f", {count} {name}" for name, count in sizes.items() if name != "patients")
        )
        print(f"worklist: {len(listed)} patients listed, {reasons} reasons")
        for name, url in urls.items():
            with CaptureQueriesContext(connection) as queries:
                timed(client, url)  # warm: the first request pays for templates and imports
            print(f"queries:  {name} {url}: {len(queries)}")
        rounds: list[dict[str, float]] = []
        for number in range(1, args.rounds + 1):
            times: dict[str, list[float]] = {name: [] for name in urls}
            for _ in range(args.requests):
                for name, url in urls.items():
                    times[name].append(timed(client, url))
            medians = {name: statistics.median(values) for name, values in times.items()}
            rounds.append(medians)
            print(
                f"  round {number}: floor {medians['floor'] * 1000:.1f} ms, index "
                f"{medians['index'] * 1000:.1f} ms ({medians['index'] / medians['floor']:.2f}x), "
                f"endpoint {medians['endpoint'] * 1000:.1f} ms "
                f"({medians['endpoint'] / medians['floor']:.2f}x)"
            )
        index = statistics.median(r["index"] / r["floor"] for r in rounds)
        endpoint = statistics.median(r["endpoint"] / r["floor"] for r in rounds)
        floor = statistics.median(r["floor"] for r in rounds)
        print(f"floor (admin patient list): {floor * 1000:.1f} ms")
        print(f"endpoint ratio: {endpoint:.2f}x")
        print(f"ratio (admin index with the worklist): {index:.2f}x")
        print(f"target at most {TARGET:g}x: {'met' if index <= TARGET else 'MISSED'}")


if __name__ == "__main__":
    main()
