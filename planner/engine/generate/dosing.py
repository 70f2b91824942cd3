"""Dosing: each exercise's starting dose, and fitting the day into its time."""

from planner.engine.dose import ExactDose, duration_step, exercise_seconds, shown_dose
from planner.engine.generate.candidates import Candidate, CandidateSelection
from planner.engine.generate.parameters import (
    ACUTE_FACTOR,
    FITNESS_FACTOR,
    LOW_MUSCLE_FACTOR,
    MAX_SECONDS,
    STRENGTH_CATEGORY,
    age_band,
)
from planner.engine.types import CatalogueExercise, Dose, Fitness, Reason


def _fitness_factor(fitness: Fitness) -> Reason:
    # Each factor is a message of its own, so that each can be translated whole.
    value = FITNESS_FACTOR[fitness]
    if fitness == "low":
        return Reason.of("D-DOSE", "%(factor)s for low fitness", factor=value)
    if fitness == "moderate":
        return Reason.of("D-DOSE", "%(factor)s for moderate fitness", factor=value)
    return Reason.of("D-DOSE", "%(factor)s for high fitness", factor=value)


def _age_factor(age: int) -> Reason:
    """The age factor with its band (`age_band`)."""
    start, last, value = age_band(age)
    if start == 0 and last is not None:
        return Reason.of("D-DOSE", "%(factor)s for under %(age)s", factor=value, age=last + 1)
    if last is None:
        return Reason.of("D-DOSE", "%(factor)s for age %(age)s and over", factor=value, age=start)
    return Reason.of(
        "D-DOSE", "%(factor)s for age %(low)s-%(high)s", factor=value, low=start, high=last
    )


def _product(factors: list[Reason]) -> Reason:
    """Factors multiplied in a sentence: "0.8 for moderate fitness x 0.9 for age 40-64"."""
    product = factors[-1]
    for factor in reversed(factors[:-1]):
        product = Reason.of("D-DOSE", "%(factor)s x %(more)s", factor=factor, more=product)
    return product


def _round(value: float) -> int:
    # Half up, not Python's half-to-even: 2.5 reps is 3, as a clinician would round.
    return int(value + 0.5)


class Dosing(CandidateSelection):
    """Starting doses, worked out when first needed, and the day fitted into 25 minutes."""

    def dose(self, candidate: Candidate) -> tuple[Dose, list[Reason]]:
        exercise = candidate.exercise
        default, low, high = exercise.dose, exercise.dose_min, exercise.dose_max
        factor = self.volume_factor * candidate.dose_factor
        parts = [_fitness_factor(self.profile.fitness), _age_factor(self.profile.age)]
        if self.is_acute:
            parts.append(Reason.of("D-DOSE", "%(factor)s in the acute stage", factor=ACUTE_FACTOR))
        if candidate.dose_factor < 1.0:
            parts.append(
                Reason.of(
                    "D-DOSE", "%(factor)s for the caution above", factor=candidate.dose_factor
                )
            )
        if self.profile.low_muscle_mass and exercise.category == STRENGTH_CATEGORY:
            factor *= LOW_MUSCLE_FACTOR
            parts.append(
                Reason.of(
                    "D-DOSE",
                    "%(factor)s for low muscle mass (D-MUSCLE)",
                    factor=LOW_MUSCLE_FACTOR,
                )
            )
        reasons = [
            Reason.of(
                "D-DOSE",
                "Starting amount: the usual dose x %(factors)s.",
                factors=_product(parts),
            )
        ]
        if self.profile.low_muscle_mass and exercise.category == STRENGTH_CATEGORY:
            reasons.append(
                Reason.of(
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

    def dose_of(self, candidate: Candidate) -> tuple[Dose, list[Reason]]:
        slug = candidate.exercise.slug
        if slug not in self.doses:
            self.doses[slug] = self.dose(candidate)
        return self.doses[slug]

    def seconds_of(self, candidate: Candidate) -> int:
        exercise = candidate.exercise
        return exercise_seconds(
            self.dose_of(candidate)[0], exercise.seconds_per_rep, per_side=exercise.per_side
        )

    def _fit_time(self, chosen: list[tuple[Candidate, Reason]]) -> None:
        """Shorten timed exercises (longest first, never below their minimum) to fit the day,
        each to a length a person can do (whole minutes, half minutes under 5 minutes)."""
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
            # A one-sided exercise's set is done twice: a second cut from it saves two.
            sets = dose.sets * (2 if candidate.exercise.per_side else 1)
            wanted = max(floor, dose.duration_s - -(-excess // sets))
            step = duration_step(wanted)
            length = max(floor, wanted // step * step)
            if length >= dose.duration_s:
                continue
            shorter = Dose(dose.sets, 0, 0, length)
            note = Reason.of("P-TIME", "Shortened so the whole day fits into 25 minutes.")
            self.doses[candidate.exercise.slug] = (shorter, [*reasons, note])
            excess -= (dose.duration_s - length) * sets
