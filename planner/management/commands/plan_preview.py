import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from planner.engine.generate.plan import generate_plan
from planner.engine.serialize import plan_to_dict, plan_to_text
from planner.management.profile_file import read_profile_file
from planner.selectors import engine_catalogue, engine_rules


class Command(BaseCommand):
    help = (
        "Dry run of the planner for a profile in a JSON file: prints the plan it would "
        "propose, writes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("profile", type=Path, help="JSON file with the patient profile.")
        parser.add_argument("--format", choices=["json", "text"], default="json")

    def handle(self, *args: Any, **options: Any) -> None:
        _, profile = read_profile_file(options["profile"])
        plan = generate_plan(profile, engine_catalogue(), engine_rules())
        if options["format"] == "text":
            self.stdout.write(plan_to_text(plan), ending="")
        else:
            self.stdout.write(json.dumps(plan_to_dict(plan), indent=2, ensure_ascii=False))
