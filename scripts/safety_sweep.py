"""Adversarial run of the planner: random profiles x every pattern x N weeks, checked week by week.

Each course runs through the real services (`plan_simulate`'s `simulate_course`, rolled
back), and every week is judged against the rules in force that week
(`course_violations`). Prints one line per violation and a summary; exit code 1 when any
course broke a rule. Same seed, same profiles.

    .venv/bin/python scripts/safety_sweep.py --profiles 50 --weeks 12 [--shard 0/2]
"""

import argparse
import os
import random
import sys
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django

django.setup()

from planner.engine.profile import parse_profile  # noqa: E402
from planner.selectors import engine_catalogue, engine_rules  # noqa: E402
from planner.simulate import PATTERNS, course_violations, simulate_course  # noqa: E402
from rehab.models import Comorbidity, Diagnosis, RedFlag  # noqa: E402

COMORBIDITIES = (
    "hypertension",
    "coronary_heart_disease",
    "heart_failure",
    "osteoporosis",
    "varicose_veins",
    "peripheral_arterial_disease",
    "knee_osteoarthritis",
    "hip_osteoarthritis",
    "balance_disorder",
    "gastrointestinal_disease",
)


def random_profile(rng: random.Random) -> dict[str, Any]:
    """A plausible but demanding patient: old, frail, several illnesses, pregnancies."""
    sex = rng.choice(["female", "male"])
    pregnant = sex == "female" and rng.random() < 0.25
    age = (
        rng.randint(20, 42) if pregnant else rng.choice([rng.randint(18, 95), rng.randint(65, 95)])
    )
    codes = rng.sample(sorted(Diagnosis.objects.values_list("code", flat=True)), rng.randint(1, 2))
    comorbidities = set(rng.sample(COMORBIDITIES, rng.randint(0, 3)))
    if rng.random() < 0.3:
        comorbidities |= {"diabetes", rng.choice(["diabetic_neuropathy", "diabetic_retinopathy"])}
    bmi = round(rng.uniform(19, 42), 1)
    if bmi >= 30 and rng.random() < 0.5:
        comorbidities.add("obesity")
    profile: dict[str, Any] = {
        "age": age,
        "sex": sex,
        "fitness": rng.choice(["low", "moderate", "high"]),
        "diagnoses": [
            {
                "code": code,
                "side": rng.choice(["left", "right", "bilateral"]),
                "stage": rng.choice(["acute", "subacute", "chronic"]),
            }
            for code in codes
        ],
        "comorbidities": sorted(comorbidities),
        "red_flags": [],
        "bmi": bmi,
    }
    if pregnant:
        profile["pregnancy_weeks"] = rng.randint(6, 24)
    return profile


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--profiles", type=int, default=50)
    parser.add_argument("--weeks", type=int, default=12)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--shard", default="0/1", help="k/n: run every n-th profile from k")
    args = parser.parse_args()
    shard, shards = (int(part) for part in args.shard.split("/"))
    rng = random.Random(args.seed)
    profiles = [random_profile(rng) for _ in range(args.profiles)]
    vocab = {
        "diagnoses": set(Diagnosis.objects.values_list("code", flat=True)),
        "comorbidities": set(Comorbidity.objects.values_list("code", flat=True)),
        "red_flags": set(RedFlag.objects.values_list("code", flat=True)),
    }
    catalogue = {exercise.slug: exercise for exercise in engine_catalogue()}
    rules = engine_rules()
    start = date(2026, 3, 2)
    courses = weeks = violations = 0
    for index, data in enumerate(profiles):
        if index % shards != shard:
            continue
        profile = parse_profile(data, **vocab)
        for pattern in PATTERNS:
            course = simulate_course(
                profile_data=data, weeks=args.weeks, pattern=pattern, start=start
            )
            courses += 1
            weeks += len(course["weeks"])
            for line in course_violations(
                profile=profile, course=course, start=start, catalogue=catalogue, rules=rules
            ):
                violations += 1
                print(f"profile {index} {pattern}: {line}", flush=True)
    print(
        f"{courses} courses ({len(range(shard, args.profiles, shards))} profiles x "
        f"{len(PATTERNS)} patterns), {weeks} weeks simulated, {violations} violations"
    )
    return 1 if violations else 0


if __name__ == "__main__":
    sys.exit(main())
