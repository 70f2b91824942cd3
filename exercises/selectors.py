"""Reads of the exercise library."""

from django.db.models import QuerySet
from django.utils.translation import gettext

from exercises.illustration import (
    PHASES,
    parse_exercise_pose,
    pose_for_starting_position,
    render_pose_svg,
)
from exercises.models import Exercise


def exercise_list() -> QuerySet[Exercise]:
    """Exercises with their tags, indications and both variant neighbours, in four queries."""
    return Exercise.objects.select_related("harder_variant", "easier_variant").prefetch_related(
        "movement_tags", "indications"
    )


def exercise_illustration_svg(*, exercise: Exercise, phase: str) -> str:
    """The exercise's start or end position as an SVG picture.

    An exercise without a pose of its own (one a clinic added) shows its starting position
    in both phases, so that every exercise has a picture.
    """
    if phase not in PHASES:
        raise ValueError(f"Unknown phase {phase!r}; use start or end.")
    if exercise.pose:
        pose = parse_exercise_pose(exercise.pose).phase(phase)
    else:
        pose = pose_for_starting_position(exercise.starting_position, exercise.equipment)
    if phase == "start":
        title = gettext("%(name)s: start position") % {"name": exercise.name}
    else:
        title = gettext("%(name)s: end position") % {"name": exercise.name}
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
