"""What several of the planner's services share: settings, reasons as rows, locking a program."""

import logging
from collections.abc import Sequence
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError

from planner.engine.serialize import dose_text, reason_row
from planner.engine.types import Dose, Reason
from planner.models import (
    Program,
)
from rehab.models import Patient

logger = logging.getLogger(__name__)


HOME_UNLOCK_POLICIES = ("all", "each")


# A logged pain of this or more alerts the clinician at once (CLINICAL.md, progression).
ALERT_PAIN_FROM = 6


# Supervised sessions fall on these weekdays (Monday is 0), at this local time.
SUPERVISED_WEEKDAYS = {2: (1, 3), 3: (0, 2, 4)}


SUPERVISED_TIME = time(10, 0)


def home_unlock_policy() -> str:
    policy = getattr(settings, "HOME_UNLOCK", "all")
    if policy not in HOME_UNLOCK_POLICIES:
        raise ValueError(f"HOME_UNLOCK must be one of {', '.join(HOME_UNLOCK_POLICIES)}.")
    return str(policy)


def reason_rows(plan_reasons: Sequence[Reason]) -> list[dict[str, Any]]:
    """Explanations as stored: their English text with their message and parameters, so
    each reader gets them in their own language (`planner.explanations`)."""
    return [reason_row(r) for r in plan_reasons]


# What a pause (or a resume) of progression writes on the program.
PROGRESSION_PAUSE_FIELDS = ["progression_paused_reason", "progression_paused_because"]


def progression_pause_keep(program: Program, reasons: Sequence[Reason]) -> None:
    """Keeps why `program`'s progression is paused: the reasons as data (each reader's
    language, the next weekly review) and their English for the record; none resumes it.
    The caller saves PROGRESSION_PAUSE_FIELDS."""
    program.progression_paused_because = reason_rows(reasons)
    program.progression_paused_reason = " ".join(r.text for r in reasons)


def dose_of(dose: Dose) -> str:
    return dose_text(dose.sets, dose.reps, dose.hold_s, dose.duration_s)


def program_in(program: Program, allowed: Sequence[str], verb: str) -> Program:
    """The program locked for update, if its status allows the change."""
    program = Program.objects.select_for_update().select_related("patient").get(pk=program.pk)
    if program.status not in allowed:
        names = " or ".join(allowed)
        article = "an" if names[0] in "aeiou" else "a"
        raise ValidationError(
            {
                "status": f"Only {article} {names} program can be {verb}; "
                f"this one is {program.status}."
            }
        )
    return program


def noon(patient: Patient, day: date | None) -> datetime | None:
    """Midday of `day` in the patient's zone (None for now): alerts of a given day are dated
    on it, also when a simulation or a late log names the day."""
    if day is None:
        return None
    return datetime.combine(day, time(12, 0), tzinfo=ZoneInfo(patient.time_zone))
