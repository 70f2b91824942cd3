from typing import Any

from django.core.management.base import BaseCommand

from notifications.demo import demo_preferences_seed


class Command(BaseCommand):
    help = (
        "Reminder preferences (quiet nights) for the demo patients (idempotent; after seed_demo)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        count = demo_preferences_seed()
        self.stdout.write(self.style.SUCCESS(f"Demo reminder preferences: {count} set."))
