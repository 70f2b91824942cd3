from typing import Any

from django.core.management.base import BaseCommand

from rehab.demo import DEMO_PASSWORDS, demo_seed
from rehab.management.demo_guard import demo_data_refuse_on_production


class Command(BaseCommand):
    help = "Create or refresh the demonstration doctors and patients (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        demo_data_refuse_on_production(
            command="seed_demo", reason="it would reset passwords to published ones."
        )
        report = demo_seed()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data: {len(report.clinicians)} doctors, {len(report.patients)} patients."
            )
        )
        self.stdout.write(
            f"Logins: admin / {DEMO_PASSWORDS['admin']} (administrator), "
            f"doctor / {DEMO_PASSWORDS['doctor']} and doctor2 / {DEMO_PASSWORDS['doctor']} "
            "(rehabilitation doctors)."
        )
