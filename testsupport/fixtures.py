"""Data for runs against real processes, made inside `manage.py shell` (the delivery tests and
the fan-out benchmark write to the throwaway database the workers read)."""

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from notifications.models import Reminder, ReminderKind
from notifications.timing import local_date
from rehab import services
from rehab.models import Clinician, Patient


def create_due_alerts(count: int) -> None:
    """`count` pain alerts due a minute ago, one per patient, all for one clinician."""
    clinician = _clinician("delivery-doctor", "Dora", "Delivery")
    patients = _patients(clinician, count, lambda n: {"first_name": f"P{n}"})
    now = timezone.now()
    Reminder.objects.bulk_create(
        Reminder(
            kind=ReminderKind.ALERT_PAIN,
            patient=patient,
            for_date=now.date(),
            due_at=now - timedelta(minutes=1),
            context={"pain": 7},
        )
        for patient in patients
    )


def create_due_home_reminders(count: int) -> None:
    """`count` patients at home (an active program each), each with today's home reminder due
    a minute ago: messages to patients, which go out at most once."""
    from planner.models import Program, ProgramStatus

    clinician = _clinician("home-doctor", "Hana", "Home")
    now = timezone.now()
    # Where it is about noon now: the patients' day cannot end during the run, whenever the
    # run is (a reminder for a day that is over is skipped, not sent).
    offset = 12 - now.hour
    zone = "Etc/GMT" if offset == 0 else f"Etc/GMT{-offset:+d}"  # the Etc signs are inverted
    today = local_date(now, zone)
    # Signed up for the app (each gets the in-app copy too); "!" is Django's unusable password.
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"home-{n}", email=f"h{n}@patients.test", password="!")
        for n in range(count)
    )
    patients = _patients(
        clinician,
        count,
        lambda n: {
            "user": users[n],
            "first_name": f"H{n}",
            "email": f"h{n}@patients.test",
            "time_zone": zone,
        },
    )
    # Bare active programs: delivery asks only whether one is running and the day logged.
    Program.objects.bulk_create(
        Program(
            patient=patient,
            status=ProgramStatus.ACTIVE,
            start_date=today - timedelta(days=14),
            created_by=clinician.user,
            approved_by=clinician.user,
            approved_at=now,
        )
        for patient in patients
    )
    Reminder.objects.bulk_create(
        Reminder(
            kind=ReminderKind.DAILY_HOME,
            patient=patient,
            for_date=today,
            due_at=now - timedelta(minutes=1),
            context={"exercises": 5, "minutes": 12},
        )
        for patient in patients
    )


def _clinician(username: str, first_name: str, last_name: str) -> Clinician:
    return services.clinician_create(
        username=username,
        password="delivery-password-2026",
        first_name=first_name,
        last_name=last_name,
        email=f"{username}@clinic.test",
    )


def _patients(
    clinician: Clinician, count: int, fields: Callable[[int], dict[str, Any]]
) -> list[Patient]:
    """`count` patients of `clinician`, the n-th with `fields(n)` over the common ones.

    Bulk inserts: thousands of rows one by one would take longer than the run they feed."""
    common = {
        "last_name": clinician.user.last_name,
        "date_of_birth": date(1970, 1, 1),
        "sex": "female",
        "height_cm": 165,
        "weight_kg": Decimal(60),
    }
    return Patient.objects.bulk_create(
        Patient(clinician=clinician, **(common | fields(n))) for n in range(count)
    )
