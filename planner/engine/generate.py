"""Plan generation: from a patient profile, the catalogue and the rules to a daily program.

Every step is deterministic (inputs are sorted before use), so the same input
gives the same plan byte for byte, and every decision leaves a Reason that
cites the rule behind it.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from planner.engine.dose import ExactDose, exercise_seconds, shown_dose
from planner.engine.safety import RulesInForce
from planner.engine.types import (
    CatalogueExercise,
    DailyActivity,
    Dose,
    Exclusion,
    Pace,
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
# Aged 65 and over with low fitness, or 80 and over: 3 to 4 exercises, and a longer walk.
FRAIL_TARGET_EXERCISES, FRAIL_MAX_EXERCISES = 4, 4
AEROBIC_CATEGORY = "aerobic"
STRENGTH_CATEGORY = "strengthening"
LOW_MUSCLE_FACTOR = 0.8
# The day's separate walk (CLINICAL.md, Dose): about 150 min a week in pregnancy (ACOG), 150 to
# 300 for adults where fitness allows (WHO), a gentler start with low fitness.
ACTIVITY_MINUTES = {"pregnancy": 22, "high": 30, "moderate": 25, "low": 15}
CLAUDICATION_MINUTES = 30
# STarT Back risk -> (supervised sessions a week, sessions in the course).
SUPERVISED_COURSE = {"high": (3, 12), "medium": (2, 10), "low": (2, 8), None: (3, 10)}
MIN_SECONDS, MAX_SECONDS = 10 * 60, 25 * 60
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
        if self._muscle_capped(exercise):
            capped = Exclusion(
                exercise.slug,
                "D-MUSCLE",
                "With low muscle mass, strengthening starts one step easier (difficulty "
                f"{self.fitness_cap - 1} at most); this one is difficulty {exercise.difficulty}.",
            )
            return self._easier_or(exercise, capped, trail, depth)
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
            if (rule.adds_exercise or rule.adds_category) and not self._adds_aerobic(rule)
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
        if self.profile.low_muscle_mass and exercise.category == STRENGTH_CATEGORY:
            factor *= LOW_MUSCLE_FACTOR
            parts.append(f"{LOW_MUSCLE_FACTOR:g} for low muscle mass (D-MUSCLE)")
        reasons = [Reason("D-DOSE", "Starting amount: the usual dose x " + " x ".join(parts) + ".")]
        if self.profile.low_muscle_mass and exercise.category == STRENGTH_CATEGORY:
            reasons.append(
                Reason(
                    "D-MUSCLE",
                    "Muscle mass is low: strengthening starts one step easier and at 0.8 of "
                    "the starting dose.",
                )
            )
        sets = max(1, low.sets, default.sets)
        if default.is_timed:
            duration = min(
                high.duration_s, max(low.duration_s, _round(default.duration_s * factor))
            )
            return self._shown(exercise, Dose(sets, 0, 0, duration)), reasons
        reps = min(high.reps, max(low.reps, 1, _round(default.reps * factor)))
        return self._shown(exercise, Dose(sets, reps, default.hold_s, 0)), reasons

    def _shown(self, exercise: CatalogueExercise, dose: Dose) -> Dose:
        """The dose as a person can do it (whole minutes, holds in 5 s steps), within the
        exercise's bounds and what the rules in force allow."""
        top = self.in_force.check(exercise).max_dose
        return self.in_force.allowed_dose(
            exercise, shown_dose(ExactDose.of(dose), exercise.dose_min, top)
        )

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
        pool = sorted(
            (c for c in admitted.values() if c.exercise.slug not in self.reserved), key=self.rank
        )
        activity = self._activity(pool)
        if activity is not None:
            # The walk is the day's aerobic work; the session keeps its slots for the rest.
            pool = [c for c in pool if c.exercise.category != AEROBIC_CATEGORY]

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
        if len(exercises) > self.max_count:
            problems.append(
                Reason(
                    "P-COUNT",
                    f"{len(exercises)} exercises are required; more than {self.max_count} a day "
                    "hurts adherence.",
                )
            )
        walk = activity.minutes * 60 if activity is not None and self.frail else 0
        if (not seconds + walk >= MIN_SECONDS and seconds <= MAX_SECONDS) or seconds > MAX_SECONDS:
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
        if activity is None:
            problems.append(
                Reason(
                    "P-AEROBIC",
                    "No walking, cycling or seated aerobic exercise remains after the rules; "
                    "every plan needs some aerobic work.",
                )
            )
        per_week, sessions = SUPERVISED_COURSE[self.profile.start_back]
        return Plan(
            status="needs_review" if problems else "ok",
            reasons=(*problems, *applied),
            exercises=exercises,
            excluded=tuple(sorted(excluded.values(), key=lambda e: e.slug)),
            daily_seconds=seconds,
            max_rpe=self.rpe_rule.max_rpe if self.rpe_rule else None,
            notes=notes,
            activity=activity,
            advice=self._advice(),
            supervised_per_week=per_week,
            supervised_sessions=sessions,
        )

    # -- aerobic activity and advice ------------------------------------------------------

    def _activity(self, pool: list[_Candidate]) -> DailyActivity | None:
        """The day's separate walk (or cycling, or seated aerobics where walking is not
        allowed), chosen from what the rules in force admit."""
        added = [
            self.catalogue[r.adds_exercise]
            for r in self.rules
            if r.adds_exercise in self.catalogue and self._adds_aerobic(r)
        ]
        aerobic = [
            c
            for c in pool
            if c.exercise.category == AEROBIC_CATEGORY and "high_impact" not in c.exercise.tags
        ]
        gentle = self.frail or self.profile.fitness == "low" or self.rpe_rule is not None
        target = 1 if gentle else 2
        pick: _Candidate | None = None
        for exercise in added:
            pick = next((c for c in aerobic if c.exercise.slug == exercise.slug), None)
            if pick is not None:
                break
        if pick is None:
            if not aerobic:
                return None
            # Walking first (it needs nothing and is what people keep doing), then cycling,
            # then seated work; at a pace that suits the patient.
            pick = min(
                aerobic,
                key=lambda c: (
                    "standing" not in c.exercise.tags,
                    abs(c.exercise.difficulty - target),
                    c.supervised_only,
                    c.exercise.slug,
                ),
            )
        exercise = pick.exercise
        why: list[Reason] = []
        claudication = any(exercise.slug == a.slug for a in added)
        if claudication:
            minutes = CLAUDICATION_MINUTES
            rule = next(r for r in self.rules if r.adds_exercise == exercise.slug)
            why.append(Reason(rule.id, rule.explanation + "."))
            text = (
                f"{exercise.name}: about {minutes} minutes in all. Walk until the calf pain is "
                "moderate, rest until it goes, then walk again."
            )
        else:
            if "pregnancy" in self.profile.conditions:
                minutes = ACTIVITY_MINUTES["pregnancy"]
                preg = next((r for r in self.rules if r.adds_category == AEROBIC_CATEGORY), None)
                why.append(
                    Reason(
                        preg.id if preg else "A-PREG-AEROBIC",
                        "In pregnancy, about 150 minutes of moderate activity a week: walking "
                        "or cycling on most days.",
                    )
                )
            else:
                minutes = ACTIVITY_MINUTES[self.profile.fitness]
                if self.frail:
                    minutes = ACTIVITY_MINUTES["low"]
                why.append(
                    Reason(
                        "P-AEROBIC",
                        "Staying active helps back pain recover: a daily walk toward the 150 "
                        "minutes a week that adults are advised.",
                    )
                )
            how = (
                "at a pace where you can easily say a full sentence"
                if self.rpe_rule is not None or gentle
                else "at a pace where you can still talk"
            )
            text = f"{exercise.name}: {minutes} minutes a day, {how}, at any time of day."
        if self.profile.high_body_fat:
            why.append(
                Reason(
                    "A-FAT",
                    "With a high body fat percentage, aerobic work stays low-impact (walking, "
                    "cycling or seated) and a daily walk builds toward 150 minutes a week.",
                )
            )
        why.extend(pick.why)
        pace: Pace = "claudication" if claudication else ("sentence" if gentle else "talk")
        return DailyActivity(exercise.slug, exercise.name, minutes, text, tuple(why), pace)

    def _advice(self) -> tuple[Reason, ...]:
        advice = [
            Reason(
                "P-ADVICE",
                "Stay active and keep up your normal activities as far as you can; bed rest "
                "slows recovery.",
            ),
            Reason(
                "P-ADVICE",
                "Pace yourself: spread activity over the day and build up little by little.",
            ),
            Reason(
                "P-ADVICE",
                "Some pain while you exercise is expected and does not mean you are harming "
                "your back. Ease off if it stays worse the next day.",
            ),
            Reason(
                "P-ADVICE",
                "Call your clinic the same day if you notice numbness around the groin or "
                "buttocks, trouble passing urine or controlling your bladder or bowels, or new "
                "weakness in a leg. Call soon for fever, pain at night that does not ease, "
                "unexplained weight loss, or pain after a fall or injury.",
            ),
        ]
        if "pregnancy" in self.profile.conditions:
            advice.append(
                Reason(
                    "P-PREG-SIGNS",
                    "Stop and call your doctor or midwife if you have vaginal bleeding, regular "
                    "painful contractions, fluid leaking, dizziness or feeling faint, shortness "
                    "of breath before you start, chest pain, headache, muscle weakness that "
                    "affects your balance, or pain or swelling in a calf.",
                )
            )
        if self.profile.start_back == "low":
            advice.append(
                Reason(
                    "P-START-BACK",
                    "Your back pain is at low risk of lasting: a short course at the clinic, "
                    "and these exercises and everyday activity at home, are what helps most.",
                )
            )
        return tuple(advice)

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
            if len(chosen) >= self.target_count:
                break
            if any(c.exercise.category == category for c, _ in chosen):
                continue
            pick = next((c for c in indicated if c.exercise.category == category and fits(c)), None)
            if pick is not None:
                chosen.append((pick, reason(category)))
        # Still too short a day: add more, from the least represented categories first.
        # (A frail patient's day reaches its time with the longer walk, not more exercises.)
        while seconds() < MIN_SECONDS and len(chosen) < self.max_count and not self.frail:
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
