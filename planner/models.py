"""Planner data: rules, programs and their schedule, logs, reviews, and what happened."""

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from exercises.vocabulary import CATEGORIES
from planner.engine.dose import ExactDose, displayed_dose, exercise_seconds
from planner.engine.serialize import dose_text
from planner.engine.types import STAGES, Dose

CAUTION_ACTIONS = {
    "easier_variant": "Keep only an easier variant without the tag",
    "halve_dose": "Halve the dose",
    "supervised_only": "Only in supervised sessions",
}


class ContraindicationRule(models.Model):
    """One row of CLINICAL.md's rule tables, editable by the clinic, cited by its id.

    The rule applies when any trigger matches; its effects then act on movement
    tags, never on exercise names.
    """

    rule_id = models.CharField(
        "id",
        max_length=32,
        unique=True,
        validators=[RegexValidator(r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*$", "Use an id like R-PREG-2.")],
    )
    explanation = models.TextField(help_text="Plain language; shown in plan explanations.")
    is_active = models.BooleanField(default=True)
    # Triggers
    comorbidities = models.JSONField(default=list, blank=True)
    diagnoses = models.JSONField(default=list, blank=True)
    diagnosis_stages = models.JSONField(
        default=list, blank=True, help_text="Limits the diagnoses trigger; empty means any stage."
    )
    any_diagnosis_in_stages = models.JSONField(default=list, blank=True)
    pregnancy_min_weeks = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(42)]
    )
    min_age = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(120)]
    )
    # Effects
    block_tags = models.JSONField(default=list, blank=True)
    max_difficulty = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    caution_tags = models.JSONField(default=list, blank=True)
    low_fitness_caution_tags = models.JSONField(default=list, blank=True)
    caution_action = models.CharField(
        max_length=20, choices=list(CAUTION_ACTIONS.items()), default="easier_variant"
    )
    low_fitness_caution_action = models.CharField(
        max_length=20, choices=list(CAUTION_ACTIONS.items()), default="supervised_only"
    )
    max_hold_s = models.PositiveSmallIntegerField(null=True, blank=True)
    max_hold_tags = models.JSONField(
        default=list,
        blank=True,
        help_text="The hold cap acts on exercises with these tags; empty: on every hold.",
    )
    max_rpe = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    adds_exercise = models.SlugField(max_length=80, blank=True)
    adds_category = models.CharField(max_length=24, blank=True, choices=list(CATEGORIES.items()))
    adds_without_tags = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["rule_id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(caution_action__in=list(CAUTION_ACTIONS)),
                name="rule_caution_action_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(low_fitness_caution_action__in=list(CAUTION_ACTIONS)),
                name="rule_low_fitness_caution_action_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.rule_id

    def clean(self) -> None:
        from exercises.models import MovementTag
        from rehab.models import Comorbidity, Diagnosis

        vocabularies: dict[str, tuple[set[str], str]] = {
            "comorbidities": (
                set(Comorbidity.objects.values_list("code", flat=True)),
                "comorbidity",
            ),
            "diagnoses": (set(Diagnosis.objects.values_list("code", flat=True)), "diagnosis"),
            "diagnosis_stages": (set(STAGES), "stage"),
            "any_diagnosis_in_stages": (set(STAGES), "stage"),
        }
        tags = set(MovementTag.objects.values_list("code", flat=True))
        for name in (
            "block_tags",
            "caution_tags",
            "low_fitness_caution_tags",
            "adds_without_tags",
            "max_hold_tags",
        ):
            vocabularies[name] = (tags, "movement tag")
        errors: dict[str, str] = {}
        for name, (valid, what) in vocabularies.items():
            value: Any = getattr(self, name)
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                errors[name] = f"Must be a list of {what} codes."
                continue
            unknown = sorted(set(value) - valid)
            if unknown:
                errors[name] = (
                    f"Unknown {what} {', '.join(unknown)}; valid: {', '.join(sorted(valid))}."
                )
        triggers = (
            self.comorbidities,
            self.diagnoses,
            self.any_diagnosis_in_stages,
            self.pregnancy_min_weeks is not None,
            self.min_age is not None,
        )
        if not any(triggers):
            errors["comorbidities"] = "A rule needs at least one trigger."
        if errors:
            raise ValidationError(errors)


# -- Programs ---------------------------------------------------------------------------------


class ProgramStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    COMPLETED = "completed", "Completed"


OPEN_STATUSES = (ProgramStatus.DRAFT, ProgramStatus.ACTIVE, ProgramStatus.PAUSED)


class Program(models.Model):
    """A patient's exercise program. Changes make new versions; the program row stays."""

    patient = models.ForeignKey("rehab.Patient", on_delete=models.CASCADE, related_name="programs")
    status = models.CharField(
        max_length=10, choices=ProgramStatus.choices, default=ProgramStatus.DRAFT
    )
    start_date = models.DateField()
    weeks = models.PositiveSmallIntegerField(
        default=6, validators=[MinValueValidator(1), MaxValueValidator(26)]
    )
    supervised_per_week = models.PositiveSmallIntegerField(
        default=3,
        validators=[MinValueValidator(2), MaxValueValidator(3)],
        help_text="Supervised sessions a week at the clinic until mastery (2 or 3).",
    )
    supervised_course_length = models.PositiveSmallIntegerField(
        default=10,
        validators=[MinValueValidator(8), MaxValueValidator(15)],
        help_text="Supervised sessions in the course (8 to 15).",
    )
    home_started_on = models.DateField(
        null=True, blank=True, help_text="First day of home training, once mastery unlocked it."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    paused_reason = models.TextField(blank=True)
    progression_paused_reason = models.TextField(
        blank=True,
        help_text="Set when a red flag or a pain of 6 or more was reported: the clinician "
        "must look before the program progresses again.",
    )
    # Why, as data (planner.engine.serialize.reason_row): shown in each reader's language
    # and handed to the next weekly review. The text above is the record's English.
    progression_paused_because = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Every state of the program row (status, approval, pauses), for the record of care;
    # its contents are versions (ProgramVersion), which keep their own diff.
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ProgramStatus.values), name="program_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(weeks__gte=1, weeks__lte=26), name="program_weeks_1_26"
            ),
            models.CheckConstraint(
                condition=models.Q(supervised_per_week__gte=2, supervised_per_week__lte=3),
                name="program_supervised_per_week_2_3",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    supervised_course_length__gte=8, supervised_course_length__lte=15
                ),
                name="program_course_length_8_15",
            ),
            models.CheckConstraint(
                condition=models.Q(status=ProgramStatus.DRAFT)
                | models.Q(approved_at__isnull=False),
                name="program_approved_unless_draft",
            ),
            models.UniqueConstraint(
                fields=["patient"],
                condition=models.Q(status__in=OPEN_STATUSES),
                name="program_one_open_per_patient",
                violation_error_message="The patient already has an open program.",
            ),
        ]

    def __str__(self) -> str:
        return f"Program #{self.pk} for {self.patient} from {self.start_date}"

    @property
    def end_date(self) -> date:
        return self.start_date + timedelta(days=7 * self.weeks - 1)

    def covers(self, day: date) -> bool:
        return self.start_date <= day <= self.end_date


