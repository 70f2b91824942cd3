"""Data for runs against real processes, made inside `manage.py shell` (the delivery tests and
the fan-out benchmark write to the throwaway database the workers read)."""

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from notifications.models import Reminder, ReminderKind
from rehab import services
from rehab.models import Patient


def create_due_alerts(count: int) -> None:
    """`count` pain alerts due a minute ago, one per patient, all for one clinician."""
    clinician = services.clinician_create(
        username="delivery-doctor",
        password="delivery-password-2026",
        first_name="Dora",
        last_name="Delivery",
        email="doctor@clinic.test",
    )
    # Bulk inserts: thousands of rows one by one would take longer than the run they feed.
    patients = Patient.objects.bulk_create(
        Patient(
            first_name=f"P{n}",
            last_name="Delivery",
            clinician=clinician,
            date_of_birth=date(1970, 1, 1),
            sex="female",
            height_cm=165,
            weight_kg=Decimal(60),
        )
        for n in range(count)
    )
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
