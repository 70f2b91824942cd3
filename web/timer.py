"""The guided session's data: what the timer on an exercise's card walks through, and its
words in the reader's language.

The timer (web/static/web/timer.js) plays the dose the card shows (`shown_dose`, the dose
in words above it): each set, on one side and then the other for a one-sided exercise,
each repetition (its hold counted down, or paced by the exercise's seconds per repetition),
a timed set's length counted down, the rests between sets as long as the time estimate
counts them (`REST_BETWEEN_SETS_S`). Getting ready and changing sides take a few seconds of
the estimate's setting-up time (`SETUP_PER_EXERCISE_S`).

Everything said with a number that needs a plural (minutes, seconds) is made here, for
this dose, with ngettext; the script only puts step numbers into fixed phrases
("Set 2 of 3").
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from planner.dose_words import length_words, shown_dose_of
from planner.engine.dose import REST_BETWEEN_SETS_S, exercise_seconds

# Seconds to get into position before the first set, and to change sides: both within the
# setting-up time the estimate allows an exercise.
READY_S = 5
SWITCH_S = 5
# Pace of a repetition when the library gives none (the model requires one for reps).
DEFAULT_REP_S = 3


@dataclass(frozen=True)
class TimerPlan:
    """One exercise's guided session: the numbers the timer plays, and its counted words."""

    sets: int
    reps: int  # 0: a timed exercise
    hold_s: int
    duration_s: int  # per set (and side): a timed exercise
    rep_s: int  # one repetition's movement, without its hold
    rest_s: int  # between sets
    ready_s: int
    switch_s: int  # changing sides (0: both sides at once)
    per_side: bool
    # The whole session as the time estimate counts it, in words ("About 4 minutes").
    about: str
    # "Rest 30 s", "Hold 5 s": the step names with this dose's seconds.
    rest_words: str
    hold_words: str

    def data(self) -> dict[str, str]:
        """The timer's data attributes (`data-<key>`), as the template writes them."""
        return {
            "sets": str(self.sets),
            "reps": str(self.reps),
            "hold": str(self.hold_s),
            "duration": str(self.duration_s),
            "rep-seconds": str(self.rep_s),
            "rest": str(self.rest_s),
            "ready": str(self.ready_s),
            "switch": str(self.switch_s),
            "per-side": "1" if self.per_side else "",
            "rest-words": self.rest_words,
            "hold-words": self.hold_words,
        }


def timer_plan(item: object) -> TimerPlan | None:
    """The guided session for a program exercise at its shown dose (None: nothing to time)."""
    dose = shown_dose_of(item)
    if dose.sets < 1 or not (dose.reps or dose.duration_s):
        return None
    exercise = getattr(item, "exercise", None)
    per_side = bool(getattr(item, "per_side", False))
    rep_s = int(getattr(exercise, "seconds_per_rep", 0) or 0) or DEFAULT_REP_S
    seconds = exercise_seconds(dose, rep_s, per_side=per_side)
    minutes = max(1, round(seconds / 60))
    return TimerPlan(
        sets=dose.sets,
        reps=0 if dose.duration_s else dose.reps,
        hold_s=0 if dose.duration_s else dose.hold_s,
        duration_s=dose.duration_s,
        rep_s=rep_s,
        rest_s=REST_BETWEEN_SETS_S,
        ready_s=READY_S,
        switch_s=SWITCH_S if per_side else 0,
        per_side=per_side,
        about=ngettext(
            "About %(n)s minute with the rests.", "About %(n)s minutes with the rests.", minutes
        )
        % {"n": minutes},
        rest_words=_("Rest %(length)s") % {"length": length_words(REST_BETWEEN_SETS_S)},
        hold_words=_("Hold %(length)s") % {"length": length_words(dose.hold_s)}
        if dose.hold_s and not dose.duration_s
        else "",
    )


def timer_words() -> dict[str, str]:
    """The timer's fixed words in the reader's language, for the page's one JSON script tag.
    `{n}` and `{total}` are step numbers the script puts in."""
    return {
        "start": _("Start the timer"),
        "pause": _("Pause"),
        "resume": _("Resume"),
        "stop": _("Stop"),
        "sound": _("Sound and vibration"),
        "ready": _("Get ready"),
        "set": _("Set {n} of {total}"),
        "side_one": _("One side"),
        "side_other": _("Other side"),
        "other_side": _("Now the other side"),
        "hold": _("Hold"),
        "relax": _("And relax"),
        "rep": _("Repetition {n} of {total}"),
        "last": _("Last one"),
        "work": _("Keep going"),
        "rest": _("Rest"),
        "next": _("Next: {step}"),
        "done": _("Well done: all sets done"),
        "paused": _("Paused"),
        "stopped": _("Stopped"),
        "seconds": _("s"),
        "minutes": _("min"),
    }