class ProgramVersion(models.Model):
    """One version of a program's contents, with a readable diff against the one before."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    note = models.CharField(max_length=300, help_text="Why this version was made.")
    diff = models.TextField(blank=True, help_text="What changed against the previous version.")
    plan_status = models.CharField(max_length=16, default="ok")
    plan_reasons = models.JSONField(default=list, blank=True)
    # The day's walk apart from the session ({slug, name, minutes, text, why}), and the
    # self-management advice and warning signs shown with the plan.
    activity = models.JSONField(default=dict, blank=True)
    advice = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["program", "number"]
        constraints = [
            models.UniqueConstraint(fields=["program", "number"], name="version_number_unique"),
            models.CheckConstraint(condition=models.Q(number__gte=1), name="version_number_gte_1"),
        ]

    def __str__(self) -> str:
        return f"v{self.number}"


class ExerciseState(models.TextChoices):
    SUPERVISED = "supervised", "Supervised (clinic only)"
    MASTERED = "mastered", "Mastered (home)"
    PAUSED = "paused", "Paused"
    RETIRED = "retired", "Retired"


class ProgramExercise(models.Model):
    version = models.ForeignKey(ProgramVersion, on_delete=models.CASCADE, related_name="exercises")
    exercise = models.ForeignKey("exercises.Exercise", on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()
    sets = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    reps = models.PositiveSmallIntegerField(default=0)
    hold_s = models.PositiveSmallIntegerField(default=0)
    duration_s = models.PositiveIntegerField(default=0)
    state = models.CharField(
        max_length=12, choices=ExerciseState.choices, default=ExerciseState.SUPERVISED
    )
    supervised_only = models.BooleanField(
        default=False, help_text="A rule keeps this exercise at the clinic even when mastered."
    )
    explanation = models.JSONField(default=list, blank=True, help_text="[{rule, text}, ...]")
    # The dose the weekly reviews grow, with one decimal ({"reps": 5.5, ...}); the fields above
    # are what the patient is shown. Empty: exactly the shown dose.
    exact_dose = models.JSONField(default=dict, blank=True)
    mastered_on = models.DateField(null=True, blank=True)
    mastered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "exercise"], name="program_exercise_once"),
            models.UniqueConstraint(fields=["version", "position"], name="program_position_once"),
            models.CheckConstraint(
                condition=models.Q(state__in=ExerciseState.values), name="program_state_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(sets__gte=1)
                & (
                    models.Q(reps__gt=0, duration_s=0)
                    | models.Q(reps=0, hold_s=0, duration_s__gt=0)
                ),
                name="program_dose_reps_or_duration",
            ),
            models.CheckConstraint(
                condition=~models.Q(state=ExerciseState.MASTERED)
                | models.Q(mastered_on__isnull=False),
                name="program_mastered_dated",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.exercise} ({self.get_state_display()})"

    @property
    def dose(self) -> Dose:
        return Dose(self.sets, self.reps, self.hold_s, self.duration_s)

    @property
    def exact(self) -> ExactDose | None:
        """The exact dose the reviews grow, or None when it is exactly the shown one."""
        return ExactDose.stored(self.exact_dose, self.dose) if self.exact_dose else None

    @property
    def dose_text(self) -> str:
        """The dose as prescribed, in a clinician's shorthand ("2 x 10 each side, hold 5 s")."""
        return dose_text(self.sets, self.reps, self.hold_s, self.duration_s, self.per_side)

    @property
    def per_side(self) -> bool:
        """Done on one side, then the other: the dose is each side's (loads the exercise)."""
        return self.exercise.per_side

    @property
    def shown_dose(self) -> Dose:
        """The dose as the patient is shown it: holds in 5 s steps, whole minutes (half
        minutes under 5), never over the exercise's maximum (loads the exercise)."""
        return displayed_dose(self.dose, self.exercise.max_dose)

    @property
    def estimated_seconds(self) -> int:
        """Time for this exercise at its dose as shown, with rests and setting up, both sides
        of a one-sided exercise (loads the exercise)."""
        exercise = self.exercise
        return exercise_seconds(
            self.shown_dose, exercise.seconds_per_rep, per_side=exercise.per_side
        )


