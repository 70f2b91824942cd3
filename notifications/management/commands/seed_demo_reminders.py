from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from notifications.demo import demo_alerts_seed, demo_preferences_seed
from rehab.management.demo_guard import demo_data_refuse_on_production


class Command(BaseCommand):
    help = (
        "Reminder preferences (quiet nights) for the demo patients and the demo doctors' alerts "
        "(idempotent; after seed_demo and seed_demo_programs)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        demo_data_refuse_on_production(
            command="seed_demo_reminders", reason="it would change the demo patients' reminders."
        )
        count = demo_preferences_seed()
        self.stdout.write(self.style.SUCCESS(f"Demo reminder preferences: {count} set."))
        alerts = demo_alerts_seed(now=timezone.now())
        self.stdout.write(self.style.SUCCESS(f"Demo alerts for the doctors: {alerts} new."))
