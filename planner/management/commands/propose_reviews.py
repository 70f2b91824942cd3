from datetime import UTC, date, datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from planner.services import reviews_propose_due


class Command(BaseCommand):
    help = (
        "Propose the weekly review of every program whose home week is over on its patient's "
        "own date (what the beat runs every hour; a week already reviewed is not proposed again)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        when = parser.add_mutually_exclusive_group()
        when.add_argument(
            "--today", help="Run as if it were this date for every patient (YYYY-MM-DD)."
        )
        when.add_argument(
            "--now",
            help="Run at this instant, each patient on their own date then "
            "(ISO 8601, e.g. 2026-03-09T07:30Z; without an offset, UTC).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        now = None
        if options["today"]:
            try:
                today = date.fromisoformat(options["today"])
            except ValueError:
                raise CommandError(f"--today: not a date: {options['today']!r}.") from None
        if options["now"]:
            try:
                now = datetime.fromisoformat(options["now"])
            except ValueError:
                raise CommandError(f"--now: not a date and time: {options['now']!r}.") from None
            if now.tzinfo is None:
                now = now.replace(tzinfo=UTC)
        proposals = reviews_propose_due(now=now, today=today)
        pending = sum(p.status == "pending" for p in proposals)
        self.stdout.write(f"Weekly reviews: {len(proposals)} due, {pending} waiting for approval.")
        for program_id, error in sorted(proposals.failures.items()):
            self.stderr.write(f"Program {program_id}: {error}")
        if proposals.failures:
            raise CommandError(
                f"{len(proposals.failures)} program(s) could not be reviewed; the others were."
            )
