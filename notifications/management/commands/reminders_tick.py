from typing import Any

from django.core.management.base import BaseCommand

from notifications.tasks import reminders_tick


class Command(BaseCommand):
    help = "One beat tick by hand: plan today's reminders and hand the due ones to the workers."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"Reminders handed to the workers: {reminders_tick()}.")
