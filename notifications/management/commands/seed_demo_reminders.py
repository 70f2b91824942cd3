from typing import Any

from django.core.management.base import BaseCommand

from notifications.demo import demo_preferences_seed
from rehab.management.demo_guard import demo_data_refuse_on_production


class Command(BaseCommand):
    help = (
        "Reminder preferences (quiet nights) for the demo patients (idempotent; after seed_demo)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        demo_data_refuse_on_production(
            command="seed_demo_reminders", reason="it would change the demo patients' reminders."
        )
        count = demo_preferences_seed()
        self.stdout.write(self.style.SUCCESS(f"Demo reminder preferences: {count} set."))
