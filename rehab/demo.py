"""Demonstration data for `make run`: two doctors and patients at different stages.

Idempotent: people are found by their username or name and brought back to
the state below, so running it twice changes nothing and duplicates nothing.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from rehab.models import (
    Bothersomeness,
    Clinician,
    ClinicSettings,
    Comorbidity,
    Diagnosis,
    FitnessTest,
    OswestryAssessment,
    PainAssessment,
    Patient,
    PatientComorbidity,
    PatientDiagnosis,
    PatientRedFlag,
    RedFlag,
    StartBackAssessment,
)
from rehab.services import clinic_settings_save, clinician_group_sync, patient_invite_create

DEMO_PASSWORDS = {"admin": "demo-admin-2026", "doctor": "demo-doctor-2026"}


@dataclass(frozen=True)
class DemoPatient:
    first_name: str
    last_name: str
    sex: str
    age: int
    height_cm: int
    weight_kg: str
    fitness: str
    diagnoses: tuple[tuple[str, str, str, int], ...]  # code, side, stage, weeks since onset
    comorbidities: tuple[str, ...] = ()
    red_flags: tuple[str, ...] = ()
    pregnancy_weeks: int | None = None
    pain: tuple[int, ...] = ()  # weekly scores, oldest first
    odi: tuple[int | None, ...] = ()  # ten sections, None where skipped
    start_back: tuple[int, ...] = field(default=())  # indices (1-8) answered "agree"
    bothersome: int = Bothersomeness.MODERATELY
    chair_stands: int | None = None
    doctor: str = "doctor"
    # Days before today of the examination (ODI, STarT Back, fitness): a course dated from
    # before today is planned from what was known on its first day.
    examined_days_ago: int = 0


DEMO_PATIENTS: tuple[DemoPatient, ...] = (
    DemoPatient(
        "Ivan", "Sokolov", "male", 38, 182, "84.0", "moderate",
        (("disc_herniation", "left", "acute", 3),),
        pain=(8, 7), odi=(3, 2, 3, 2, 4, 3, 2, 2, 3, 3), start_back=(1, 3, 4, 6),
        chair_stands=16,
    ),
    DemoPatient(
        "Maria", "Kuznetsova", "female", 31, 166, "71.5", "moderate",
        (("sciatica", "right", "subacute", 8),),
        pregnancy_weeks=24, pain=(5, 5, 4), odi=(2, 1, 2, 1, 2, 2, 2, 1, 1, 2),
        start_back=(1, 3), chair_stands=15,
    ),
    DemoPatient(
        "Nikolai", "Ivanov", "male", 72, 170, "78.0", "low",
        (("osteochondrosis", "bilateral", "chronic", 60),),
        comorbidities=("osteoporosis", "hypertension"), pain=(5, 4, 4),
        odi=(2, 1, 2, 2, 1, 2, 1, None, 1, 2), start_back=(3, 4), chair_stands=9,
    ),
    DemoPatient(
        "Elena", "Smirnova", "female", 47, 161, "66.0", "moderate",
        (("spondylolisthesis", "bilateral", "chronic", 30),),
        pain=(4, 3, 3), odi=(2, 1, 2, 1, 2, 2, 1, 1, 1, 1), start_back=(3,), chair_stands=14,
    ),
    DemoPatient(
        "Olga", "Volkova", "female", 52, 168, "63.0", "high",
        (("piriformis_syndrome", "right", "subacute", 7),),
        pain=(6, 5, 4), odi=(2, 1, 1, 2, 3, 1, 2, 1, 1, 2), start_back=(1, 5, 6),
        chair_stands=18,
    ),
    DemoPatient(
        "Pavel", "Morozov", "male", 56, 178, "90.0", "moderate",
        (("lumboischialgia", "left", "acute", 2),),
        red_flags=("saddle_anesthesia",), pain=(8,), start_back=(1, 3, 4, 5, 6, 7),
        bothersome=Bothersomeness.EXTREMELY,
    ),
    DemoPatient(
        "Sergei", "Fedorov", "male", 64, 175, "98.0", "low",
        (("spinal_stenosis", "bilateral", "chronic", 40),),
        comorbidities=("peripheral_arterial_disease", "diabetes", "diabetic_neuropathy"),
        pain=(5, 5), odi=(3, 2, 3, 3, 2, 3, 2, 2, 2, 3), start_back=(1, 3, 4),
        chair_stands=10,
    ),
    DemoPatient(
        "Dmitry", "Popov", "male", 44, 180, "82.0", "high",
        (("facet_arthropathy", "right", "chronic", 20),),
        pain=(3, 3), odi=(1, 0, 1, 1, 1, 1, 0, 0, 1, 1), chair_stands=19,
        doctor="doctor2",
    ),
    # The rest of the doctor's worklist (planner.demo tells their courses): a red flag the
    # clinic recorded, one the patient reports from the app, pain flaring and rising at home
    # with a pain score worse than the week before, home days missed with questionnaires
    # overdue (never answered).
    DemoPatient(
        "Anton", "Lebedev", "male", 59, 176, "81.0", "moderate",
        (("osteochondrosis", "bilateral", "chronic", 30),),
        red_flags=("night_pain",), pain=(6, 6), odi=(2, 2, 2, 1, 2, 2, 1, 1, 2, 2),
        start_back=(1, 3, 4), chair_stands=12,
    ),
    DemoPatient(
        "Tatiana", "Zaitseva", "female", 41, 164, "60.0", "moderate",
        (("disc_protrusion", "left", "subacute", 9),),
        pain=(5, 4), odi=(2, 1, 2, 1, 2, 1, 1, 1, 1, 2), start_back=(1, 3), chair_stands=15,
    ),
    DemoPatient(
        "Andrei", "Novikov", "male", 49, 181, "86.0", "moderate",
        (("facet_arthropathy", "left", "chronic", 16),),
        pain=(3, 6), odi=(2, 1, 2, 1, 2, 2, 1, 1, 1, 2), start_back=(3,), chair_stands=14,
    ),
    DemoPatient(
        "Irina", "Pavlova", "female", 45, 167, "64.0", "moderate",
        (("osteochondrosis", "bilateral", "chronic", 26),),
        start_back=(3,), chair_stands=15, examined_days_ago=15,
    ),
)  # fmt: skip
# Invited to the app and never signed in (on the worklist as such).
INVITED_NOT_SIGNED_IN = ("Fedorov",)

DEMO_DOCTORS = {
    "doctor": ("Anna", "Belova", "Rehabilitation doctor"),
    "doctor2": ("Mikhail", "Orlov", "Physiotherapist"),
}


@dataclass
class DemoReport:
    clinicians: list[str] = field(default_factory=list)
    patients: list[str] = field(default_factory=list)


def _birth_date(age: int, today: date) -> date:
    """A birthday a month ago, so the age shown is the age given for weeks to come."""
    last_birthday = today - timedelta(days=30)
    try:
        return last_birthday.replace(year=last_birthday.year - age)
    except ValueError:  # 29 February in a common year
        return last_birthday.replace(year=last_birthday.year - age, day=28)


def _save_if_changed(model: type[Any], lookup: dict[str, Any], values: dict[str, Any]) -> Any:
    """update_or_create that writes only a change: a re-run of the demo adds no history rows
    (the record's history keeps a row for every save)."""
    row = model.objects.filter(**lookup).first()
    if row is None:
        return model.objects.create(**lookup, **values)
    changed = [name for name, value in values.items() if getattr(row, name) != value]
    for name in changed:
        setattr(row, name, values[name])
    if changed:
        row.save(update_fields=changed)
    return row


def _user(username: str, **values: Any) -> Any:
    user_model = get_user_model()
    user, _ = user_model.objects.update_or_create(username=username, defaults=values)
    return user


# The demo clinic, where the demo patients live (a made-up address and number).
DEMO_CLINIC: dict[str, Any] = {
    "name": "Demo Spine Rehabilitation Clinic",
    "address": "1 Demo St, Moscow",
    "phone": "+7 495 000-00-00",
    "time_zone": "Europe/Moscow",
}


@transaction.atomic
def demo_seed() -> DemoReport:
    today = timezone.localdate()
    report = DemoReport()
    admin_user = _user("admin", is_staff=True, is_superuser=True, email="admin@example.org")
    admin_user.set_password(DEMO_PASSWORDS["admin"])
    admin_user.save()

    if not ClinicSettings.objects.exists():  # a clinic's own settings are never replaced
        clinic_settings_save(clinic=ClinicSettings(**DEMO_CLINIC))

    group = clinician_group_sync()
    clinicians: dict[str, Clinician] = {}
    for username, (first, last, title) in DEMO_DOCTORS.items():
        user = _user(
            username,
            first_name=first,
            last_name=last,
            email=f"{username}@example.org",
            is_staff=True,
        )
        user.set_password(DEMO_PASSWORDS["doctor"])
        user.save()
        user.groups.add(group)
        clinician, _ = Clinician.objects.update_or_create(user=user, defaults={"title": title})
        clinicians[username] = clinician
        report.clinicians.append(username)

    diagnoses = {d.code: d for d in Diagnosis.objects.all()}
    comorbidities = {c.code: c for c in Comorbidity.objects.all()}
    red_flags = {r.code: r for r in RedFlag.objects.all()}
    for spec in DEMO_PATIENTS:
        patient = _demo_patient(spec, clinicians[spec.doctor], today)
        for code, side, stage, weeks in spec.diagnoses:
            _save_if_changed(
                PatientDiagnosis,
                {"patient": patient, "diagnosis": diagnoses[code]},
                {"side": side, "stage": stage, "onset_date": today - timedelta(weeks=weeks)},
            )
        for code in spec.comorbidities:
            PatientComorbidity.objects.get_or_create(
                patient=patient, comorbidity=comorbidities[code]
            )
        for code in spec.red_flags:
            PatientRedFlag.objects.get_or_create(
                patient=patient,
                red_flag=red_flags[code],
                status=PatientRedFlag.Status.ACTIVE,
                defaults={"noted_by": clinicians[spec.doctor].user},
            )
        _demo_assessments(patient, spec, today, clinicians[spec.doctor].user)
        if spec.last_name in INVITED_NOT_SIGNED_IN and not patient.invites.exists():
            patient_invite_create(patient=patient, by=clinicians[spec.doctor].user)
        report.patients.append(patient.full_name)
    return report


def _demo_patient(spec: DemoPatient, clinician: Clinician, today: date) -> Patient:
    patient = Patient.objects.filter(
        first_name=spec.first_name, last_name=spec.last_name, clinician=clinician
    ).first() or Patient(first_name=spec.first_name, last_name=spec.last_name)
    values = {
        "clinician": clinician,
        "email": f"{spec.first_name}.{spec.last_name}@example.org".lower(),
        "date_of_birth": _birth_date(spec.age, today),
        "sex": spec.sex,
        "height_cm": spec.height_cm,
        "weight_kg": Decimal(spec.weight_kg),
        "fitness_level": spec.fitness,
        "time_zone": "Europe/Moscow",
        # The demo's Russian speaker reads the app and her reminders in Russian.
        "language": "ru" if spec.last_name == "Kuznetsova" else "en",
        "pregnancy_weeks": spec.pregnancy_weeks,
        "pregnancy_weeks_on": today if spec.pregnancy_weeks is not None else None,
        "pregnancy_due_date": None,
    }
    if patient.pk is not None and all(getattr(patient, k) == v for k, v in values.items()):
        return patient  # saved again, it would add a row to the record's history
    for name, value in values.items():
        setattr(patient, name, value)
    patient.full_clean()
    patient.save()
    return patient


def _demo_assessments(patient: Patient, spec: DemoPatient, today: date, by: Any) -> None:
    examined_on = today - timedelta(days=spec.examined_days_ago)
    # One reading per week, ending today; keyed by date so a re-run updates in place.
    for weeks_ago, score in enumerate(reversed(spec.pain)):
        PainAssessment.objects.update_or_create(
            patient=patient,
            assessed_on=today - timedelta(weeks=weeks_ago),
            defaults={"score": score, "recorded_by": by},
        )
    if spec.odi:
        OswestryAssessment.objects.update_or_create(
            patient=patient,
            assessed_on=examined_on,
            defaults={f"section_{i}": v for i, v in enumerate(spec.odi, start=1)}
            | {"recorded_by": by},
        )
    if spec.start_back:
        StartBackAssessment.objects.update_or_create(
            patient=patient,
            assessed_on=examined_on,
            defaults={f"item_{i}": i in spec.start_back for i in range(1, 9)}
            | {"item_9": spec.bothersome, "recorded_by": by},
        )
    if spec.chair_stands is not None:
        FitnessTest.objects.update_or_create(
            patient=patient,
            assessed_on=examined_on,
            kind=FitnessTest.Kind.CHAIR_STAND_30S,
            defaults={"value": Decimal(spec.chair_stands), "recorded_by": by},
        )
