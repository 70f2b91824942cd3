import json
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from planner.management.profile_file import BAD_INPUT, read_profile_file
from planner.simulate import (
    MAX_WEEKS,
    MIN_WEEKS,
    PATTERNS,
    SimulationError,
    course_to_text,
    simulate_course,
)


class Command(BaseCommand):
    help = (
        "Simulate a course for a profile in a JSON file through the real services "
        "(generation, supervised sessions, home logs, weekly reviews); writes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("profile", type=Path, help="JSON file with the patient profile.")
        parser.add_argument(
            "--weeks", type=int, required=True, help=f"Home weeks, {MIN_WEEKS} to {MAX_WEEKS}."
        )
        parser.add_argument("--pattern", choices=PATTERNS, required=True)
        parser.add_argument("--start", help="First day of the program, YYYY-MM-DD (default today).")
        parser.add_argument("--format", choices=["json", "text"], default="json")

    def handle(self, *args: Any, **options: Any) -> None:
        weeks: int = options["weeks"]
        if not MIN_WEEKS <= weeks <= MAX_WEEKS:
            raise CommandError(
                f"--weeks must be between {MIN_WEEKS} and {MAX_WEEKS}, got {weeks}.",
                returncode=BAD_INPUT,
            )
        start = timezone.localdate()
        if options["start"] is not None:
            try:
                start = date.fromisoformat(options["start"])
            except ValueError:
                raise CommandError(
                    f"--start must be a date as YYYY-MM-DD, got {options['start']!r}.",
                    returncode=BAD_INPUT,
                ) from None
        data, _ = read_profile_file(options["profile"])
        try:
            course = simulate_course(
                profile_data=data,
                weeks=weeks,
                pattern=options["pattern"],
                start=start,
            )
        except SimulationError as error:
            raise CommandError(str(error), returncode=BAD_INPUT) from None
        if options["format"] == "text":
            self.stdout.write(course_to_text(course), ending="")
        else:
            self.stdout.write(json.dumps(course, indent=2, ensure_ascii=False, sort_keys=False))
