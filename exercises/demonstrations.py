"""Reads of an exercise's animated demonstration: its start and end poses set in motion."""

from django.utils.translation import gettext

from exercises.illustration import DEMO_SECONDS, render_demo_svg
from exercises.models import Exercise
from exercises.selectors import exercise_poses, exercise_text

# A calm repetition: the exercise's own seconds per repetition, kept within these.
SLOWEST_SECONDS, FASTEST_SECONDS = 8, 4


def exercise_demo_svg(*, exercise: Exercise, still: bool = False) -> str:
    """The exercise moving from its start to its end position and back, as an animated SVG.

    Drawn by the same renderer from the same pose as the start and end pictures; with
    prefers-reduced-motion it shows the two positions side by side, labelled, and with
    ``still`` it only ever shows those. Its title names the exercise in the reader's language
    (`exercise_text`), as the start and end pictures do.
    """
    seconds = exercise.seconds_per_rep or DEMO_SECONDS
    return render_demo_svg(
        exercise_poses(exercise),
        title=gettext("%(name)s: how to move") % {"name": exercise_text(exercise=exercise).name},
        description=gettext(
            "The movement from the start position to the end position and back, slowly; "
            "the arrow shows the direction."
        ),
        start_label=gettext("Start"),
        end_label=gettext("End"),
        seconds=min(max(seconds, FASTEST_SECONDS), SLOWEST_SECONDS),
        still=still,
    )
