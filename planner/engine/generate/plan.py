"""The plan: the day's program put together, and how an exercise joins a running program.

`generate_plan` is the entry point: from a patient profile, the catalogue and the
rules to a daily program, or why there cannot be one yet.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from planner.engine.dose import exercise_seconds
from planner.engine.generate.candidates import Candidate, rule_reason
from planner.engine.generate.daily_activity import DailyActivitySelection
from planner.engine.generate.dosing import Dosing
from planner.engine.generate.parameters import (
    AEROBIC_CATEGORY,
    FILL_ORDER,
    MAX_SECONDS,
    MIN_EXERCISES,
    MIN_SECONDS,
    SUPERVISED_COURSE,
)
from planner.engine.types import (
    CatalogueExercise,
    Dose,
    Exclusion,
    Name,
    PatientProfile,
    Plan,
    PlannedExercise,
    Reason,
    Rule,
)


def _label(code: str) -> str:
    return code.replace("_", " ")


def _nothing_suitable(because: Reason, slug: str | None, categories: frozenset[str]) -> Reason:
    """A need of every program (or of a rule) that nothing the rules allow meets. One message
    for each shape of need, so that each can be translated whole; the need's own reason
    follows as a sentence of its own."""
    if slug is not None:
        return Reason.of(
            because.rule,
            "No suitable %(exercise)s exercise remains after the rules. %(reason)s",
            exercise=Name("exercise", slug, slug),
            reason=because,
        )
    names = tuple(Name("category", code, _label(code)) for code in sorted(categories))
    if len(names) == 1:
        return Reason.of(
            because.rule,
            "No suitable %(category)s exercise remains after the rules. %(reason)s",
            category=names[0],
            reason=because,
        )
    return Reason.of(
        because.rule,
        "No suitable %(category)s or %(other)s exercise remains after the rules. %(reason)s",
        category=names[0],
        other=names[1:],
        reason=because,
    )


class _Planner(DailyActivitySelection, Dosing):
    """The day's program: the needs first, then filled to a day of 10 to 25 minutes."""

    def plan(self) -> Plan:
        applied = tuple(rule_reason(rule) for rule in self.rules)
        if self.profile.red_flags:
            flags = sorted(set(self.profile.red_flags))
            return Plan(
                status="blocked",
                reasons=tuple(
                    Reason.of(
                        "RED-FLAG",
                        "%(flag)s: a red flag needs a doctor's assessment before any home "
                        "exercise.",
                        flag=Name("red_flag", flag, flag),
                    )
                    for flag in flags
                ),
            )

        admitted: dict[str, Candidate] = {}
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

        chosen: list[tuple[Candidate, Reason]] = []
        problems: list[Reason] = []
        for need in self.needs():
            if any(need.accepts(c) for c, _ in chosen):
                continue
            pick = next(
                (c for c in pool if need.accepts(c) and all(c is not d for d, _ in chosen)), None
            )
            if pick is None:
                problems.append(_nothing_suitable(need.reason, need.slug, need.categories))
                continue
            chosen.append((pick, need.reason))

        self._fill(chosen, pool)
        self._fit_time(chosen)

        exercises = tuple(self._planned(c, reason) for c, reason in chosen)
        seconds = sum(e.seconds for e in exercises)
        if len(exercises) < MIN_EXERCISES:
            problems.append(
                Reason.of(
                    "P-COUNT",
                    "Only %(count)s exercises remain after the rules; a sound program "
                    "needs at least %(least)s.",
                    count=len(exercises),
                    least=MIN_EXERCISES,
                )
            )
        if len(exercises) > self.max_count:
            problems.append(
                Reason.of(
                    "P-COUNT",
                    "%(count)s exercises are required; more than %(most)s a day hurts adherence.",
                    count=len(exercises),
                    most=self.max_count,
                )
            )
        walk = activity.minutes * 60 if activity is not None and self.frail else 0
        if (not seconds + walk >= MIN_SECONDS and seconds <= MAX_SECONDS) or seconds > MAX_SECONDS:
            problems.append(
                Reason.of(
                    "P-TIME",
                    "The day takes about %(minutes)s minutes; a home session should "
                    "take %(low)s to %(high)s.",
                    minutes=round(seconds / 60),
                    low=MIN_SECONDS // 60,
                    high=MAX_SECONDS // 60,
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
                Reason.of(
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

    def _fill(self, chosen: list[tuple[Candidate, Reason]], pool: list[Candidate]) -> None:
        """Round the day off with indicated exercises of categories not yet covered."""
        indicated = [c for c in pool if c.matched_diagnoses > 0]

        def taken(candidate: Candidate) -> bool:
            return any(candidate is c for c, _ in chosen)

        def seconds() -> int:
            return sum(self.seconds_of(c) for c, _ in chosen)

        def fits(candidate: Candidate) -> bool:
            return not taken(candidate) and seconds() + self.seconds_of(candidate) <= MAX_SECONDS

        def reason(category: str) -> Reason:
            return Reason.of(
                "P-FILL",
                "Adds %(category)s work to round off the day.",
                category=Name("category", category, _label(category)),
            )

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
        self, candidate: Candidate, counts: dict[str, int]
    ) -> tuple[int, int, tuple[int, int, bool, bool, str]]:
        category = candidate.exercise.category
        order = FILL_ORDER.index(category) if category in FILL_ORDER else len(FILL_ORDER)
        return counts.get(category, 0), order, self.rank(candidate)

    def _planned(self, candidate: Candidate, reason: Reason) -> PlannedExercise:
        exercise = candidate.exercise
        dose, dose_reasons = self.dose_of(candidate)
        why: list[Reason] = []
        matched = sorted(exercise.indications & self.diagnosis_codes)
        if matched:
            why.append(
                Reason.of(
                    "INDICATION",
                    "Suits %(diagnoses)s.",
                    diagnoses=tuple(Name("diagnosis", code, _label(code)) for code in matched),
                )
            )
        why.append(reason)
        why.extend(candidate.why)
        why.extend(dose_reasons)
        if self.rpe_rule is not None:
            why.append(
                Reason.of(
                    self.rpe_rule.id,
                    "Keep the effort light: at most %(rpe)s out of 10.",
                    rpe=self.rpe_rule.max_rpe or 0,
                )
            )
        home = exercise.slug in self.profile.mastered and not candidate.supervised_only
        if not home and not candidate.supervised_only:
            why.append(
                Reason.of(
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
            seconds=exercise_seconds(dose, exercise.seconds_per_rep, per_side=exercise.per_side),
            why=tuple(why),
            per_side=exercise.per_side,
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
    if verdict.because is not None:  # blocked, or allowed only in an easier variant
        return Exclusion(exercise.slug, verdict.because.rule, verdict.because)
    candidate = Candidate(
        exercise, verdict.cautions, verdict.dose_factor, verdict.supervised_only, 0, ()
    )
    dose, reasons = planner.dose(candidate)
    return StartingForm(dose, verdict.supervised_only, (*verdict.cautions, *reasons))
