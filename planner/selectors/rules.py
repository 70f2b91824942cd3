"""The rules in force for a patient on a day, as the engine sees them, with the catalogue
to check against: what the safety checks of every write path read (planner.safety)."""

from dataclasses import dataclass
from datetime import date

from planner.engine.generate.plan import StartingForm, generate_plan, starting_form
from planner.engine.safety import RulesInForce, safe_replacement
from planner.engine.types import CatalogueExercise, Exclusion, Plan, Reason, Rule
from planner.selectors.engine_inputs import engine_catalogue, engine_rules, patient_profile
from rehab.models import Patient


@dataclass
class Rules:
    """The engine's view of one patient on one day, with the catalogue to check against."""

    in_force: RulesInForce
    catalogue: dict[str, CatalogueExercise]
    every_rule: tuple[Rule, ...] = ()
    _plan: Plan | None = None

    def plan(self) -> Plan:
        """What a new plan would hold on this day (the pool replacements come from)."""
        if self._plan is None:
            self._plan = generate_plan(
                self.in_force.profile, self.catalogue.values(), self.every_rule
            )
        return self._plan

    def replacement(self, slug: str, *, taken: set[str]) -> CatalogueExercise | None:
        """An exercise the rules allow in place of `slug`: its nearest allowed easier variant,
        else what a new plan on this day holds of the same category, else of any."""
        easier = safe_replacement(self.in_force, self.catalogue, slug, taken=taken)
        if easier is not None:
            return easier
        category = self.catalogue[slug].category if slug in self.catalogue else ""
        planned = [
            e for e in self.plan().exercises if e.slug not in taken and not e.supervised_only
        ]
        same = [e for e in planned if e.category == category]
        choices = same or planned
        return self.catalogue.get(choices[0].slug) if choices else None

    def starting_form(self, slug: str) -> StartingForm | Exclusion:
        exercise = self.catalogue.get(slug)
        if exercise is None:
            return Exclusion(
                slug, "LIBRARY", Reason.of("LIBRARY", "Not an active exercise of the library.")
            )
        return starting_form(self.in_force.profile, exercise, self.in_force.rules)


def rules_on(*, patient: Patient, day: date) -> Rules:
    """The rules in force for the patient on `day`: age, gestational weeks, comorbidities and
    red flags as they are on that day."""
    profile = patient_profile(patient=patient, on=day)
    catalogue = {exercise.slug: exercise for exercise in engine_catalogue()}
    every_rule = engine_rules()
    return Rules(RulesInForce(profile, every_rule), catalogue, every_rule)
