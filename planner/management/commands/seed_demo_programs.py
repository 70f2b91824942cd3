from typing import Any

from django.core.management.base import BaseCommand

from planner.demo import demo_programs_seed


class Command(BaseCommand):
    help = "Programs for the demo patients at different stages (idempotent; after seed_demo)."

    def handle(self, *args: Any, **options: Any) -> None:
        report = demo_programs_seed()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo programs: {len(report.created)} created, {len(report.skipped)} left as "
                "they were."
            )
        )
        if options["verbosity"] > 1:
            for line in report.skipped:
                self.stdout.write(f"  {line}")
