"""Reads of the exercise library."""

from django.db.models import QuerySet

from exercises.models import Exercise


def exercise_list() -> QuerySet[Exercise]:
    """Exercises with their tags, indications and both variant neighbours, in four queries."""
    return Exercise.objects.select_related("harder_variant", "easier_variant").prefetch_related(
        "movement_tags", "indications"
    )
