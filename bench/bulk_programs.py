"""Bulk: generate and save approved programs (6 weeks of schedule) for many patients.

The floor, measured in the same run, is inserting exactly the same rows (same
ids, same values) with `bulk_create`, model objects built from plain values:
all the database work and none of the planning. Target (issue 3): at most 2x the
floor for 10,000 patients.

    .venv/bin/python bench/bulk_programs.py [--patients 10000] [--chunk 1000]
"""

import argparse
import random
import shutil
import time
from datetime import date, timedelta
from decimal import Decimal

from _django import setup


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--patients", type=int, default=10_000)
    parser.add_argument("--chunk", type=int, default=1000)
    args = parser.parse_args()
    scratch = setup()

    from django.db import connection, transaction

    from planner import services
    from planner.models import (
        HomeSession,
        Program,
        ProgramExercise,
        ProgramVersion,
        SupervisedSession,
    )
    from rehab import services as rehab_services
    from rehab.clinical_catalogue import COMORBIDITIES, DIAGNOSES
    from rehab.models import Comorbidity, Diagnosis, Patient, PatientComorbidity, PatientDiagnosis

    clinician = rehab_services.clinician_create(
        username="bench-doctor", password="bench-password-2026", first_name="B", last_name="D"
    )
    rng = random.Random(10_000)
    zones = ["Europe/Moscow", "Europe/Berlin", "America/New_York", "Asia/Almaty", "UTC"]
    patients = Patient.objects.bulk_create(
        Patient(
            first_name=f"Patient{n}",
            last_name="Bench",
            clinician=clinician,
            date_of_birth=date(rng.randint(1935, 2005), rng.randint(1, 12), rng.randint(1, 28)),
            sex=rng.choice(["female", "male"]),
            height_cm=rng.randint(150, 195),
            weight_kg=Decimal(rng.randint(50, 110)),
            time_zone=rng.choice(zones),
            fitness_level=rng.choice(["low", "moderate", "high"]),
        )
        for n in range(args.patients)
    )
    diagnoses = {d.code: d for d in Diagnosis.objects.all()}
    comorbidities = {c.code: c for c in Comorbidity.objects.exclude(code="pregnancy")}
    PatientDiagnosis.objects.bulk_create(
        PatientDiagnosis(
            patient=patient,
            diagnosis=diagnoses[code],
            side=rng.choice(["left", "right", "bilateral"]),
            stage=rng.choice(["acute", "subacute", "chronic"]),
        )
        for patient in patients
        for code in rng.sample([d.code for d in DIAGNOSES], rng.randint(1, 2))
    )
    PatientComorbidity.objects.bulk_create(
        PatientComorbidity(patient=patient, comorbidity=comorbidities[code])
        for patient in patients
        for code in rng.sample(
            [c.code for c in COMORBIDITIES if c.code != "pregnancy"], rng.randint(0, 2)
        )
    )
    patients = list(Patient.objects.order_by("pk"))
    options = services.ProgramSettings(date.today() + timedelta(days=1))

    start = time.perf_counter()
    created = skipped = 0
    for first in range(0, len(patients), args.chunk):
        report = services.programs_generate_bulk(
            patients=patients[first : first + args.chunk],
            by=clinician.user,
            options=options,
            approve=True,
        )
        created += len(report.created)
        skipped += len(report.skipped)
    measured = time.perf_counter() - start

    models = (Program, ProgramVersion, ProgramExercise, HomeSession, SupervisedSession)
    snapshot = {model: list(model.objects.order_by("pk").values()) for model in models}
    Program.objects.all().delete()

    # Building the model objects is part of inserting with bulk_create, so it is timed too.
    start = time.perf_counter()
    rows = {}
    with transaction.atomic():
        for model in models:
            rows[model] = [model(**values) for values in snapshot[model]]
            model.objects.bulk_create(rows[model], batch_size=5000)
    floor = time.perf_counter() - start

    counts = ", ".join(f"{model.__name__} {len(rows[model])}" for model in models)
    print(f"database:            {connection.vendor}")
    print(f"patients:            {len(patients)} ({created} programs, {skipped} skipped)")
    print(f"rows:                {counts}")
    per_patient = measured / len(patients) * 1000
    print(f"generate and save:   {measured:.2f} s ({per_patient:.2f} ms a patient)")
    print(f"floor (bulk_create): {floor:.2f} s")
    print(f"ratio:               {measured / floor:.2f}x")
    print(f"target at most 2x:   {'met' if measured <= 2 * floor else 'MISSED'}")
    if scratch:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
