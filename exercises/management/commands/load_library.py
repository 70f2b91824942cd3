from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from exercises.services import DEFAULT_LIBRARY, LibraryError, library_load


class Command(BaseCommand):
    help = "Load or update the seeded exercise library (idempotent; all or nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--file", type=Path, default=DEFAULT_LIBRARY, help="TOML file of [[exercise]] tables."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = library_load(path=options["file"])
        except LibraryError as error:
            raise CommandError(
                "The library was not loaded; nothing was changed:\n"
                + "\n".join(f"  - {p}" for p in error.problems),
                returncode=2,
            ) from None
        if options["verbosity"] < 1:
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Exercise library: {report.total} exercises ({len(report.created)} created, "
                f"{len(report.updated)} updated, {len(report.unchanged)} unchanged)."
            )
        )
