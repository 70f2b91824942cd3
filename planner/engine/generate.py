"""Plan generation: from a patient profile, the catalogue and the rules to a daily program.

Every step is deterministic (inputs are sorted before use), so the same input
gives the same plan byte for byte, and every decision leaves a Reason that
cites the rule behind it.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from planner.engine.safety import RulesInForce
from planner.engine.types import (
    CatalogueExercise,
    Dose,
    Exclusion,
    PatientProfile,
    Plan,
    PlannedExercise,
    Reason,
    Rule,
)

FITNESS_DIFFICULTY_CAP = {"low": 2, "moderate": 3, "high": 4}
FITNESS_FACTOR = {"low": 0.6, "moderate": 0.8, "high": 1.0}
ACUTE_FACTOR = 0.7
MIN_EXERCISES, MAX_EXERCISES = 3, 6
# Fewer exercises done beats many skipped: past the required ones, fill only to this.
TARGET_EXERCISES = 4
MIN_SECONDS, MAX_SECONDS = 10 * 60, 25 * 60
REST_BETWEEN_SETS_S = 30
SETUP_PER_EXERCISE_S = 20
CORE_CATEGORY = "core_stabilisation"
MOBILITY_CATEGORIES = frozenset({"mobility", "stretching"})
FILL_ORDER = (
    "strengthening",
    "aerobic",
    "stretching",
    "mobility",
    "core_stabilisation",
    "balance",
    "breathing_relaxation",
    "neural_mobilisation",
)


def age_factor(age: int) -> float:
    if age < 40:
        return 1.0
    if age < 65:
        return 0.9
    if age < 75:
        return 0.8
    return 0.7


def _age_band(age: int) -> str:
    if age < 40:
        return "under 40"
    if age < 65:
        return "age 40-64"
    if age < 75:
        return "age 65-74"
    return "age 75 and over"


def _label(code: str) -> str:
    return code.replace("_", " ")


def _round(value: float) -> int:
    # Half up, not Python's half-to-even: 2.5 reps is 3, as a clinician would round.
    return int(value + 0.5)


def exercise_seconds(dose: Dose, seconds_per_rep: int) -> int:
    """Estimated time for one exercise at this dose, with rests and setting up."""
    if dose.is_timed:
        work = dose.sets * dose.duration_s
    else:
        work = dose.sets * dose.reps * (seconds_per_rep + dose.hold_s)
    return work + REST_BETWEEN_SETS_S * (dose.sets - 1) + SETUP_PER_EXERCISE_S


@dataclass(frozen=True)
class _Candidate:
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

    def accepts(self, candidate: _Candidate) -> bool:
        exercise = candidate.exercise
        if self.slug is not None:
            return exercise.slug == self.slug
        if self.indicated_only and candidate.matched_diagnoses == 0:
            return False
        return exercise.category in self.categories and not (exercise.tags & self.without_tags)


class _Planner:
    def __init__(
        self,
        profile: PatientProfile,
        catalogue: Iterable[CatalogueExercise],
        rules: Iterable[Rule],
    ) -> None:
        self.profile = profile
        self.catalogue = {ex.slug: ex for ex in sorted(catalogue, key=lambda ex: ex.slug)}
        self.in_force = RulesInForce(profile, rules)
        self.rules = self.in_force.rules
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
    ) -> _Candidate | Exclusion:
        """The exercise in the form the rules in force allow, or why it is left out.

        The rules speak through the one safety check (`RulesInForce.check`); generation adds
        only the starting-difficulty cap of the patient's fitness.
        """
        verdict = self.in_force.check(exercise)
        if verdict.outcome == "blocked":
            return Exclusion(exercise.slug, verdict.rule or "", verdict.reason)
        if verdict.outcome == "easier_only":
            exclusion = Exclusion(exercise.slug, verdict.rule or "", verdict.reason)
            return self._easier_or(exercise, exclusion, trail, depth)
        if exercise.difficulty > self.fitness_cap:
            capped = Exclusion(
                exercise.slug,
                "D-FITNESS",
                f"With {self.profile.fitness} fitness the starting difficulty is capped at "
                f"{self.fitness_cap}; this one is difficulty {exercise.difficulty}.",
            )
            return self._easier_or(exercise, capped, trail, depth)
        matched = len(exercise.indications & self.diagnosis_codes)
        return _Candidate(
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
        exclusion: Exclusion,
        trail: tuple[Reason, ...],
        depth: int,
    ) -> _Candidate | Exclusion:
        """Try the easier variant in place of an exercise a cap or caution removes."""
        easier = self.catalogue.get(exercise.easier) if exercise.easier else None
        if easier is None or depth >= len(self.catalogue):
            return exclusion
        step = Reason(exclusion.rule, f"Easier variant of {exercise.name}: {exclusion.reason}")
        result = self.admit(easier, (*trail, step), depth + 1)
        if isinstance(result, Exclusion):
            return exclusion
        replaced = Exclusion(
            exercise.slug, exclusion.rule, f"Replaced by {easier.name}: {exclusion.reason}"
        )
        return _Candidate(
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
                Reason(rule.id, rule.explanation + "."),
                rule.adds_exercise,
                frozenset({rule.adds_category}) if rule.adds_category else frozenset(),
                rule.adds_without_tags,
                indicated_only=False,
            )
            for rule in self.rules
            if rule.adds_exercise or rule.adds_category
        ]
        needs.append(
            _Need(
                Reason(
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
                Reason("P-MOBILITY", "Every program keeps the back and hips moving comfortably."),
                None,
                MOBILITY_CATEGORIES,
                frozenset(),
                indicated_only=True,
            )
        )
        return needs

    def rank(self, candidate: _Candidate) -> tuple[int, int, bool, bool, str]:
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

    def dose(self, candidate: _Candidate) -> tuple[Dose, list[Reason]]:
        exercise = candidate.exercise
        default, low, high = exercise.dose, exercise.dose_min, exercise.dose_max
        factor = self.volume_factor * candidate.dose_factor
        parts = [f"{FITNESS_FACTOR[self.profile.fitness]:g} for {self.profile.fitness} fitness"]
        parts.append(f"{age_factor(self.profile.age):g} for {_age_band(self.profile.age)}")
        if self.is_acute:
            parts.append(f"{ACUTE_FACTOR:g} in the acute stage")
        if candidate.dose_factor < 1.0:
            parts.append(f"{candidate.dose_factor:g} for the caution above")
        reasons = [Reason("D-DOSE", "Starting amount: the usual dose x " + " x ".join(parts) + ".")]
        sets = max(1, low.sets, default.sets)
        if default.is_timed:
            duration = min(
                high.duration_s, max(low.duration_s, _round(default.duration_s * factor))
            )
            return self.in_force.allowed_dose(exercise, Dose(sets, 0, 0, duration)), reasons
        reps = min(high.reps, max(low.reps, 1, _round(default.reps * factor)))
        dose = Dose(sets, reps, default.hold_s, 0)
        return self.in_force.allowed_dose(exercise, dose), reasons

    def plan(self) -> Plan:
        applied = tuple(Reason(rule.id, rule.explanation + ".") for rule in self.rules)
        if self.profile.red_flags:
            flags = sorted(set(self.profile.red_flags))
            return Plan(
                status="blocked",
                reasons=tuple(
                    Reason(
                        "RED-FLAG",
                        f"{flag}: a red flag needs a doctor's assessment before any home exercise.",
                    )
                    for flag in flags
                ),
            )

        admitted: dict[str, _Candidate] = {}
        excluded: dict[str, Exclusion] = {}
        for exercise in self.catalogue.values():
            result = self.admit(exercise)
            indicated = bool(exercise.indications & self.diagnosis_codes)
            if isinstance(result, Exclusion):
                if indicated:
                    excluded.setdefault(exercise.slug, result)
                continue
            for replaced in result.replaced:
                if indicated:
                    excluded.setdefault(replaced.slug, replaced)
            current = admitted.get(result.exercise.slug)
            if current is None or self.rank(result) < self.rank(current):
                admitted[result.exercise.slug] = result
        pool = sorted(admitted.values(), key=self.rank)

        chosen: list[tuple[_Candidate, Reason]] = []
        problems: list[Reason] = []
        for need in self.needs():
            if any(need.accepts(c) for c, _ in chosen):
                continue
            pick = next(
                (c for c in pool if need.accepts(c) and all(c is not d for d, _ in chosen)), None
            )
            if pick is None:
                what = need.slug or " or ".join(sorted(map(_label, need.categories)))
                problems.append(
                    Reason(
                        need.reason.rule,
                        f"No suitable {what} exercise remains after the rules; "
                        f"{need.reason.text[0].lower()}{need.reason.text[1:]}",
                    )
                )
                continue
            chosen.append((pick, need.reason))

        self._fill(chosen, pool)
        self._fit_time(chosen)

        exercises = tuple(self._planned(c, reason) for c, reason in chosen)
        seconds = sum(e.seconds for e in exercises)
        if len(exercises) < MIN_EXERCISES:
            problems.append(
                Reason(
                    "P-COUNT",
                    f"Only {len(exercises)} exercises remain after the rules; a sound program "
                    f"needs at least {MIN_EXERCISES}.",
                )
            )
        if len(exercises) > MAX_EXERCISES:
            problems.append(
                Reason(
                    "P-COUNT",
                    f"{len(exercises)} exercises are required; more than {MAX_EXERCISES} a day "
                    "hurts adherence.",
                )
            )
        if not MIN_SECONDS <= seconds <= MAX_SECONDS:
            problems.append(
                Reason(
                    "P-TIME",
                    f"The day takes about {round(seconds / 60)} minutes; a home session should "
                    f"take {MIN_SECONDS // 60} to {MAX_SECONDS // 60}.",
                )
            )
        notes: tuple[str, ...] = ()
        if self.rpe_rule is not None:
            notes = (
                f"{self.rpe_rule.id}: keep every exercise light, at most {self.rpe_rule.max_rpe} "
                "out of 10 for effort.",
            )
        return Plan(
            status="needs_review" if problems else "ok",
            reasons=(*problems, *applied),
            exercises=exercises,
            excluded=tuple(sorted(excluded.values(), key=lambda e: e.slug)),
            daily_seconds=seconds,
            max_rpe=self.rpe_rule.max_rpe if self.rpe_rule else None,
            notes=notes,
        )

    def dose_of(self, candidate: _Candidate) -> tuple[Dose, list[Reason]]:
        slug = candidate.exercise.slug
        if slug not in self.doses:
            self.doses[slug] = self.dose(candidate)
        return self.doses[slug]

    def seconds_of(self, candidate: _Candidate) -> int:
        return exercise_seconds(self.dose_of(candidate)[0], candidate.exercise.seconds_per_rep)

    def _fill(self, chosen: list[tuple[_Candidate, Reason]], pool: list[_Candidate]) -> None:
        """Round the day off with indicated exercises of categories not yet covered."""
        indicated = [c for c in pool if c.matched_diagnoses > 0]

        def taken(candidate: _Candidate) -> bool:
            return any(candidate is c for c, _ in chosen)

        def seconds() -> int:
            return sum(self.seconds_of(c) for c, _ in chosen)

        def fits(candidate: _Candidate) -> bool:
            return not taken(candidate) and seconds() + self.seconds_of(candidate) <= MAX_SECONDS

        def reason(category: str) -> Reason:
            return Reason("P-FILL", f"Adds {_label(category)} work to round off the day.")

        for category in FILL_ORDER:
            if len(chosen) >= TARGET_EXERCISES:
                break
            if any(c.exercise.category == category for c, _ in chosen):
                continue
            pick = next((c for c in indicated if c.exercise.category == category and fits(c)), None)
            if pick is not None:
                chosen.append((pick, reason(category)))
        # Still too short a day: add more, from the least represented categories first.
        while seconds() < MIN_SECONDS and len(chosen) < MAX_EXERCISES:
            counts = {cat: sum(c.exercise.category == cat for c, _ in chosen) for cat in FILL_ORDER}
            # Preference first, then the first that fits: doses are worked out only as needed.
            by_preference = sorted(indicated, key=lambda c: self._fill_preference(c, counts))
            extra = next((c for c in by_preference if fits(c)), None)
            if extra is None:
                break
            chosen.append((extra, reason(extra.exercise.category)))

    def _fill_preference(
        self, candidate: _Candidate, counts: dict[str, int]
    ) -> tuple[int, int, tuple[int, int, bool, bool, str]]:
        category = candidate.exercise.category
        order = FILL_ORDER.index(category) if category in FILL_ORDER else len(FILL_ORDER)
        return counts.get(category, 0), order, self.rank(candidate)

    def _fit_time(self, chosen: list[tuple[_Candidate, Reason]]) -> None:
        """Shorten timed exercises (longest first, never below their minimum) to fit the day."""
        excess = sum(self.seconds_of(c) for c, _ in chosen) - MAX_SECONDS
        timed = sorted(
            (c for c, _ in chosen if c.exercise.dose.is_timed),
            key=lambda c: (-self.seconds_of(c), c.exercise.slug),
        )
        for candidate in timed:
            if excess <= 0:
                return
            dose, reasons = self.dose_of(candidate)
            floor = candidate.exercise.dose_min.duration_s
            cut = min(dose.duration_s - floor, -(-excess // dose.sets))
            if cut <= 0:
                continue
            shorter = Dose(dose.sets, 0, 0, dose.duration_s - cut)
            note = Reason("P-TIME", "Shortened so the whole day fits into 25 minutes.")
            self.doses[candidate.exercise.slug] = (shorter, [*reasons, note])
            excess -= cut * dose.sets

    def _planned(self, candidate: _Candidate, reason: Reason) -> PlannedExercise:
        exercise = candidate.exercise
        dose, dose_reasons = self.dose_of(candidate)
        why: list[Reason] = []
        matched = sorted(exercise.indications & self.diagnosis_codes)
        if matched:
            why.append(Reason("INDICATION", f"Suits {', '.join(map(_label, matched))}."))
        why.append(reason)
        why.extend(candidate.why)
        why.extend(dose_reasons)
        if self.rpe_rule is not None:
            why.append(
                Reason(
                    self.rpe_rule.id,
                    f"Keep the effort light: at most {self.rpe_rule.max_rpe} out of 10.",
                )
            )
        home = exercise.slug in self.profile.mastered and not candidate.supervised_only
        if not home and not candidate.supervised_only:
            why.append(
                Reason(
                    "P-SUPERVISED",
                    "New to you: practised first with the specialist at the clinic, then at "
                    "home once you have mastered it.",
                )
            )
        return PlannedExercise(
            slug=exercise.slug,
            name=exercise.name,
            category=exercise.category,
            difficulty=exercise.difficulty,
            movement_tags=tuple(sorted(exercise.tags)),
            dose=dose,
            mode="home" if home else "supervised",
            supervised_only=candidate.supervised_only,
            seconds=exercise_seconds(dose, exercise.seconds_per_rep),
            why=tuple(why),
        )


def generate_plan(
    profile: PatientProfile, catalogue: Iterable[CatalogueExercise], rules: Iterable[Rule]
) -> Plan:
    """The daily program for this patient, or why there cannot be one yet."""
    return _Planner(profile, catalogue, rules).plan()


@dataclass(frozen=True)
class StartingForm:
    """How an exercise joins a program that is already running (a variant, a replacement)."""

    dose: Dose
    supervised_only: bool
    why: tuple[Reason, ...]


def starting_form(
    profile: PatientProfile, exercise: CatalogueExercise, rules: Iterable[Rule]
) -> StartingForm | Exclusion:
    """The exercise at the patient's own starting dose (the factors of a new plan) with the
    cautions in force, or why the rules in force do not allow it. Unlike a new plan, the
    starting-difficulty cap of fitness does not apply: a harder variant is earned."""
    planner = _Planner(profile, [exercise], rules)
    verdict = planner.in_force.check(exercise)
    if not verdict.allowed:
        return Exclusion(exercise.slug, verdict.rule or "", verdict.reason)
    candidate = _Candidate(
        exercise, verdict.cautions, verdict.dose_factor, verdict.supervised_only, 0, ()
    )
    dose, reasons = planner.dose(candidate)
    return StartingForm(dose, verdict.supervised_only, (*verdict.cautions, *reasons))
