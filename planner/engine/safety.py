"""The one check of the rules in force on a day (CLINICAL.md, "Contraindication rules").

Whatever changes what a patient is asked to do (a new plan, a weekly review and its
approval, a variant swap, a swap in a supervised session, a draft edit, a resume, a
re-check as pregnancy advances) asks this module, with the patient's profile on the day
the change takes effect. Plan generation uses `RulesInForce.check` to admit candidates;
the services call `check_items` on every version they are about to write, and
`safe_replacement` when an exercise the patient already does is blocked by that day's
rules. No other code decides whether a rule allows an exercise.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from planner.engine.types import CatalogueExercise, Dose, Name, PatientProfile, Reason, Rule

Outcome = Literal["allowed", "blocked", "easier_only"]
FindingKind = Literal["red_flag", "unknown", "blocked", "easier_only", "dose", "supervised_only"]
CAUTION_DOSE_FACTOR = 0.5


def _label(code: str) -> str:
    return code.replace("_", " ")


def _tags(tags: Iterable[str]) -> tuple[Name, ...]:
    """Movement tags as names in a sentence ("it involves kneeling, spinal rotation")."""
    return tuple(Name("tag", tag, _label(tag)) for tag in sorted(tags))


def _rule(rule: Rule) -> Name:
    """A rule's own explanation as a name in a sentence, translated where it is shown."""
    return Name("rule", rule.id, rule.explanation)


def _half_up(value: float) -> int:
    return int(value + 0.5)


@dataclass(frozen=True)
class Verdict:
    """What the rules in force say of one exercise."""

    slug: str
    outcome: Outcome
    # Why an exercise is blocked or kept only in an easier variant (its rule cites the rule
    # behind it); None when it is allowed.
    because: Reason | None
    supervised_only: bool
    # Halving cautions scale the starting dose; max_dose is the most the rules allow at all.
    dose_factor: float
    max_dose: Dose
    cautions: tuple[Reason, ...]  # what each caution did, cited by rule id

    @property
    def allowed(self) -> bool:
        return self.outcome == "allowed"

    @property
    def rule(self) -> str | None:
        """The rule behind a block or an "easier variant only"."""
        return self.because.rule if self.because is not None else None

    @property
    def reason(self) -> str:
        """Plain words (English) for a block or an "easier variant only"."""
        return self.because.text if self.because is not None else ""


