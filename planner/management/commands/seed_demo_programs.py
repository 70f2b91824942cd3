from typing import Any

from django.core.management.base import BaseCommand

from planner.demo import demo_programs_seed
from rehab.management.demo_guard import demo_data_refuse_on_production


class Command(BaseCommand):
    help = "Programs for the demo patients at different stages (idempotent; after seed_demo)."

    def handle(self, *args: Any, **options: Any) -> None:
        demo_data_refuse_on_production(
            command="seed_demo_programs",
            reason="it would give made-up programs to the demo patients.",
        )
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