# -- Schedule -----------------------------------------------------------------------------------


class HomeSession(models.Model):
    """One day of the program. What it holds is read from the mastered exercises."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="home_sessions")
    day = models.DateField()

    class Meta:
        ordering = ["program", "day"]
        constraints = [
            models.UniqueConstraint(fields=["program", "day"], name="home_session_day_once")
        ]

    def __str__(self) -> str:
        return f"{self.day}"


class SupervisedStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    DONE = "done", "Done"
    MISSED = "missed", "Missed"
    CANCELLED = "cancelled", "Cancelled"


class SupervisedSession(models.Model):
    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="supervised_sessions"
    )
    number = models.PositiveSmallIntegerField()
    scheduled_for = models.DateTimeField()
    status = models.CharField(
        max_length=10, choices=SupervisedStatus.choices, default=SupervisedStatus.PLANNED
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["program", "number"]
        constraints = [
            models.UniqueConstraint(fields=["program", "number"], name="supervised_number_once"),
            models.CheckConstraint(
                condition=models.Q(status__in=SupervisedStatus.values),
                name="supervised_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"Supervised session {self.number} on {self.scheduled_for:%Y-%m-%d %H:%M}"


class SupervisedExerciseRecord(models.Model):
    """What the specialist saw of one exercise in one supervised session."""

    session = models.ForeignKey(SupervisedSession, on_delete=models.CASCADE, related_name="records")
    # RESTRICT, not PROTECT: a program exercise with records cannot be deleted on its own,
    # but deleting the whole patient (their programs and these records) goes through.
    program_exercise = models.ForeignKey(
        ProgramExercise, on_delete=models.RESTRICT, related_name="supervised_records"
    )
    technique = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text="Technique from 1 (unsafe) to 5 (correct and independent).",
    )
    sets = models.PositiveSmallIntegerField(null=True, blank=True)
    reps = models.PositiveSmallIntegerField(null=True, blank=True)
    hold_s = models.PositiveSmallIntegerField(null=True, blank=True)
    duration_s = models.PositiveIntegerField(null=True, blank=True)
    swapped_to_easier = models.BooleanField(default=False)
    mastered = models.BooleanField(default=False)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["session", "program_exercise"], name="supervised_record_once"
            ),
            models.CheckConstraint(
                condition=models.Q(technique__gte=1, technique__lte=5),
                name="supervised_technique_1_5",
            ),
            models.CheckConstraint(
                condition=~models.Q(mastered=True, swapped_to_easier=True),
                name="supervised_not_mastered_and_swapped",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.program_exercise.exercise}: technique {self.technique}/5"


# -- Logs and reviews ---------------------------------------------------------------------------


class Feeling(models.TextChoices):
    EASY = "easy", "Easy"
    RIGHT = "right", "About right"
    HARD = "hard", "Hard"


class SessionLog(models.Model):
    """One submission from the patient's phone; the client's key makes resending harmless."""

    home_session = models.ForeignKey(HomeSession, on_delete=models.CASCADE, related_name="logs")
    client_key = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["home_session", "created_at"]

    def __str__(self) -> str:
        return f"Log {self.client_key} for {self.home_session.day}"


class ExerciseLog(models.Model):
    session_log = models.ForeignKey(SessionLog, on_delete=models.CASCADE, related_name="entries")
    home_session = models.ForeignKey(HomeSession, on_delete=models.CASCADE, related_name="+")
    program_exercise = models.ForeignKey(
        ProgramExercise, on_delete=models.RESTRICT, related_name="logs"
    )
    exercise = models.ForeignKey("exercises.Exercise", on_delete=models.PROTECT, related_name="+")
    done = models.BooleanField()
    sets_done = models.PositiveSmallIntegerField(default=0)
    reps_done = models.PositiveSmallIntegerField(default=0)
    pain_during = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(10)]
    )
    pain_after = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(10)]
    )
    difficulty = models.CharField(max_length=8, choices=Feeling.choices, blank=True)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["home_session", "exercise"]
        constraints = [
            models.UniqueConstraint(
                fields=["home_session", "exercise"], name="exercise_log_once_a_day"
            ),
            models.CheckConstraint(
                condition=models.Q(pain_during__lte=10) & models.Q(pain_after__lte=10),
                name="exercise_log_pain_0_10",
            ),
            models.CheckConstraint(
                condition=models.Q(difficulty__in=["", *Feeling.values]),
                name="exercise_log_difficulty_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.exercise} on {self.home_session.day}: {'done' if self.done else 'not done'}"


class ReviewStatus(models.TextChoices):
    PENDING = "pending", "Waiting for approval"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class ReviewProposal(models.Model):
    """The weekly review of a program: what to change, proposed from the patient's logs."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="reviews")
    week_start = models.DateField()
    status = models.CharField(
        max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.PENDING
    )
    pause_progression = models.BooleanField(default=False)
    reasons = models.JSONField(default=list, blank=True)
    # Creeping pain (a weekly median 2 points over baseline) alerts even below 6.
    alert_reasons = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    resulting_version = models.ForeignKey(
        ProgramVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Its status and decision over time (the reasons never change once proposed).
    history = HistoricalRecords(excluded_fields=["reasons", "alert_reasons", "created_at"])

    class Meta:
        ordering = ["-week_start"]
        constraints = [
            models.UniqueConstraint(fields=["program", "week_start"], name="review_week_once"),
            models.CheckConstraint(
                condition=models.Q(status__in=ReviewStatus.values), name="review_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Review of the week from {self.week_start}"


class ReviewItem(models.Model):
    proposal = models.ForeignKey(ReviewProposal, on_delete=models.CASCADE, related_name="items")
    program_exercise = models.ForeignKey(
        ProgramExercise, on_delete=models.RESTRICT, related_name="+"
    )
    action = models.CharField(max_length=16)
    variable = models.CharField(max_length=12, blank=True)
    sets = models.PositiveSmallIntegerField()
    reps = models.PositiveSmallIntegerField()
    hold_s = models.PositiveSmallIntegerField()
    duration_s = models.PositiveIntegerField()
    new_exercise = models.ForeignKey(
        "exercises.Exercise", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reasons = models.JSONField(default=list, blank=True)
    exact_dose = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["proposal", "program_exercise__position"]

    def __str__(self) -> str:
        return f"{self.action} {self.program_exercise.exercise}"

    @property
    def dose(self) -> Dose:
        return Dose(self.sets, self.reps, self.hold_s, self.duration_s)


# -- What happened ------------------------------------------------------------------------------


class EventKind(models.TextChoices):
    """What the planner saw that a clinician must hear of (notifications turns it into alerts,
    the clinician's worklist reads it)."""

    RED_FLAG_REPORTED = "red_flag_reported", "Red flag reported"
    PAIN_HIGH = "pain_high", "Pain of 6 or more"
    PAIN_RISING = "pain_rising", "Pain rising over baseline"
    DAYS_MISSED = "days_missed", "3 missed days"


class PatientEvent(models.Model):
    """Something that happened in a patient's course: one row per (patient, kind, local day).

    The planner writes these and never sends anything itself; a second report of the
    same kind on the same day adds nothing (the clinician has already been told).
    """

    patient = models.ForeignKey("rehab.Patient", on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=32, choices=EventKind.choices)
    day = models.DateField(help_text="The patient's local date it happened on.")
    context = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["created_at"], name="patient_event_created_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "kind", "day"], name="patient_event_once_per_kind_day"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=EventKind.values), name="patient_event_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.day}"


# -- The clinician's worklist --------------------------------------------------------------------


class WorklistKind(models.TextChoices):
    """Why a patient is on the clinician's worklist ("Needs attention"), most urgent first:
    the order of the members is the order of urgency (planner.selectors.worklist).

    To add a reason (questionnaires, say): a member here, placed by its urgency, with a
    migration for the check constraint below, and a source in planner.selectors.worklist."""

    CAUDA_EQUINA = "cauda_equina", _("Cauda equina signs: to be seen today")
    RED_FLAG_REPORTED = "red_flag_reported", _("Red flag reported by the patient")
    RED_FLAG_RECORDED = "red_flag_recorded", _("Red flag recorded by the clinic")
    PAIN_HIGH = "pain_high", _("Pain of 6 or more")
    PAIN_RISING = "pain_rising", _("Pain rising 2 or more over baseline")
    QUESTIONNAIRE_WORSE = (
        "questionnaire_worse",
        _("Questionnaire worse by a minimal important change"),
    )
    DAYS_MISSED = "days_missed", _("Home days missed in a row")
    SESSION_NOT_RECORDED = "session_not_recorded", _("Past clinic session not recorded")
    REVIEW_WAITING = "review_waiting", _("Weekly review waiting")
    PROGRAM_PAUSED = "program_paused", _("Program paused")
    DRAFT_WAITING = "draft_waiting", _("Draft program waiting for approval")
    QUESTIONNAIRE_OVERDUE = "questionnaire_overdue", _("Questionnaire overdue")
    NEVER_SIGNED_IN = "never_signed_in", _("Invited, never signed in")
    SESSION_TODAY = "session_today", _("Clinic session today")


class WorklistMark(models.Model):
    """A clinician marked one reason of the worklist handled.

    A reason is identified by its patient, kind and `since` (when it began); the mark
    hides it until the reason's `since` moves past the mark's (a new event of that kind).
    """

    patient = models.ForeignKey(
        "rehab.Patient", on_delete=models.CASCADE, related_name="worklist_marks"
    )
    kind = models.CharField(max_length=32, choices=WorklistKind.choices)
    since = models.DateTimeField(help_text="When the handled reason began.")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("handled worklist reason")
        verbose_name_plural = _("handled worklist reasons")
        ordering = ["-at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["patient", "kind", "since"], name="worklist_mark_once"),
            models.CheckConstraint(
                condition=models.Q(kind__in=WorklistKind.values), name="worklist_mark_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} since {self.since:%Y-%m-%d %H:%M}"