class RulesInForce:
    """The rules that apply to one patient on one day, and their verdict on exercises."""

    def __init__(self, profile: PatientProfile, rules: Iterable[Rule]) -> None:
        self.profile = profile
        self.rules = tuple(sorted((r for r in rules if r.applies_to(profile)), key=lambda r: r.id))
        self._verdicts: dict[str, Verdict] = {}

    @property
    def red_flags(self) -> tuple[str, ...]:
        return tuple(sorted(set(self.profile.red_flags)))

    def check(self, exercise: CatalogueExercise) -> Verdict:
        verdict = self._verdicts.get(exercise.slug)
        if verdict is None:
            verdict = self._check(exercise)
            self._verdicts[exercise.slug] = verdict
        return verdict

    def _check(self, exercise: CatalogueExercise) -> Verdict:
        def refused(outcome: Outcome, because: Reason) -> Verdict:
            return Verdict(exercise.slug, outcome, because, False, 1.0, exercise.dose_max, ())

        for rule in self.rules:
            blocked = rule.block_tags & exercise.tags
            if blocked:
                return refused(
                    "blocked",
                    Reason.of(
                        rule.id,
                        "%(rule)s (it involves %(tags)s).",
                        rule=_rule(rule),
                        tags=_tags(blocked),
                    ),
                )
            if rule.max_difficulty is not None and exercise.difficulty > rule.max_difficulty:
                return refused(
                    "easier_only",
                    Reason.of(
                        rule.id,
                        "%(rule)s; this one is difficulty %(difficulty)s.",
                        rule=_rule(rule),
                        difficulty=exercise.difficulty,
                    ),
                )
        cautions: list[Reason] = []
        factor = 1.0
        supervised_only = False
        top = exercise.dose_max
        low = exercise.dose_min
        for rule in self.rules:
            acting: list[tuple[frozenset[str], str]] = [(rule.caution_tags, rule.caution_action)]
            if self.profile.fitness == "low":
                acting.append((rule.low_fitness_caution_tags, rule.low_fitness_caution_action))
            for tags, action in acting:
                hit = tags & exercise.tags
                if not hit:
                    continue
                what = _tags(hit)
                if action == "easier_variant":
                    return refused(
                        "easier_only",
                        Reason.of(
                            rule.id,
                            "%(rule)s (it involves %(tags)s); kept only in an easier variant.",
                            rule=_rule(rule),
                            tags=what,
                        ),
                    )
                if action == "halve_dose":
                    factor *= CAUTION_DOSE_FACTOR
                    top = _halved(exercise, top)
                    cautions.append(
                        Reason.of(rule.id, "Dose halved because it involves %(tags)s.", tags=what)
                    )
                else:
                    supervised_only = True
                    cautions.append(
                        Reason.of(
                            rule.id,
                            "Done only with the specialist because it involves %(tags)s.",
                            tags=what,
                        )
                    )
            if rule.max_hold_s is not None:
                cap = rule.max_hold_s
                tagged = bool(rule.max_hold_tags & exercise.tags)
                # A timed exercise is capped only when its tags say it is a held effort (a wall
                # sit); an untagged rule caps holds, never the length of a walk.
                if exercise.dose.is_timed and tagged and top.duration_s > cap:
                    if low.duration_s > cap:
                        return refused(
                            "easier_only",
                            Reason.of(
                                rule.id,
                                "%(rule)s; this effort is held at least %(seconds)s seconds.",
                                rule=_rule(rule),
                                seconds=low.duration_s,
                            ),
                        )
                    top = Dose(top.sets, top.reps, top.hold_s, cap)
                    cautions.append(
                        Reason.of(rule.id, "Held %(seconds)s seconds at most.", seconds=cap)
                    )
                elif (
                    not exercise.dose.is_timed
                    and (tagged or not rule.max_hold_tags)
                    and top.hold_s > cap
                ):
                    if low.hold_s > cap:
                        return refused(
                            "easier_only",
                            Reason.of(
                                rule.id,
                                "%(rule)s; this one is held at least %(seconds)s seconds.",
                                rule=_rule(rule),
                                seconds=low.hold_s,
                            ),
                        )
                    top = Dose(top.sets, top.reps, cap, top.duration_s)
                    cautions.append(
                        Reason.of(
                            rule.id, "Holds kept to %(seconds)s seconds at most.", seconds=cap
                        )
                    )
            if rule.max_rpe is not None and "aerobic" in exercise.tags:
                cautions.append(
                    Reason.of(
                        rule.id,
                        "Keep the effort light, at most %(rpe)s out of 10: a pace where "
                        "you can easily say a full sentence, never brisk.",
                        rpe=rule.max_rpe,
                    )
                )
        return Verdict(
            exercise.slug, "allowed", None, supervised_only, factor, top, tuple(cautions)
        )

    def allowed_dose(self, exercise: CatalogueExercise, dose: Dose) -> Dose:
        """`dose` brought within the exercise's bounds and what the rules in force allow."""
        top = self.check(exercise).max_dose
        low = exercise.dose_min

        def within(value: int, least: int, most: int) -> int:
            return max(least, min(value, most))

        return Dose(
            within(dose.sets, max(1, low.sets), max(1, top.sets)),
            within(dose.reps, low.reps, top.reps),
            within(dose.hold_s, low.hold_s, top.hold_s),
            within(dose.duration_s, low.duration_s, top.duration_s),
        )


def _halved(exercise: CatalogueExercise, top: Dose) -> Dose:
    """The most a halving caution allows: half the volume, never under the minimum."""
    low = exercise.dose_min
    if exercise.dose.is_timed:
        return Dose(top.sets, 0, 0, max(low.duration_s, _half_up(top.duration_s / 2)))
    return Dose(top.sets, max(low.reps, _half_up(top.reps / 2)), top.hold_s, 0)


# -- checking a version before it is written ----------------------------------------------------


