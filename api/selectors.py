"""Reads the API needs that no app offers yet."""

from django.db.models import QuerySet

from exercises.models import Exercise
from exercises.selectors import exercise_list


def exercise_search(
    *, category: str = "", difficulty: int | None = None, tag: str = ""
) -> QuerySet[Exercise]:
    """Active exercises of the library, narrowed by category, difficulty and movement tag.

    Belongs in exercises/selectors.py; it lives here until its owner takes it.
    """
    exercises = exercise_list().filter(is_active=True)
    if category:
        exercises = exercises.filter(category=category)
    if difficulty is not None:
        exercises = exercises.filter(difficulty=difficulty)
    if tag:
        exercises = exercises.filter(movement_tags__code=tag)
    return exercises.order_by("category", "difficulty", "name", "id")
