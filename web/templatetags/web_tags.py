"""Template helpers of the patient app: doses and times in the reader's language."""

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()


def _length(seconds: int) -> str:
    minutes, rest = divmod(seconds, 60)
    if minutes and rest:
        return _("%(min)s min %(s)s s") % {"min": minutes, "s": rest}
    if minutes:
        return _("%(min)s min") % {"min": minutes}
    return _("%(s)s s") % {"s": rest}


@register.filter
def dose(item: object) -> str:
    """A program exercise's dose in words: "2 sets of 10 repetitions, hold each for 5 s"."""
    sets, reps = getattr(item, "sets", 0), getattr(item, "reps", 0)
    hold_s, duration_s = getattr(item, "hold_s", 0), getattr(item, "duration_s", 0)
    set_words = ngettext("%(n)s set", "%(n)s sets", sets) % {"n": sets}
    if duration_s:
        return _("%(sets)s of %(length)s") % {"sets": set_words, "length": _length(duration_s)}
    text = _("%(sets)s of %(reps)s") % {
        "sets": set_words,
        "reps": ngettext("%(n)s repetition", "%(n)s repetitions", reps) % {"n": reps},
    }
    if hold_s:
        text += _(", hold each for %(length)s") % {"length": _length(hold_s)}
    return text


@register.filter
def hold_seconds(item: object) -> int:
    """Seconds the timer counts for one hold or one timed set (0: no timer)."""
    return int(getattr(item, "duration_s", 0) or getattr(item, "hold_s", 0) or 0)
