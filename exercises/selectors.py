"""Reads of the exercise library."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import get_language, gettext

from exercises.illustration import (
    PHASES,
    ExercisePose,
    parse_exercise_pose,
    pose_for_starting_position,
    render_pose_svg,
)
from exercises.models import Exercise, ExerciseTranslation, library_base_language


def exercise_list() -> QuerySet[Exercise]:
    """Exercises with their tags, indications and both variant neighbours, in four queries."""
    return Exercise.objects.select_related("harder_variant", "easier_variant").prefetch_related(
        "movement_tags", "indications"
    )


def exercise_poses(exercise: Exercise) -> ExercisePose:
    """The key poses of an exercise; one a clinic added without a pose keeps its position
    (its starting position in every phase, so that every exercise has a picture)."""
    if exercise.pose:
        return parse_exercise_pose(exercise.pose)
    still = pose_for_starting_position(exercise.starting_position, exercise.equipment)
    return ExercisePose(start=still, end=still)


def exercise_illustration_svg(*, exercise: Exercise, phase: str) -> str:
    """The exercise's start or end position as an SVG picture.

    An exercise without a pose of its own (one a clinic added) shows its starting position
    in both phases, so that every exercise has a picture.
    """
    if phase not in PHASES:
        raise ValueError(f"Unknown phase {phase!r}; use start or end.")
    pose = exercise_poses(exercise).phase(phase)
    titled = (
        gettext("%(name)s: start position")
        if phase == "start"
        else gettext("%(name)s: end position")
    )
    title = titled % {"name": exercise_text(exercise=exercise).name}
    return render_pose_svg(pose, title=title)


def exercise_search(
    *, category: str = "", difficulty: int | None = None, tag: str = ""
) -> QuerySet[Exercise]:
    """Active exercises of the library, narrowed by category, difficulty and movement tag."""
    exercises = exercise_list().filter(is_active=True)
    if category:
        exercises = exercises.filter(category=category)
    if difficulty is not None:
        exercises = exercises.filter(difficulty=difficulty)
    if tag:
        exercises = exercises.filter(movement_tags__code=tag)
    return exercises.order_by("category", "difficulty", "name", "id")


def reading_language(language: str | None = None) -> str:
    """The language (its short code: "ru") exercises are read in: `language`, by default the
    active one (the patient's, or the request's `Accept-Language`), else the library's own."""
    return (language or get_language() or library_base_language()).lower().split("-")[0]


@dataclass(frozen=True)
class ExerciseText:
    """An exercise as a patient reads it in one language: its name, summary, steps and
    safety notes in that language; anything else (slug, pictures, dose bounds) is the
    exercise's own, so a template or serializer can take it in the exercise's place."""

    exercise: Exercise
    name: str
    summary: str
    steps: list[str]
    safety: list[str]
    language: str
    # False when the exercise has no translation into the language asked for: its own
    # (base language) texts are shown instead, as for an exercise a clinic added.
    translated: bool

    def __getattr__(self, attribute: str) -> Any:
        # Only for what the dataclass does not hold itself; never a text in another language.
        if attribute in ("instructions", "safety_notes") or attribute.startswith("_"):
            raise AttributeError(attribute)
        return getattr(self.exercise, attribute)


def exercise_text(*, exercise: Exercise, language: str | None = None) -> ExerciseText:
    """The exercise's name, summary, steps and safety notes in `language` (by default the
    active one: the patient's, or the request's `Accept-Language`), else in its own.

    Reads `exercise.translations.all()`: prefetch it (`with_translations`,
    `TRANSLATIONS_PREFETCH`) where many exercises are shown, or it costs a query each.
    """
    if isinstance(exercise, ExerciseText):
        exercise = exercise.exercise
    base = library_base_language()
    wanted = (language or get_language() or base).lower()
    short = reading_language(wanted)
    if short != base:
        found = {t.language: t for t in exercise.translations.all()}
        translation = found.get(wanted) or found.get(short)
        if translation is not None:
            return ExerciseText(
                exercise,
                translation.name,
                translation.summary,
                translation.steps,
                translation.safety,
                translation.language,
                True,
            )
    return ExerciseText(
        exercise,
        exercise.name,
        exercise.summary,
        exercise.steps,
        exercise.safety,
        base,
        short == base,
    )


# Every translation of the exercises read, in one query (a few languages at most).
TRANSLATIONS_PREFETCH = "translations"


def with_translations(exercises: QuerySet[Exercise]) -> QuerySet[Exercise]:
    """`exercises` with their translations, for `exercise_text` without a query each."""
    return exercises.prefetch_related(
        Prefetch(TRANSLATIONS_PREFETCH, queryset=ExerciseTranslation.objects.order_by())
    )


def exercise_name_of(*, slug: str, default: str, language: str | None = None) -> str:
    """The name of the exercise `slug` in `language` (the active one by default), else
    `default` (one query outside the base language): for a name kept as text, such as the
    day's walk that a program version saved."""
    short = reading_language(language)
    if short == library_base_language() or not slug:
        return default
    name = (
        ExerciseTranslation.objects.filter(exercise__slug=slug, language=short)
        .values_list("name", flat=True)
        .first()
    )
    return name or default


def exercises_without_translation(*, language: str) -> QuerySet[Exercise]:
    """Exercises a patient speaking `language` reads in the base language: no translation."""
    return Exercise.objects.exclude(translations__language=language)
