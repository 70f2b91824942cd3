"""A dose in the reader's words ("2 sets of 10 repetitions each side, hold each for 5 s"),
shared by the patient app, the API, the calendar feed and the printed handout (all import the
planner, not each other).

The words say the dose as a person can do it (CLINICAL.md, "Dose"): holds in 5 s steps,
whole minutes (half minutes under 5), and "each side" for a one-sided exercise. A program
exercise brings its shown dose (`shown_dose`) and its side (`per_side`); the prescription
itself stays exact.
"""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from planner.engine.dose import displayed_dose
from planner.engine.types import Dose


def length_words(seconds: int) -> str:
    """A length of time as a patient reads it: "1 min 30 s", "2 min", "45 s"."""
    minutes, rest = divmod(seconds, 60)
    if minutes and rest:
        return _("%(min)s min %(s)s s") % {"min": minutes, "s": rest}
    if minutes:
        return _("%(min)s min") % {"min": minutes}
    return _("%(s)s s") % {"s": rest}


def shown_dose_of(item: object) -> Dose:
    """The dose an item shows: a program exercise's `shown_dose`, else its numbers in steps."""
    shown = getattr(item, "shown_dose", None)
    if isinstance(shown, Dose):
        return shown
    return displayed_dose(
        Dose(
            getattr(item, "sets", 0),
            getattr(item, "reps", 0),
            getattr(item, "hold_s", 0),
            getattr(item, "duration_s", 0),
        )
    )


def dose_words(item: object) -> str:
    """A program exercise's dose in words: "2 sets of 10 repetitions, hold each for 5 s";
    "1 set of 3 repetitions each side, hold each for 30 s" for a one-sided exercise."""
    dose = shown_dose_of(item)
    per_side = bool(getattr(item, "per_side", False))
    set_words = ngettext("%(n)s set", "%(n)s sets", dose.sets) % {"n": dose.sets}
    if dose.duration_s:
        length = {"sets": set_words, "length": length_words(dose.duration_s)}
        if per_side:
            return _("%(sets)s of %(length)s each side") % length
        return _("%(sets)s of %(length)s") % length
    amount = {
        "sets": set_words,
        "reps": ngettext("%(n)s repetition", "%(n)s repetitions", dose.reps) % {"n": dose.reps},
    }
    text = (_("%(sets)s of %(reps)s each side") if per_side else _("%(sets)s of %(reps)s")) % amount
    if dose.hold_s:
        text += _(", hold each for %(length)s") % {"length": length_words(dose.hold_s)}
    return text
