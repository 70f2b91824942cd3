from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand

from planner.beat_schedule import sync_periodic_tasks


class Command(BaseCommand):
    help = "Create or update the periodic tasks that beat runs (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        count = sync_periodic_tasks(apps)
        self.stdout.write(f"Periodic tasks: {count} in place.")
