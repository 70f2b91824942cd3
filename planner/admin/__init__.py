"""The doctors' admin for programs: generate, edit, approve, pause, supervise, review.

Every change goes through planner.services; the admin only collects input and
shows results, so the rules are the same here as in the API. Importing this package
registers every page (Django's admin autodiscovery imports it)."""

from planner.admin.programs import (
    PauseForm,
    ProgramAdmin,
    generate_draft_program,
)
from planner.admin.reviews import (
    ReviewItemInline,
    ReviewProposalAdmin,
)
from planner.admin.rules import (
    ContraindicationRuleAdmin,
)
from planner.admin.shared import (
    OwnProgramsMixin,
)
from planner.admin.supervision import (
    SupervisedEntryForm,
    SupervisedEntryFormSet,
    SupervisedSessionAdmin,
)
from planner.admin.versions import (
    DOSE_KEYS,
    ProgramExerciseFormSet,
    ProgramExerciseInline,
    ProgramVersionAdmin,
)
from planner.admin.worklist import WorklistMarkAdmin

__all__ = [
    "DOSE_KEYS",
    "ContraindicationRuleAdmin",
    "OwnProgramsMixin",
    "PauseForm",
    "ProgramAdmin",
    "ProgramExerciseFormSet",
    "ProgramExerciseInline",
    "ProgramVersionAdmin",
    "ReviewItemInline",
    "ReviewProposalAdmin",
    "SupervisedEntryForm",
    "SupervisedEntryFormSet",
    "SupervisedSessionAdmin",
    "WorklistMarkAdmin",
    "generate_draft_program",
]
