"""Engine speed: median time to generate one plan over random patients.

The floor, measured in the same run on the same profiles, is the least any rule
engine must do: test every exercise's tags against every rule's blocked tags.
Target (issue 3): under 5 ms a plan.

    .venv/bin/python bench/engine.py [--profiles 500]
"""

import argparse
import random
import shutil
import statistics
import time

from _django import setup


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--profiles", type=int, default=500)
    args = parser.parse_args()
    scratch = setup()

    from planner.engine.generate.plan import generate_plan
    from planner.engine.types import DiagnosisInput, PatientProfile
    from planner.selectors import engine_catalogue, engine_rules
    from rehab.clinical_catalogue import COMORBIDITIES, DIAGNOSES

    catalogue, rules = engine_catalogue(), engine_rules()
    rng = random.Random(2026)
    diagnoses = [d.code for d in DIAGNOSES]
    comorbidities = [c.code for c in COMORBIDITIES if c.code != "pregnancy"]
    profiles = []
    for _ in range(args.profiles):
        sex = rng.choice(["female", "male"])
        pregnant = sex == "female" and rng.random() < 0.1
        profiles.append(
            PatientProfile(
                age=rng.randint(18, 40) if pregnant else rng.randint(18, 92),
                sex=sex,  # type: ignore[arg-type]
                fitness=rng.choice(["low", "moderate", "high"]),  # type: ignore[arg-type]
                diagnoses=tuple(
                    DiagnosisInput(code, "left", rng.choice(["acute", "subacute", "chronic"]))
                    for code in rng.sample(diagnoses, rng.randint(1, 2))
                ),
                comorbidities=frozenset(rng.sample(comorbidities, rng.randint(0, 3))),
                bmi=rng.uniform(18, 40),
                pregnancy_weeks=rng.randint(4, 40) if pregnant else None,
            )
        )

    def floor(profile: PatientProfile) -> int:
        applying = [r for r in rules if r.applies_to(profile)]
        return sum(1 for ex in catalogue for r in applying if ex.tags & r.block_tags)

    plan_times, floor_times, statuses = [], [], []
    for profile in profiles:  # interleaved, so both see the same machine load
        start = time.perf_counter()
        plan = generate_plan(profile, catalogue, rules)
        plan_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        floor(profile)
        floor_times.append(time.perf_counter() - start)
        statuses.append(plan.status)

    plan_ms = statistics.median(plan_times) * 1000
    floor_ms = statistics.median(floor_times) * 1000
    print(f"profiles:            {len(profiles)} ({len(catalogue)} exercises, {len(rules)} rules)")
    print(
        "statuses:            "
        + ", ".join(f"{s} {statuses.count(s)}" for s in ("ok", "needs_review", "blocked"))
    )
    print(f"median per plan:     {plan_ms:.3f} ms (p95 {_p95(plan_times) * 1000:.3f} ms)")
    print(f"floor (tag checks):  {floor_ms:.3f} ms")
    print(f"ratio plan / floor:  {plan_ms / floor_ms:.1f}x")
    print(f"target under 5 ms:   {'met' if plan_ms < 5 else 'MISSED'}")
    if scratch:
        shutil.rmtree(scratch, ignore_errors=True)


def _p95(values: list[float]) -> float:
    return sorted(values)[int(len(values) * 0.95) - 1]


if __name__ == "__main__":
    main()
