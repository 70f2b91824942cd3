import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from planner.engine.generate import generate_plan
from planner.engine.profile import ProfileError, parse_profile
from planner.engine.serialize import plan_to_dict, plan_to_text
from planner.selectors import engine_catalogue, engine_rules
from rehab.models import Comorbidity, Diagnosis, RedFlag


class Command(BaseCommand):
    help = (
        "Dry run of the planner for a profile in a JSON file: prints the plan it would "
        "propose, writes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("profile", type=Path, help="JSON file with the patient profile.")
        parser.add_argument("--format", choices=["json", "text"], default="json")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["profile"]
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise CommandError(f"{path}: no such file.") from None
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise CommandError(f"{path}: not valid JSON ({error}).") from None
        try:
            profile = parse_profile(
                data,
                diagnoses=set(Diagnosis.objects.values_list("code", flat=True)),
                comorbidities=set(Comorbidity.objects.values_list("code", flat=True)),
                red_flags=set(RedFlag.objects.values_list("code", flat=True)),
            )
        except ProfileError as error:
            raise CommandError(f"Invalid profile: {error}") from None
        plan = generate_plan(profile, engine_catalogue(), engine_rules())
        if options["format"] == "text":
            self.stdout.write(plan_to_text(plan), ending="")
        else:
            self.stdout.write(json.dumps(plan_to_dict(plan), indent=2, ensure_ascii=False))
