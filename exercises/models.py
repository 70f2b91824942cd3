"""The exercise library: exercises, movement tags, doses and variant chains."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from exercises.illustration import PoseError, parse_exercise_pose
from exercises.vocabulary import CATEGORIES, EQUIPMENT, STARTING_POSITIONS
from planner.engine.dose import exercise_seconds
from planner.engine.types import Dose
from rehab.models import Diagnosis

MAX_VARIANT_CHAIN = 20


class MovementTag(models.Model):
    """A tag from CLINICAL.md's vocabulary; the rules act on tags, never on exercise names."""

    code = models.SlugField(max_length=40, unique=True)
    description = models.CharField(max_length=200)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


def validate_equipment(value: object) -> None:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValidationError("Equipment must be a list of names.")
    unknown = sorted(set(value) - EQUIPMENT.keys())
    if unknown:
        raise ValidationError(
            f"Unknown equipment {', '.join(unknown)}; valid: {', '.join(EQUIPMENT)}."
        )


def text_lines(text: str) -> list[str]:
    """Steps or safety notes kept one a line: the lines that say something, trimmed."""
    return [line.strip() for line in text.splitlines() if line.strip()]


class Exercise(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=80, unique=True)
    summary = models.TextField(help_text="One or two sentences a patient understands.")
    instructions = models.TextField(help_text="One step per line; the app numbers them.")
    safety_notes = models.TextField(help_text='One note per line, the first "Stop if ...".')
    category = models.CharField(max_length=24, choices=list(CATEGORIES.items()))
    starting_position = models.CharField(max_length=12, choices=list(STARTING_POSITIONS.items()))
    equipment = models.JSONField(default=list, blank=True, validators=[validate_equipment])
    difficulty = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    movement_tags = models.ManyToManyField(MovementTag, related_name="exercises", blank=True)
    indications = models.ManyToManyField(Diagnosis, related_name="indicated_exercises", blank=True)
    harder_variant = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="easier_variant",
        help_text="The next step up in the same movement; it must be more difficult.",
    )

    default_sets = models.PositiveSmallIntegerField(default=1)
    min_sets = models.PositiveSmallIntegerField(default=1)
    max_sets = models.PositiveSmallIntegerField(default=3)
    default_reps = models.PositiveSmallIntegerField(default=0, help_text="0 for timed exercises.")
    min_reps = models.PositiveSmallIntegerField(default=0)
    max_reps = models.PositiveSmallIntegerField(default=0)
    default_hold_s = models.PositiveSmallIntegerField("hold (s)", default=0)
    min_hold_s = models.PositiveSmallIntegerField(default=0)
    max_hold_s = models.PositiveSmallIntegerField(default=0)
    default_duration_s = models.PositiveIntegerField(
        "duration (s)", default=0, help_text="Per set, for timed exercises; 0 for repetitions."
    )
    min_duration_s = models.PositiveIntegerField(default=0)
    max_duration_s = models.PositiveIntegerField(default=0)
    seconds_per_rep = models.PositiveSmallIntegerField(
        default=0, help_text="Time to move through one repetition, without the hold."
    )
    per_side = models.BooleanField(
        "each side",
        default=False,
        help_text=(
            "Done on one side and then the other (one leg, one arm): the dose is shown "
            '"each side" and the time estimate counts both sides.'
        ),
    )

    image = models.FileField(
        upload_to="exercises/images/",
        blank=True,
        validators=[FileExtensionValidator(["png", "jpg", "jpeg", "webp", "gif"])],
    )
    video = models.FileField(
        upload_to="exercises/videos/",
        blank=True,
        validators=[FileExtensionValidator(["mp4", "webm"])],
    )
    pose = models.JSONField(
        default=dict,
        blank=True,
        help_text=(
            "Start and end positions for the drawn illustration, as in the library file; "
            "empty draws the starting position."
        ),
    )
    is_active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["category", "difficulty", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(difficulty__gte=1, difficulty__lte=5), name="exercise_difficulty_1_5"
            ),
            models.CheckConstraint(
                condition=Q(category__in=list(CATEGORIES)), name="exercise_category_valid"
            ),
            models.CheckConstraint(
                condition=Q(starting_position__in=list(STARTING_POSITIONS)),
                name="exercise_position_valid",
            ),
            models.CheckConstraint(
                condition=Q(min_sets__gte=1)
                & Q(min_sets__lte=F("default_sets"))
                & Q(default_sets__lte=F("max_sets")),
                name="exercise_sets_bounds",
            ),
            models.CheckConstraint(
                condition=Q(min_reps__lte=F("default_reps")) & Q(default_reps__lte=F("max_reps")),
                name="exercise_reps_bounds",
            ),
            models.CheckConstraint(
                condition=Q(min_hold_s__lte=F("default_hold_s"))
                & Q(default_hold_s__lte=F("max_hold_s")),
                name="exercise_hold_bounds",
            ),
            models.CheckConstraint(
                condition=Q(min_duration_s__lte=F("default_duration_s"))
                & Q(default_duration_s__lte=F("max_duration_s")),
                name="exercise_duration_bounds",
            ),
            # An exercise is dosed either in repetitions or in time, never both.
            models.CheckConstraint(
                condition=Q(default_reps__gt=0, min_reps__gte=1, default_duration_s=0)
                | Q(default_reps=0, max_reps=0, default_duration_s__gt=0, min_duration_s__gte=1),
                name="exercise_reps_or_duration",
            ),
            models.CheckConstraint(
                condition=~Q(harder_variant=F("pk")), name="exercise_not_own_variant"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def steps(self) -> list[str]:
        return text_lines(self.instructions)

    @property
    def safety(self) -> list[str]:
        return text_lines(self.safety_notes)

    @property
    def is_timed(self) -> bool:
        return self.default_duration_s > 0

    def easier_variant_or_none(self) -> "Exercise | None":
        """The exercise whose harder variant this is, if any (the reverse one-to-one)."""
        try:
            return self.easier_variant
        except Exercise.DoesNotExist:
            return None

    @property
    def default_dose(self) -> Dose:
        return Dose(
            self.default_sets, self.default_reps, self.default_hold_s, self.default_duration_s
        )

    @property
    def min_dose(self) -> Dose:
        return Dose(self.min_sets, self.min_reps, self.min_hold_s, self.min_duration_s)

    @property
    def max_dose(self) -> Dose:
        return Dose(self.max_sets, self.max_reps, self.max_hold_s, self.max_duration_s)

    def estimated_seconds(self) -> int:
        """Time for the default dose with rests and setting up, as the planner counts it."""
        return exercise_seconds(self.default_dose, self.seconds_per_rep, per_side=self.per_side)

    def clean(self) -> None:
        errors: dict[str, str] = {}
        for name in ("sets", "reps", "hold_s", "duration_s"):
            low, default, high = (
                getattr(self, f"min_{name}"),
                getattr(self, f"default_{name}"),
                getattr(self, f"max_{name}"),
            )
            if None not in (low, default, high) and not low <= default <= high:
                errors[f"default_{name}"] = (
                    f"The default {name.replace('_s', ' (s)')} must lie between its minimum "
                    f"({low}) and maximum ({high})."
                )
        if self.min_sets is not None and self.min_sets < 1:
            errors["min_sets"] = "At least one set."
        if not errors and (self.default_reps > 0) == (self.default_duration_s > 0):
            errors["default_reps"] = (
                "Dose the exercise either in repetitions or in duration: exactly one of default "
                "reps and default duration must be above zero."
            )
        if not errors and self.default_reps > 0 and (self.min_reps < 1 or self.seconds_per_rep < 1):
            errors["seconds_per_rep"] = (
                "A repetition exercise needs at least 1 repetition and its seconds per repetition."
            )
        if (
            not errors
            and self.default_duration_s > 0
            and (self.max_reps or self.min_duration_s < 1)
        ):
            errors["min_duration_s"] = "A timed exercise has no repetitions and lasts at least 1 s."
        if self.pose:
            try:
                parse_exercise_pose(self.pose)
            except PoseError as problem:
                errors["pose"] = str(problem)
        if self.harder_variant_id is not None:
            error = self.harder_variant_error()
            if error:
                errors["harder_variant"] = error
        if errors:
            raise ValidationError(errors)

    def harder_variant_error(self) -> str | None:
        harder = self.harder_variant
        if harder is None:
            return None
        if self.pk is not None and harder.pk == self.pk:
            return "An exercise cannot be its own harder variant."
        if harder.difficulty <= self.difficulty:
            return (
                f"The harder variant {harder.name!r} has difficulty {harder.difficulty}; it must "
                f"be above this exercise's {self.difficulty}."
            )
        seen = {self.pk}
        step = harder
        for _ in range(MAX_VARIANT_CHAIN):
            if step.pk in seen:
                return "These variant links would form a loop."
            seen.add(step.pk)
            if step.harder_variant_id is None:
                return None
            step = Exercise.objects.only("pk", "harder_variant").get(pk=step.harder_variant_id)
        return f"Variant chains are limited to {MAX_VARIANT_CHAIN} steps."


def library_base_language() -> str:
    """The language of an exercise's own fields (name, summary, steps, safety): the site's."""
    return settings.LANGUAGE_CODE.split("-")[0]


def library_languages() -> list[str]:
    """The languages every exercise of the library file must be translated into: each of
    `settings.LANGUAGES` but the base language."""
    base = library_base_language()
    return [code for code, _name in settings.LANGUAGES if code != base]


class ExerciseTranslation(models.Model):
    """An exercise's patient-facing texts in another language than its own fields'.

    Steps and safety notes hold one item per line, as many as the exercise's own, in the
    same order. Saving one (the admin's inline) marks the exercise changed, so that a cached
    Today, whose stamp reads the library's last change, shows the edit at once."""

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(max_length=8, help_text='A code of the site\'s languages: "ru".')
    name = models.CharField(max_length=120)
    summary = models.TextField()
    instructions = models.TextField(help_text="One step per line, as many as the exercise has.")
    safety_notes = models.TextField(help_text="One note per line, as many as the exercise has.")

    class Meta:
        ordering = ["exercise", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["exercise", "language"], name="exercise_translation_one_per_language"
            ),
            models.CheckConstraint(
                condition=~Q(language="")
                & ~Q(name="")
                & ~Q(summary="")
                & ~Q(instructions="")
                & ~Q(safety_notes=""),
                name="exercise_translation_not_empty",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.exercise.slug} ({self.language})"

    @property
    def steps(self) -> list[str]:
        return text_lines(self.instructions)

    @property
    def safety(self) -> list[str]:
        return text_lines(self.safety_notes)

    def clean(self) -> None:
        errors: dict[str, str] = {}
        known = [code for code, _name in settings.LANGUAGES]
        if self.language and self.language not in library_languages():
            errors["language"] = (
                f"Unknown language {self.language!r}: use one of "
                f"{', '.join(library_languages()) or 'none'} (the site's languages "
                f"{', '.join(known)} but the library's own, {library_base_language()})."
            )
        for name in ("name", "summary", "instructions", "safety_notes"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip():
                errors[name] = "Required: the patient reads it."
        try:
            # In the admin, the exercise as its form has it: steps being edited count.
            exercise: Exercise | None = self.exercise
        except Exercise.DoesNotExist:
            exercise = None
        if exercise is not None:
            for name, own, theirs in (
                ("instructions", self.steps, exercise.steps),
                ("safety_notes", self.safety, exercise.safety),
            ):
                if name not in errors and len(own) != len(theirs):
                    errors[name] = (
                        f"{len(own)} lines; the exercise has {len(theirs)}: one line for each, "
                        "in the same order."
                    )
        if errors:
            raise ValidationError(errors)
