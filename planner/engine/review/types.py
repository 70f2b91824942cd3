"""What the weekly review reads and what it returns: a week's log of each exercise, proposals."""

from dataclasses import dataclass
from datetime import date
from typing import Literal

from planner.engine.dose import ExactDose
from planner.engine.types import Dose, Reason

Feeling = Literal["easy", "right", "hard"]
Action = Literal["progress", "harder_variant", "hold", "step_back", "easier_variant"]
Variable = Literal["sets", "reps", "hold_s", "duration_s"]
Measure = Literal["during", "after"]


@dataclass(frozen=True)
class ExerciseLog:
    """One logged home session of one exercise."""

    day: date
    done: bool
    pain_during: int | None  # 0-10
    pain_after: int | None  # 0-10
    difficulty: Feeling | None


@dataclass(frozen=True)
class ExerciseUnderReview:
    slug: str
    name: str
    dose: Dose  # the current prescribed dose, as shown to the patient
    dose_min: Dose
    dose_max: Dose
    harder: str | None  # slug of the harder variant, if any
    easier: str | None
    scheduled_days: int  # home sessions of this exercise in the week under review (0..7)
    logs: tuple[ExerciseLog, ...]
    # The patient's baseline pain during and after exercise (0-10; `baseline_pain`), or None
    # when there is no score to compare with: then only the fixed thresholds apply.
    baseline_pain_during: int | None
    baseline_pain_after: int | None
    # The exact dose behind `dose` (None: exactly `dose`). A variable whose exact value no longer
    # shows as the prescribed one (the dose was edited by hand) restarts from the prescribed value.
    exact: ExactDose | None = None


@dataclass(frozen=True)
class Proposal:
    slug: str
    action: Action
    # The one variable changed, if any. "sets" means one more set, with the repetitions (or the
    # duration) lowered so that the volume rises by at most 10 %: one step, not two.
    variable: Variable | None
    # The proposed dose as shown: shown_dose(exact, min, max) for what changed; what did not
    # change keeps the prescribed value (unchanged for hold and for a change of variant).
    dose: Dose
    new_exercise: str | None  # slug for harder_variant / easier_variant, else None
    reasons: tuple[Reason, ...]
    # The exact dose after the proposal (the current exact dose for hold and a change of variant).
    exact: ExactDose


@dataclass(frozen=True)
class WeekReview:
    proposals: tuple[Proposal, ...]  # one per exercise, in slug order
    pause_progression: bool  # a red flag or pain of 6 or more: nothing goes up
    flag_patient: bool
    reasons: tuple[Reason, ...]  # why progression is paused (V-PAUSE)
    # Creeping pain (V-CREEP): a weekly median pain 2 or more over its baseline, even below 6.
    # Independent of the pause: both may be set.
    alert_clinician: bool
    alert_reasons: tuple[Reason, ...]
