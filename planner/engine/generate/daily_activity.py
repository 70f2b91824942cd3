"""The day's separate aerobic activity (a walk, cycling or seated aerobics) and the advice."""

from planner.engine.generate.candidates import Candidate, CandidateSelection, rule_reason
from planner.engine.generate.parameters import (
    ACTIVITY_MINUTES,
    AEROBIC_CATEGORY,
    CLAUDICATION_MINUTES,
)
from planner.engine.types import DailyActivity, Pace, Reason


class DailyActivitySelection(CandidateSelection):
    """The walk the rules in force allow, at a pace that suits the patient, and the advice."""

    def _activity(self, pool: list[Candidate]) -> DailyActivity | None:
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
        pick: Candidate | None = None
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
            why.append(rule_reason(rule))
            text = (
                f"{exercise.name}: about {minutes} minutes in all. Walk until the calf pain is "
                "moderate, rest until it goes, then walk again."
            )
        else:
            if "pregnancy" in self.profile.conditions:
                minutes = ACTIVITY_MINUTES["pregnancy"]
                preg = next((r for r in self.rules if r.adds_category == AEROBIC_CATEGORY), None)
                why.append(
                    Reason.of(
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
                    Reason.of(
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
                Reason.of(
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
            Reason.of(
                "P-ADVICE",
                "Stay active and keep up your normal activities as far as you can; bed rest "
                "slows recovery.",
            ),
            Reason.of(
                "P-ADVICE",
                "Pace yourself: spread activity over the day and build up little by little.",
            ),
            Reason.of(
                "P-ADVICE",
                "Some pain while you exercise is expected and does not mean you are harming "
                "your back. Ease off if it stays worse the next day.",
            ),
            Reason.of(
                "P-ADVICE",
                "Call your clinic the same day if you notice numbness around the groin or "
                "buttocks, trouble passing urine or controlling your bladder or bowels, or new "
                "weakness in a leg. Call soon for fever, pain at night that does not ease, "
                "unexplained weight loss, or pain after a fall or injury.",
            ),
        ]
        if "pregnancy" in self.profile.conditions:
            advice.append(
                Reason.of(
                    "P-PREG-SIGNS",
                    "Stop and call your doctor or midwife if you have vaginal bleeding, regular "
                    "painful contractions, fluid leaking, dizziness or feeling faint, shortness "
                    "of breath before you start, chest pain, headache, muscle weakness that "
                    "affects your balance, or pain or swelling in a calf.",
                )
            )
        if self.profile.start_back == "low":
            advice.append(
                Reason.of(
                    "P-START-BACK",
                    "Your back pain is at low risk of lasting: a short course at the clinic, "
                    "and these exercises and everyday activity at home, are what helps most.",
                )
            )
        return tuple(advice)
