"""Writes of the planner, one module per topic: generation, the program's life, new
versions, supervised sessions and mastery, the patient's log, weekly reviews, and events.

Every function checks its input first and raises ValidationError with field
messages before it writes anything; each runs in one transaction. Callers import
from this package (`from planner import services`); the topic modules import each
other's functions directly and never in a circle (import-linter checks it)."""

from planner.services.events import (
    EVENT_RECORDED_TASK,
    missed_days_record,
    patient_event_record,
)
from planner.services.generation import (
    BulkReport,
    ProgramSettings,
    clinic_session_times,
    program_generate,
    program_plan_preview,
    programs_generate_bulk,
    schedule_rows,
    supervised_times,
)
from planner.services.lifecycle import (
    draft_exercises_check,
    draft_exercises_save,
    patient_records_changed,
    program_approve,
    program_complete,
    program_pause,
    program_recheck,
    program_resume,
    programs_recheck_due,
    red_flags_pause_programs,
)
from planner.services.logs import (
    LogEntry,
    session_log_record,
    symptom_red_flag_report,
)
from planner.services.reviews import (
    DueReviews,
    progression_resume,
    review_approve,
    review_propose,
    review_reject,
    reviews_propose_due,
)
from planner.services.shared import (
    ALERT_PAIN_FROM,
    HOME_UNLOCK_POLICIES,
    home_unlock_policy,
    logger,
)
from planner.services.supervision import (
    SupervisedEntry,
    mastery_sign_off,
    supervised_session_record,
)
from planner.services.versions import (
    ExerciseChange,
    dose_problems,
    program_revise,
)
from planner.services.worklist import worklist_reason_handle

__all__ = [
    "ALERT_PAIN_FROM",
    "EVENT_RECORDED_TASK",
    "HOME_UNLOCK_POLICIES",
    "BulkReport",
    "DueReviews",
    "ExerciseChange",
    "LogEntry",
    "ProgramSettings",
    "SupervisedEntry",
    "clinic_session_times",
    "dose_problems",
    "draft_exercises_check",
    "draft_exercises_save",
    "home_unlock_policy",
    "logger",
    "mastery_sign_off",
    "missed_days_record",
    "patient_event_record",
    "patient_records_changed",
    "program_approve",
    "program_complete",
    "program_generate",
    "program_pause",
    "program_plan_preview",
    "program_recheck",
    "program_resume",
    "program_revise",
    "programs_generate_bulk",
    "programs_recheck_due",
    "progression_resume",
    "red_flags_pause_programs",
    "review_approve",
    "review_propose",
    "review_reject",
    "reviews_propose_due",
    "schedule_rows",
    "session_log_record",
    "supervised_session_record",
    "supervised_times",
    "symptom_red_flag_report",
    "worklist_reason_handle",
]
