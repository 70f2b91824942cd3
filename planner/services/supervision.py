"""Supervised sessions at the clinic and mastery: what moves an exercise into the home program."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from planner.engine.types import Dose
from planner.models import (
    ExerciseState,
    Program,
    ProgramExercise,
    ProgramStatus,
    SupervisedExerciseRecord,
    SupervisedSession,
    SupervisedStatus,
)
from planner.safety import row_findings
from planner.selectors import (
    patient_local_today,
    program_current_version,
    program_exercises,
)
from planner.selectors.rules import rules_on
from planner.services.shared import home_unlock_policy
from planner.services.versions import ExerciseChange, dose_problems, program_revise
from rehab.models import CareAction
from rehab.services import care_record_add, history_stamp


def _unlock_home(program: Program, items: Sequence[ProgramExercise], on: date, by: Any) -> None:
    """Start home training when the clinic's policy allows (CLINICAL.md, HOME_UNLOCK)."""
    if program.home_started_on is not None:
        return
    active = [i for i in items if i.state not in (ExerciseState.RETIRED, ExerciseState.PAUSED)]
    mastered = [i for i in active if i.state == ExerciseState.MASTERED]
    policy = home_unlock_policy()
    if (policy == "all" and active and len(mastered) == len(active)) or (
        policy == "each" and mastered
    ):
        program.home_started_on = max(on, program.start_date)
        history_stamp(program, by=by, reason="home training started")
        program.save(update_fields=["home_started_on", "updated_at"])


@transaction.atomic
def mastery_sign_off(
    *, program_exercise: ProgramExercise, by: Any, on: date | None = None
) -> ProgramExercise:
    """The specialist confirms the patient does the exercise correctly and alone."""
    item = ProgramExercise.objects.select_related("version__program").get(pk=program_exercise.pk)
    program = (
        Program.objects.select_for_update()
        .select_related("patient")
        .get(pk=item.version.program_id)
    )
    day = on or patient_local_today(patient=program.patient)
    current = program_current_version(program=program)
    if item.version_id != current.pk:
        raise ValidationError(
            {"program_exercise": "Sign off on the current version of the program."}
        )
    if program.status != ProgramStatus.ACTIVE:
        raise ValidationError({"status": "Mastery is signed off on an active program."})
    if item.state != ExerciseState.SUPERVISED:
        raise ValidationError({"program_exercise": f"{item} is not waiting for mastery."})
    # Mastered, it goes home: only if the rules in force on that day allow it there.
    problems = row_findings(rules_on(patient=program.patient, day=day), [item])
    if problems:
        raise ValidationError(
            {
                "program_exercise": [
                    f"{item.exercise.name} cannot go home on {day}; re-check the program.",
                    *(f"[{f.rule}] {f.text}" for f in problems),
                ]
            }
        )
    item.state = ExerciseState.MASTERED
    item.mastered_on = day
    item.mastered_by = by
    item.save(update_fields=["state", "mastered_on", "mastered_by"])
    _unlock_home(program, program_exercises(version=current), day, by)
    care_record_add(
        patient=program.patient,
        action=CareAction.EXERCISE_MASTERED,
        by=by,
        detail={
            "program": program.pk,
            "version": current.number,
            "exercise": item.exercise.name,
            "slug": item.exercise.slug,
            "day": day.isoformat(),
            "home_started_on": (
                program.home_started_on.isoformat() if program.home_started_on else None
            ),
        },
    )
    return item


@dataclass(frozen=True)
class SupervisedEntry:
    program_exercise_id: int
    technique: int
    dose: Dose | None = None
    swap_to_easier: bool = False
    mastered: bool = False
    note: str = ""


@transaction.atomic
def supervised_session_record(
    *,
    session: SupervisedSession,
    by: Any,
    entries: Sequence[SupervisedEntry],
    note: str = "",
    today: date | None = None,
) -> SupervisedSession:
    """Record a clinic session: technique, dose adjustments, easier swaps, mastery sign-offs."""
    session = (
        SupervisedSession.objects.select_for_update()
        .select_related("program__patient")
        .get(pk=session.pk)
    )
    program = session.program
    if program.status != ProgramStatus.ACTIVE:
        raise ValidationError({"session": "Sessions are recorded for an active program."})
    if session.status != SupervisedStatus.PLANNED:
        raise ValidationError({"session": f"This session is already {session.status}."})
    if not entries:
        raise ValidationError({"entries": "Record at least one exercise."})
    current = program_current_version(program=program)
    items = {i.pk: i for i in program_exercises(version=current)}
    errors: dict[str, str] = {}
    seen: set[int] = set()
    for index, entry in enumerate(entries):
        field = f"entries[{index}]"
        item = items.get(entry.program_exercise_id)
        if item is None:
            errors[field] = "Not an exercise of the current version of this program."
        elif entry.program_exercise_id in seen:
            errors[field] = "The same exercise twice."
        elif not 1 <= entry.technique <= 5:
            errors[field] = "Technique is rated from 1 to 5."
        elif entry.swap_to_easier and entry.mastered:
            errors[field] = "An exercise swapped for an easier one is not mastered yet."
        elif entry.swap_to_easier and item.exercise.easier_variant_or_none() is None:
            errors[field] = f"{item.exercise.name} has no easier variant."
        elif entry.mastered and item.state != ExerciseState.SUPERVISED:
            errors[field] = f"{item.exercise.name} is not waiting for mastery."
        elif entry.dose is not None:
            errors.update(dose_problems(item.exercise, entry.dose, field))
        seen.add(entry.program_exercise_id)
    if errors:
        raise ValidationError(errors)

    SupervisedExerciseRecord.objects.bulk_create(
        SupervisedExerciseRecord(
            session=session,
            program_exercise=items[entry.program_exercise_id],
            technique=entry.technique,
            sets=entry.dose.sets if entry.dose else None,
            reps=entry.dose.reps if entry.dose else None,
            hold_s=entry.dose.hold_s if entry.dose else None,
            duration_s=entry.dose.duration_s if entry.dose else None,
            swapped_to_easier=entry.swap_to_easier,
            mastered=entry.mastered,
            note=entry.note[:300],
        )
        for entry in entries
    )
    session.status = SupervisedStatus.DONE
    session.recorded_by = by
    session.recorded_at = timezone.now()
    session.note = note
    session.save(update_fields=["status", "recorded_by", "recorded_at", "note"])

    day = today or timezone.localdate(timezone=ZoneInfo(program.patient.time_zone))
    for entry in entries:
        if entry.mastered:
            mastery_sign_off(program_exercise=items[entry.program_exercise_id], by=by, on=day)
    changes = [
        ExerciseChange(
            entry.program_exercise_id,
            dose=entry.dose,
            replace_with=items[entry.program_exercise_id].exercise.easier_variant_or_none()
            if entry.swap_to_easier
            else None,
        )
        for entry in entries
        if entry.swap_to_easier or entry.dose is not None
    ]
    if changes:
        program_revise(
            program=program,
            by=by,
            note=f"Adjusted in supervised session {session.number}.",
            changes=changes,
            on=day,
        )
    return session
