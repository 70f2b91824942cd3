"""A dose in the reader's words ("2 sets of 10 repetitions, hold each for 5 s"), shared by
the patient app and the printed handout (both import the planner, not each other)."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def length_words(seconds: int) -> str:
    """A length of time as a patient reads it: "1 min 30 s", "2 min", "45 s"."""
    minutes, rest = divmod(seconds, 60)
    if minutes and rest:
        return _("%(min)s min %(s)s s") % {"min": minutes, "s": rest}
    if minutes:
        return _("%(min)s min") % {"min": minutes}
    return _("%(s)s s") % {"s": rest}


def dose_words(item: object) -> str:
    """A program exercise's dose in words: "2 sets of 10 repetitions, hold each for 5 s"."""
    sets, reps = getattr(item, "sets", 0), getattr(item, "reps", 0)
    hold_s, duration_s = getattr(item, "hold_s", 0), getattr(item, "duration_s", 0)
    set_words = ngettext("%(n)s set", "%(n)s sets", sets) % {"n": sets}
    if duration_s:
        return _("%(sets)s of %(length)s") % {"sets": set_words, "length": length_words(duration_s)}
    text = _("%(sets)s of %(reps)s") % {
        "sets": set_words,
        "reps": ngettext("%(n)s repetition", "%(n)s repetitions", reps) % {"n": reps},
    }
    if hold_s:
        text += _(", hold each for %(length)s") % {"length": length_words(hold_s)}
    return text
