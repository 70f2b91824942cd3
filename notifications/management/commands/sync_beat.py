from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand

from notifications.beat_schedule import PERIODIC_TASKS as NOTIFICATIONS_TASKS
from planner.beat_schedule import PERIODIC_TASKS as PLANNER_TASKS
from planner.beat_schedule import sync_periodic_tasks


class Command(BaseCommand):
    help = "Create or update the periodic tasks that beat runs, of every app (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        count = sync_periodic_tasks(apps, PLANNER_TASKS) + sync_periodic_tasks(
            apps, NOTIFICATIONS_TASKS
        )
        self.stdout.write(f"Periodic tasks: {count} in place.")
