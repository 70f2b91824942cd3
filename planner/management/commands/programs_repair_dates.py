from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from planner.services.repair import programs_repair_dates


class Command(BaseCommand):
    help = (
        "Mend programs whose start date no program can have (written before it was checked): "
        "a draft starts on the patient's today; an approved program is listed for its "
        "clinician. Safe to run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="List what would change; write nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = programs_repair_dates(dry_run=options["dry_run"])
        for line in report.moved:
            self.stdout.write(("would be " if options["dry_run"] else "") + line)
        for line in report.left:
            self.stdout.write(
                self.style.WARNING(f"{line}: approved, left for its clinician to pause or complete")
            )
        self.stdout.write(
            f"{len(report.moved)} draft(s) {'to move' if options['dry_run'] else 'moved'}, "
            f"{len(report.left)} approved program(s) left for a clinician."
        )
