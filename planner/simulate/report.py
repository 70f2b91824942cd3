"""Reading a simulated course: as text for people, and every way it breaks the rules in force."""

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from planner.engine.safety import RulesInForce
from planner.engine.serialize import dose_text
from planner.engine.types import CatalogueExercise, Dose, PatientProfile, Rule


def course_to_text(course: Mapping[str, Any]) -> str:
    """The simulated course for people: one block per home week."""
    lines: list[str] = []
    for week in course["weeks"]:
        lines.append(f"Week {week['week']} from {week['date']}: {week['status']}")
        for exercise in week["exercises"]:
            dose = exercise["dose"]
            amount = dose_text(dose["sets"], dose["reps"], dose["hold_s"], dose["duration_s"])
            lines.append(
                f"  {exercise['name']} ({exercise['slug']}, difficulty {exercise['difficulty']}): "
                f"{amount} - {exercise['mode']}"
            )
        for change in week["changes"]:
            lines.append(f"  Change: {change['slug']}: {change['change']} [{change['rule']}]")
        for alert in week["alerts"]:
            lines.append(f"  Alert {alert['kind']}: {alert['text']}")
        lines.append("")
    return "\n".join(lines)


def course_violations(
    *,
    profile: PatientProfile,
    course: Mapping[str, Any],
    start: date,
    catalogue: Mapping[str, CatalogueExercise],
    rules: Sequence[Rule],
) -> list[str]:
    """Every way a simulated course breaks the rules in force in its own weeks (should be none).

    Each week is judged with the patient as they are that week (gestational weeks advance
    from `start`): no exercise a rule blocks or keeps only as an easier variant, no dose
    outside the exercise's bounds or a caution's cap, nothing a caution keeps at the clinic
    offered at home.
    """
    found: list[str] = []
    for week in course["weeks"]:
        day = date.fromisoformat(week["date"])
        pregnancy = profile.pregnancy_weeks
        if pregnancy is not None:
            pregnancy += (day - start).days // 7
        in_force = RulesInForce(replace(profile, pregnancy_weeks=pregnancy), rules)
        for item in week["exercises"]:
            where = f"week {week['week']} ({week['date']}) {item['slug']}"
            exercise = catalogue.get(item["slug"])
            if exercise is None:
                found.append(f"{where}: not in the library")
                continue
            tags = set(item["movement_tags"])
            # Read from the rule rows directly, not only through the engine's own check.
            for rule in in_force.rules:
                if tags & rule.block_tags:
                    found.append(f"{where}: {sorted(tags & rule.block_tags)} blocked by {rule.id}")
                if rule.max_difficulty is not None and item["difficulty"] > rule.max_difficulty:
                    found.append(f"{where}: difficulty {item['difficulty']} over {rule.id}")
                if rule.caution_action == "easier_variant" and tags & rule.caution_tags:
                    found.append(f"{where}: only an easier variant allowed by {rule.id}")
            dose = Dose(**item["dose"])
            low, high = exercise.dose_min, exercise.dose_max
            if not (
                max(1, low.sets) <= dose.sets <= high.sets
                and low.reps <= dose.reps <= high.reps
                and low.hold_s <= dose.hold_s <= high.hold_s
                and low.duration_s <= dose.duration_s <= high.duration_s
            ):
                found.append(f"{where}: dose {dose} outside the exercise's bounds")
            verdict = in_force.check(exercise)
            if not verdict.allowed:
                found.append(f"{where}: {verdict.outcome} by {verdict.rule}")
                continue
            if in_force.allowed_dose(exercise, dose) != dose:
                found.append(f"{where}: dose {dose} outside its bounds or caps")
            if verdict.supervised_only and item["mode"] == "home":
                found.append(f"{where}: at home, but a caution keeps it at the clinic")
    return found
