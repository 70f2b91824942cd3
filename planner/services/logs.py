"""The patient's own reports: the day's log of home exercises and red-flag symptoms."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from planner.engine.types import Name, Reason
from planner.models import (
    EventKind,
    ExerciseLog,
    Feeling,
    HomeSession,
    Program,
    ProgramStatus,
    SessionLog,
)
from planner.selectors import (
    home_session_exercises,
)
from planner.services.events import patient_event_record
from planner.services.lifecycle import program_pause
from planner.services.shared import (
    ALERT_PAIN_FROM,
    PROGRESSION_PAUSE_FIELDS,
    noon,
    progression_pause_keep,
)
from rehab.models import CareAction, Patient, PatientRedFlag, RedFlag
from rehab.services import care_record_add, history_stamp, red_flag_raise


@dataclass(frozen=True)
class LogEntry:
    exercise_slug: str
    done: bool
    sets_done: int = 0
    reps_done: int = 0
    pain_during: int | None = None
    pain_after: int | None = None
    difficulty: str = ""
    note: str = ""


def _check_log_entry(entry: LogEntry, field: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    for name in ("pain_during", "pain_after"):
        value = getattr(entry, name)
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10
        ):
            errors[f"{field}.{name}"] = _("Pain is a whole number from 0 to 10, got %(value)r.") % {
                "value": value
            }
    for name in ("sets_done", "reps_done"):
        value = getattr(entry, name)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 500:
            errors[f"{field}.{name}"] = _(
                "Must be a whole number from 0 to 500, got %(value)r."
            ) % {"value": value}
    if entry.difficulty not in ("", *Feeling.values):
        errors[f"{field}.difficulty"] = _(
            "Unknown difficulty %(value)r; valid values: %(valid)s."
        ) % {"value": entry.difficulty, "valid": ", ".join(Feeling.values)}
    if len(entry.note) > 500:
        errors[f"{field}.note"] = _("A note is at most 500 characters.")
    return errors


@transaction.atomic
def session_log_record(
    *,
    patient: Patient,
    day: date,
    client_key: str,
    entries: Sequence[LogEntry],
    today: date | None = None,
) -> tuple[SessionLog, bool]:
    """Store what the patient did on a day. Resending the same key returns the stored log.

    Returns the log and whether it was created now.
    """
    if not client_key or len(client_key) > 64:
        raise ValidationError({"client_key": _("A key of 1 to 64 characters is required.")})
    existing = (
        SessionLog.objects.filter(client_key=client_key)
        .select_related("home_session__program")
        .first()
    )
    if existing is not None:
        if existing.home_session.program.patient_id != patient.pk:
            raise ValidationError({"client_key": _("This key belongs to another log.")})
        return existing, False
    program = Program.objects.filter(patient=patient, status=ProgramStatus.ACTIVE).first()
    if program is None:
        raise ValidationError({"day": _("There is no active program to log against.")})
    if not program.covers(day):
        raise ValidationError(
            {
                "day": _("%(day)s is outside the program (%(start)s to %(end)s).")
                % {"day": day, "start": program.start_date, "end": program.end_date}
            }
        )
    if day > (today or timezone.localdate(timezone=ZoneInfo(patient.time_zone))):
        raise ValidationError({"day": _("A day in the future cannot be logged.")})
    if not entries:
        raise ValidationError({"entries": _("Log at least one exercise.")})
    session = HomeSession.objects.get(program=program, day=day)
    allowed = {
        item.exercise.slug: item for item in home_session_exercises(program=program, day=day)
    }
    errors: dict[str, str] = {}
    slugs: set[str] = set()
    for index, entry in enumerate(entries):
        field = f"entries[{index}]"
        if entry.exercise_slug not in allowed:
            valid = ", ".join(sorted(allowed)) or _("none (home training has not started)")
            errors[f"{field}.exercise"] = _(
                "%(exercise)r is not in this day's home session; valid: %(valid)s."
            ) % {"exercise": entry.exercise_slug, "valid": valid}
        elif entry.exercise_slug in slugs:
            errors[f"{field}.exercise"] = _("The same exercise twice in one log.")
        slugs.add(entry.exercise_slug)
        errors.update(_check_log_entry(entry, field))
    if errors:
        raise ValidationError(errors)
    already = set(
        ExerciseLog.objects.filter(home_session=session, exercise__slug__in=slugs).values_list(
            "exercise__slug", flat=True
        )
    )
    if already:
        raise ValidationError(
            {
                "entries": _("Already logged for %(day)s: %(exercises)s.")
                % {"day": day, "exercises": ", ".join(sorted(already))}
            }
        )
    try:
        with transaction.atomic():
            log = SessionLog.objects.create(home_session=session, client_key=client_key)
    except IntegrityError:
        # The same key arrived twice at once; the other request stored it.
        return SessionLog.objects.get(client_key=client_key), False
    try:
        with transaction.atomic():
            ExerciseLog.objects.bulk_create(
                ExerciseLog(
                    session_log=log,
                    home_session=session,
                    program_exercise=allowed[entry.exercise_slug],
                    exercise=allowed[entry.exercise_slug].exercise,
                    done=entry.done,
                    sets_done=entry.sets_done,
                    reps_done=entry.reps_done,
                    pain_during=entry.pain_during,
                    pain_after=entry.pain_after,
                    difficulty=entry.difficulty,
                    note=entry.note,
                )
                for entry in entries
            )
    except IntegrityError:
        # Another key logged the same exercise for the same day a moment ago.
        raise ValidationError(
            {"entries": _("Already logged for %(day)s.") % {"day": day}}
        ) from None
    pains = [p for e in entries for p in (e.pain_during, e.pain_after) if p is not None]
    if pains and max(pains) >= ALERT_PAIN_FROM:
        # CLINICAL.md: pain of 6 or more pauses progression until the clinician has looked.
        locked = Program.objects.select_for_update().get(pk=program.pk)
        if not locked.progression_paused_reason:
            because = Reason.of(
                "V-PAUSE",
                "Pain of %(pain)s out of 10 logged on %(day)s.",
                pain=max(pains),
                day=Name.of_day(day),
            )
            progression_pause_keep(locked, [because])
            history_stamp(locked, by=None, reason="progression paused: pain of 6 or more")
            locked.save(update_fields=PROGRESSION_PAUSE_FIELDS)
            care_record_add(
                patient=patient,
                action=CareAction.PROGRESSION_PAUSED,
                by=None,
                auto=True,
                detail={"program": program.pk, "reason": locked.progression_paused_reason},
            )
        patient_event_record(
            patient=patient,
            kind=EventKind.PAIN_HIGH,
            context={"pain": max(pains), "day": day.isoformat()},
            now=noon(patient, today),
        )
    return log, True


@transaction.atomic
def symptom_red_flag_report(*, patient: Patient, codes: Sequence[str], note: str = "") -> list[str]:
    """A patient reports red-flag symptoms: record them, pause the program, alert the doctor.

    Returns the codes newly raised (one already active is not raised twice).
    """
    known = {flag.code: flag for flag in RedFlag.objects.filter(code__in=codes)}
    unknown = sorted(set(codes) - set(known))
    if not codes or unknown:
        valid = ", ".join(sorted(RedFlag.objects.values_list("code", flat=True)))
        raise ValidationError(
            {"codes": f"Unknown red flag {', '.join(unknown) or '(none given)'}; valid: {valid}."}
        )
    active = set(
        PatientRedFlag.objects.filter(
            patient=patient, status=PatientRedFlag.Status.ACTIVE
        ).values_list("red_flag__code", flat=True)
    )
    raised = [code for code in sorted(known) if code not in active]
    for code in raised:
        red_flag_raise(
            patient=patient,
            code=code,
            notes=f"Reported by the patient. {note}".strip(),
            by=patient.user,  # the patient acted; no clinician noted it
        )
    names = ", ".join(known[code].name for code in sorted(known))
    # The patient reads the reason on Today: it is written in their language.
    with translation.override(patient.language):
        reason = _(
            "Paused because you reported: %(symptoms)s. Your clinic will contact you; "
            "do not restart the exercises until they have."
        ) % {"symptoms": ", ".join(_(known[code].name) for code in sorted(known))}
    for program in Program.objects.filter(patient=patient, status=ProgramStatus.ACTIVE):
        program_pause(program=program, by=patient.user, reason=reason)
    patient_event_record(
        patient=patient, kind=EventKind.RED_FLAG_REPORTED, context={"reason": names}
    )
    return raised