@dataclass(frozen=True)
class ItemToCheck:
    """One exercise of a version about to be written, as the patient would be asked to do it."""

    slug: str
    dose: Dose
    supervised_only: bool


@dataclass(frozen=True)
class Finding:
    """Something the rules in force do not allow, and what they would allow instead."""

    slug: str
    kind: FindingKind
    because: Reason  # what is wrong, citing the rule behind it
    dose: Dose | None = None  # for kind "dose": the dose the rules allow

    @property
    def rule(self) -> str:
        return self.because.rule

    @property
    def text(self) -> str:
        """What is wrong, in English (`because` is the same as data, for other languages)."""
        return self.because.text


def check_items(
    rules_in_force: RulesInForce,
    catalogue: Mapping[str, CatalogueExercise],
    items: Sequence[ItemToCheck],
) -> tuple[Finding, ...]:
    """Every way these exercises and doses break the rules in force; empty when none."""
    findings: list[Finding] = []
    for flag in rules_in_force.red_flags:
        findings.append(
            Finding(
                "",
                "red_flag",
                Reason.of(
                    "RED-FLAG",
                    "%(flag)s: a red flag needs a doctor's assessment before any home exercise.",
                    flag=Name("red_flag", flag, _label(flag)),
                ),
            )
        )
    for item in sorted(items, key=lambda i: i.slug):
        exercise = catalogue.get(item.slug)
        if exercise is None:
            findings.append(
                Finding(
                    item.slug,
                    "unknown",
                    Reason.of("LIBRARY", "Not an active exercise of the library."),
                )
            )
            continue
        verdict = rules_in_force.check(exercise)
        # A refused verdict always says why (`because`).
        if verdict.outcome != "allowed" and verdict.because is not None:
            findings.append(Finding(item.slug, verdict.outcome, verdict.because))
            continue
        allowed = rules_in_force.allowed_dose(exercise, item.dose)
        if allowed != item.dose:
            rule = _dose_rule(exercise, item.dose, verdict)
            findings.append(
                Finding(
                    item.slug,
                    "dose",
                    Reason.of(
                        rule,
                        "%(exercise)s: the dose must stay within what the exercise and the "
                        "rules allow.",
                        exercise=Name("exercise", exercise.slug, exercise.name),
                    ),
                    allowed,
                )
            )
        if verdict.supervised_only and not item.supervised_only:
            rule = next(
                (c.rule for c in verdict.cautions if c.text.startswith("Done only")), "CAUTION"
            )
            findings.append(
                Finding(
                    item.slug,
                    "supervised_only",
                    Reason.of(
                        rule,
                        "%(exercise)s is done only with the specialist at the clinic.",
                        exercise=Name("exercise", exercise.slug, exercise.name),
                    ),
                )
            )
    return tuple(findings)


def _dose_rule(exercise: CatalogueExercise, dose: Dose, verdict: Verdict) -> str:
    """The rule id a dose finding cites: a caution's cap, else the exercise's own bounds."""
    high = exercise.dose_max
    over_bounds = (
        dose.sets > high.sets
        or dose.reps > high.reps
        or dose.hold_s > high.hold_s
        or dose.duration_s > high.duration_s
    )
    low = exercise.dose_min
    under = (
        dose.sets < max(1, low.sets)
        or dose.reps < low.reps
        or dose.hold_s < low.hold_s
        or dose.duration_s < low.duration_s
    )
    if over_bounds or under or not verdict.cautions:
        return "D-BOUNDS"
    return verdict.cautions[0].rule


def safe_replacement(
    rules_in_force: RulesInForce,
    catalogue: Mapping[str, CatalogueExercise],
    slug: str,
    *,
    taken: Iterable[str] = (),
) -> CatalogueExercise | None:
    """The nearest easier variant of `slug` that the rules allow and the program lacks."""
    present = set(taken)
    seen = {slug}
    exercise = catalogue.get(slug)
    while exercise is not None and exercise.easier and exercise.easier not in seen:
        seen.add(exercise.easier)
        exercise = catalogue.get(exercise.easier)
        if (
            exercise is not None
            and exercise.slug not in present
            and rules_in_force.check(exercise).allowed
        ):
            return exercise
    return None
