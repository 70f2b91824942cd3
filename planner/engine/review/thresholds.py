"""The numbers the weekly review judges by (CLINICAL.md, "Progression from the patient's log")."""

from planner.engine.review.types import Measure, Variable

# Thresholds from CLINICAL.md, kept as whole numbers so no comparison depends on float rounding.
MIN_ADHERENCE_PERCENT = 70
MAX_PROGRESS_PAIN = 3
MIN_HOLD_PAIN = 4
MIN_STEP_BACK_PAIN = 6
# A change of 2 points on the pain scale is the minimal change that matters to a patient.
IMPORTANT_PAIN_CHANGE = 2
PROGRESS_MAX_PERCENT = 10
STEP_BACK_PERCENT = 25
STEP_BACK_MIN_PERCENT, STEP_BACK_MAX_PERCENT = 20, 30
# "The last sessions felt easy": this many of the most recent sessions done.
EASY_SESSIONS = 2
# The baseline is the median of the first week of home training.
BASELINE_DAYS = 7

VARIABLES: tuple[Variable, ...] = ("sets", "reps", "hold_s", "duration_s")
MEASURES: tuple[Measure, ...] = ("during", "after")
