from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from planner.services import reviews_propose_due


class Command(BaseCommand):
    help = "Propose the weekly review of every program whose home week ended yesterday."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", help="Run as if today were this date (YYYY-MM-DD).")

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options["today"]:
            try:
                today = date.fromisoformat(options["today"])
            except ValueError:
                raise CommandError(f"--today: not a date: {options['today']!r}.") from None
        proposals = reviews_propose_due(today=today)
        pending = sum(p.status == "pending" for p in proposals)
        self.stdout.write(f"Weekly reviews: {len(proposals)} due, {pending} waiting for approval.")
