"""Refusals in the words a doctor reads: a red flag by its name, a length in minutes.

The engine speaks in codes and seconds (`saddle_anesthesia`, `960`), which its rules and
tests need; what a person reads is said here, translated, from the catalogue's names."""

from collections.abc import Iterable

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from rehab.models import RedFlag


def red_flag_names(codes: Iterable[str]) -> list[str]:
    """The red flags' names from the catalogue, in the reader's language, in code order (a
    code the catalogue does not know is shown as words)."""
    wanted = sorted(set(codes))
    if not wanted:
        return []
    names = dict(RedFlag.objects.filter(code__in=wanted).values_list("code", "name"))
    return [_(names[code]) if code in names else code.replace("_", " ") for code in wanted]


def red_flag_refusal(codes: Iterable[str]) -> str:
    """Why there is no home program while these red flags are active."""
    names = red_flag_names(codes)
    return ngettext(
        "No home program while a red flag is active: %(flags)s. A doctor must assess it first.",
        "No home program while red flags are active: %(flags)s. A doctor must assess them first.",
        len(names),
    ) % {"flags": ", ".join(names)}


def length_text(seconds: int) -> str:
    """A length as a person reads it: "45 s", "16 min", "2 min 30 s"."""
    minutes, rest = divmod(seconds, 60)
    if minutes and rest:
        return _("%(minutes)s min %(seconds)s s") % {"minutes": minutes, "seconds": rest}
    if minutes:
        return _("%(minutes)s min") % {"minutes": minutes}
    return _("%(seconds)s s") % {"seconds": rest}


# A dose's parts, as the bounds message names them.
DOSE_PART_NAMES = {
    "sets": gettext_noop("sets"),
    "reps": gettext_noop("repetitions"),
    "hold_s": gettext_noop("hold"),
    "duration_s": gettext_noop("duration"),
}


def dose_bounds_text(exercise_name: str, part: str, low: int, high: int, value: int) -> str:
    """'Walking: the duration must be between 5 min and 15 min, got 16 min.'"""

    def shown(amount: int) -> str:
        return length_text(amount) if part in ("hold_s", "duration_s") else str(amount)

    return _("%(exercise)s: the %(part)s must be between %(low)s and %(high)s, got %(value)s.") % {
        "exercise": exercise_name,
        "part": _(DOSE_PART_NAMES[part]),
        "low": shown(low),
        "high": shown(high),
        "value": shown(value),
    }
