"""Candidates: the exercises the rules in force admit, in which form, and in which order.

`CandidateSelection` holds what the planner knows of the patient and the rules in
force; the dosing, the daily activity and the plan itself build on it.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from planner.engine.generate.parameters import (
    ACUTE_FACTOR,
    AEROBIC_CATEGORY,
    CORE_CATEGORY,
    FITNESS_DIFFICULTY_CAP,
    FITNESS_FACTOR,
    FRAIL_MAX_EXERCISES,
    FRAIL_TARGET_EXERCISES,
    MAX_EXERCISES,
    MOBILITY_CATEGORIES,
    STRENGTH_CATEGORY,
    TARGET_EXERCISES,
    age_factor,
)
from planner.engine.safety import RulesInForce
from planner.engine.types import (
    CatalogueExercise,
    Dose,
    Exclusion,
    Fitness,
    Name,
    PatientProfile,
    Reason,
    Rule,
)


def rule_reason(rule: Rule) -> Reason:
    """A rule in force, cited by its own explanation (translated where it is shown)."""
    return Reason.of(rule.id, "%(rule)s.", rule=Name("rule", rule.id, rule.explanation))


def _fitness_cap_reason(fitness: Fitness, cap: int, difficulty: int) -> Reason:
    # One message for each level of fitness, so that each can be translated whole.
    if fitness == "low":
        return Reason.of(
            "D-FITNESS",
            "With low fitness the starting difficulty is capped at %(cap)s; this one is "
            "difficulty %(difficulty)s.",
            cap=cap,
            difficulty=difficulty,
        )
    if fitness == "moderate":
        return Reason.of(
            "D-FITNESS",
            "With moderate fitness the starting difficulty is capped at %(cap)s; this one is "
            "difficulty %(difficulty)s.",
            cap=cap,
            difficulty=difficulty,
        )
    return Reason.of(
        "D-FITNESS",
        "With high fitness the starting difficulty is capped at %(cap)s; this one is "
        "difficulty %(difficulty)s.",
        cap=cap,
        difficulty=difficulty,
    )


@dataclass(frozen=True)
class Candidate:
    exercise: CatalogueExercise
    why: tuple[Reason, ...]
    dose_factor: float
    supervised_only: bool
    matched_diagnoses: int
    replaced: tuple[Exclusion, ...]


@dataclass(frozen=True)
class _Need:
    reason: Reason
    slug: str | None
    categories: frozenset[str]
    without_tags: frozenset[str]
    indicated_only: bool

    def accepts(self, candidate: Candidate) -> bool:
        exercise = candidate.exercise
        if self.slug is not None:
            return exercise.slug == self.slug
        if self.indicated_only and candidate.matched_diagnoses == 0:
            return False
        return exercise.category in self.categories and not (exercise.tags & self.without_tags)


class CandidateSelection:
    """The patient, the catalogue and the rules in force, and the candidates they admit."""

    def __init__(
        self,
        profile: PatientProfile,
        catalogue: Iterable[CatalogueExercise],
        rules: Iterable[Rule],
    ) -> None:
        self.profile = profile
        self.catalogue = {ex.slug: ex for ex in sorted(catalogue, key=lambda ex: ex.slug)}
        every_rule = tuple(rules)
        self.in_force = RulesInForce(profile, every_rule)
        self.rules = self.in_force.rules
        # An exercise a rule adds (claudication interval walking) is for that rule's patients
        # only: "replaces it with peripheral_arterial_disease, and only then".
        applying = {r.adds_exercise for r in self.rules if r.adds_exercise}
        self.reserved = frozenset(
            r.adds_exercise
            for r in every_rule
            if r.adds_exercise and r.adds_exercise not in applying and self._adds_aerobic(r)
        )
        self.frail = profile.is_frail
        self.target_count = FRAIL_TARGET_EXERCISES if self.frail else TARGET_EXERCISES
        self.max_count = FRAIL_MAX_EXERCISES if self.frail else MAX_EXERCISES
        self.fitness_cap = FITNESS_DIFFICULTY_CAP[profile.fitness]
        rating = sorted(
            (r for r in self.rules if r.max_rpe is not None), key=lambda r: (r.max_rpe, r.id)
        )
        self.rpe_rule = rating[0] if rating else None
        self.is_acute = profile.is_acute
        self.volume_factor = (
            FITNESS_FACTOR[profile.fitness]
            * age_factor(profile.age)
            * (ACUTE_FACTOR if self.is_acute else 1.0)
        )
        # Start gently: the easiest form in the acute stage or with low fitness.
        self.target_difficulty = 1 if self.is_acute or profile.fitness == "low" else 2
        self.diagnosis_codes = profile.diagnosis_codes
        # Doses are worked out when first needed: most candidates are never chosen.
        self.doses: dict[str, tuple[Dose, list[Reason]]] = {}

    # -- admission: blocks, caps and cautions ---------------------------------------------

    def admit(
        self, exercise: CatalogueExercise, trail: tuple[Reason, ...] = (), depth: int = 0
    ) -> Candidate | Exclusion:
        """The exercise in the form the rules in force allow, or why it is left out.

        The rules speak through the one safety check (`RulesInForce.check`); generation adds
        only the starting-difficulty cap of the patient's fitness.
        """
        verdict = self.in_force.check(exercise)
        if verdict.because is not None:
            if verdict.outcome == "blocked":
                return Exclusion(exercise.slug, verdict.because.rule, verdict.because)
            return self._easier_or(exercise, verdict.because, trail, depth)
        if self._muscle_capped(exercise):
            capped = Reason.of(
                "D-MUSCLE",
                "With low muscle mass, strengthening starts one step easier (difficulty "
                "%(cap)s at most); this one is difficulty %(difficulty)s.",
                cap=self.fitness_cap - 1,
                difficulty=exercise.difficulty,
            )
            return self._easier_or(exercise, capped, trail, depth)
        if exercise.difficulty > self.fitness_cap:
            capped = _fitness_cap_reason(
                self.profile.fitness, self.fitness_cap, exercise.difficulty
            )
            return self._easier_or(exercise, capped, trail, depth)
        matched = len(exercise.indications & self.diagnosis_codes)
        return Candidate(
            exercise,
            (*trail, *verdict.cautions),
            verdict.dose_factor,
            verdict.supervised_only,
            matched,
            (),
        )

    def _easier_or(
        self,
        exercise: CatalogueExercise,
        because: Reason,
        trail: tuple[Reason, ...],
        depth: int,
    ) -> Candidate | Exclusion:
        """Try the easier variant in place of an exercise a cap or caution removes."""
        exclusion = Exclusion(exercise.slug, because.rule, because)
        easier = self.catalogue.get(exercise.easier) if exercise.easier else None
        if easier is None or depth >= len(self.catalogue):
            return exclusion
        step = Reason.of(
            because.rule,
            "Easier variant of %(exercise)s: %(reason)s",
            exercise=Name("exercise", exercise.slug, exercise.name),
            reason=because,
        )
        result = self.admit(easier, (*trail, step), depth + 1)
        if isinstance(result, Exclusion):
            return exclusion
        replaced = Exclusion(
            exercise.slug,
            because.rule,
            Reason.of(
                because.rule,
                "Replaced by %(exercise)s: %(reason)s",
                exercise=Name("exercise", easier.slug, easier.name),
                reason=because,
            ),
        )
        return Candidate(
            result.exercise,
            result.why,
            result.dose_factor,
            result.supervised_only,
            result.matched_diagnoses,
            (replaced, *result.replaced),
        )

    # -- selection ------------------------------------------------------------------------

    def needs(self) -> list[_Need]:
        needs = [
            _Need(
                rule_reason(rule),
                rule.adds_exercise,
                frozenset({rule.adds_category}) if rule.adds_category else frozenset(),
                rule.adds_without_tags,
                indicated_only=False,
            )
            for rule in self.rules
            if (rule.adds_exercise or rule.adds_category) and not self._adds_aerobic(rule)
        ]
        needs.append(
            _Need(
                Reason.of(
                    "P-CORE", "Every program trains the deep trunk muscles that steady the spine."
                ),
                None,
                frozenset({CORE_CATEGORY}),
                frozenset(),
                indicated_only=True,
            )
        )
        needs.append(
            _Need(
                Reason.of(
                    "P-MOBILITY", "Every program keeps the back and hips moving comfortably."
                ),
                None,
                MOBILITY_CATEGORIES,
                frozenset(),
                indicated_only=True,
            )
        )
        return needs

    def _muscle_capped(self, exercise: CatalogueExercise) -> bool:
        """D-MUSCLE: with low muscle mass, strengthening starts one difficulty step lower."""
        return (
            self.profile.low_muscle_mass
            and exercise.category == STRENGTH_CATEGORY
            and exercise.difficulty > max(1, self.fitness_cap - 1)
        )

    def _adds_aerobic(self, rule: Rule) -> bool:
        """Aerobic work a rule adds is the day's separate activity, not a session exercise."""
        if rule.adds_category == AEROBIC_CATEGORY:
            return True
        added = self.catalogue.get(rule.adds_exercise or "")
        return added is not None and added.category == AEROBIC_CATEGORY

    def rank(self, candidate: Candidate) -> tuple[int, int, bool, bool, str]:
        """Prefer what suits more diagnoses and starts gently; between equals, what can go
        home at full dose. A cautioned form stays a real candidate (CLINICAL.md): its
        caution breaks ties, it does not push it to the end of the list."""
        return (
            -candidate.matched_diagnoses,
            abs(candidate.exercise.difficulty - self.target_difficulty),
            candidate.supervised_only,
            candidate.dose_factor < 1.0,
            candidate.exercise.slug,
        )
