"""New versions of a program: the clinician's changes, checked against the rules in force."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from exercises.models import Exercise
from planner.engine.dose import ExactDose
from planner.engine.generate.plan import StartingForm
from planner.engine.serialize import dose_text, reason_row
from planner.engine.types import Dose, Reason
from planner.models import (
    ExerciseState,
    Program,
    ProgramExercise,
    ProgramStatus,
    ProgramVersion,
)
from planner.safety import enforce
from planner.selectors import (
    patient_local_today,
    program_current_version,
    program_exercises,
)
from planner.selectors.rules import Rules, rules_on
from planner.services.wording import dose_bounds_text
from rehab.models import CareAction
from rehab.services import care_record_add


@dataclass(frozen=True)
class ExerciseChange:
    """One change to one exercise of the current version.

    `dose` sets a new dose; `replace_with` swaps in another exercise (it starts
    supervised); `state` moves it to paused or retired.
    """

    program_exercise_id: int
    dose: Dose | None = None
    replace_with: Exercise | None = None
    state: str | None = None
    exact: ExactDose | None = None  # a review's exact dose behind `dose` (one decimal)


def dose_problems(exercise: Exercise, dose: Dose, field: str) -> dict[str, str]:
    """What is wrong with a dose for this exercise, by field; empty when it is fine."""
    errors: dict[str, str] = {}
    if dose.sets < 1:
        errors[field] = "At least one set."
    elif exercise.is_timed and (dose.reps or dose.duration_s < 1):
        errors[field] = f"{exercise.name} is timed: give a duration and no repetitions."
    elif not exercise.is_timed and (dose.duration_s or dose.reps < 1):
        errors[field] = f"{exercise.name} is counted in repetitions: give reps and no duration."
    else:
        bounds = (
            ("sets", exercise.min_sets, exercise.max_sets),
            ("reps", exercise.min_reps, exercise.max_reps),
            ("hold_s", exercise.min_hold_s, exercise.max_hold_s),
            ("duration_s", exercise.min_duration_s, exercise.max_duration_s),
        )
        for name, low, high in bounds:
            value = getattr(dose, name)
            if not low <= value <= high:
                errors[field] = dose_bounds_text(exercise.name, name, low, high, value)
                break
    return errors


@transaction.atomic
def program_revise(
    *,
    program: Program,
    by: Any,
    note: str,
    changes: Sequence[ExerciseChange],
    on: date | None = None,
    auto: bool = False,
    because: Reason | None = None,
) -> ProgramVersion:
    """A new version: the current one with `changes` applied, and a readable diff.

    The new version is checked against the rules in force on `on` (the day it takes effect,
    by default the patient's today): a change the rules block is held back, and the diff
    says what and why. `auto`: the planner makes it on its own (a weekly review applied
    automatically); `by` then only signs the version. `because`: why, as an explanation
    the patient reads in their own language on an exercise swapped in (the planner's own
    changes); without it the `note` is shown as it was written (a clinician's words).
    """
    if not changes:
        raise ValidationError({"changes": "Nothing to change."})
    return new_version(
        program=program, by=by, note=note, changes=changes, on=on, auto=auto, because=because
    )


def new_version(
    *,
    program: Program,
    by: Any,
    note: str,
    changes: Sequence[ExerciseChange],
    on: date | None,
    auto: bool = False,
    because: Reason | None = None,
) -> ProgramVersion:
    program = Program.objects.select_for_update().select_related("patient").get(pk=program.pk)
    if program.status == ProgramStatus.COMPLETED:
        raise ValidationError({"status": "A completed program cannot change."})
    if not note.strip():
        raise ValidationError({"note": "Say why the program changes."})
    day = on or patient_local_today(patient=program.patient)
    rules = rules_on(patient=program.patient, day=day)
    current = program_current_version(program=program)
    items = {item.pk: item for item in program_exercises(version=current)}
    errors: dict[str, str] = {}
    by_id: dict[int, ExerciseChange] = {}
    for index, change in enumerate(changes):
        field = f"changes[{index}]"
        item = items.get(change.program_exercise_id)
        if item is None:
            errors[field] = "Not an exercise of the current version of this program."
            continue
        if change.program_exercise_id in by_id:
            errors[field] = "Two changes for one exercise in one version."
            continue
        by_id[change.program_exercise_id] = change
        target = change.replace_with or item.exercise
        if change.replace_with is not None:
            present = {i.exercise_id for i in items.values() if i.pk != item.pk}
            if change.replace_with.pk in present:
                errors[field] = f"{change.replace_with.name} is already in the program."
            elif not change.replace_with.is_active:
                errors[field] = f"{change.replace_with.name} is not an active exercise."
        if change.dose is not None:
            errors.update(dose_problems(target, change.dose, field))
        if change.state is not None and change.state not in (
            ExerciseState.PAUSED,
            ExerciseState.RETIRED,
            ExerciseState.SUPERVISED,
        ):
            errors[field] = "A change may pause, retire or return an exercise to supervision."
    if errors:
        raise ValidationError(errors)

    version = ProgramVersion.objects.create(
        program=program,
        number=current.number + 1,
        note=note.strip()[:300],
        plan_status=current.plan_status,
        plan_reasons=current.plan_reasons,
        activity=current.activity,
        advice=current.advice,
        created_by=by,
    )
    rows: list[ProgramExercise] = []
    diff: list[str] = []
    for item in items.values():
        wanted = by_id.get(item.pk)
        row = ProgramExercise(
            version=version,
            exercise=item.exercise,
            position=item.position,
            sets=item.sets,
            reps=item.reps,
            hold_s=item.hold_s,
            duration_s=item.duration_s,
            state=item.state,
            supervised_only=item.supervised_only,
            explanation=item.explanation,
            exact_dose=item.exact_dose,
            mastered_on=item.mastered_on,
            mastered_by=item.mastered_by,
        )
        if wanted is not None:
            change_row = reason_row(because) if because else {"rule": "CHANGE", "text": note}
            diff.extend(_apply(row, item, wanted, change_row, rules))
        rows.append(row)
    diff.extend(enforce(rules, rows, before={item.position: item for item in items.values()}))
    ProgramExercise.objects.bulk_create(rows)
    version.diff = "\n".join(diff)
    version.save(update_fields=["diff"])
    care_record_add(
        patient=program.patient,
        action=CareAction.PROGRAM_CHANGED,
        by=None if auto else by,
        auto=auto,
        detail={
            "program": program.pk,
            "version": version.number,
            "note": version.note,
            "diff": diff,
        },
    )
    return version


def _apply(
    row: ProgramExercise,
    old: ProgramExercise,
    change: ExerciseChange,
    change_row: dict[str, Any],
    rules: Rules,
) -> list[str]:
    lines: list[str] = []
    if change.replace_with is not None:
        row.exercise = change.replace_with
        row.state = ExerciseState.SUPERVISED  # new to the patient: supervised first
        row.mastered_on = None
        row.mastered_by = None
        row.explanation = [*old.explanation, change_row]
        lines.append(f"~ {old.exercise.name} -> {change.replace_with.name} (starts supervised)")
    if change.dose is not None:
        row.sets, row.reps = change.dose.sets, change.dose.reps
        row.hold_s, row.duration_s = change.dose.hold_s, change.dose.duration_s
        row.exact_dose = change.exact.as_stored(change.dose) if change.exact else {}
        before = dose_text(old.sets, old.reps, old.hold_s, old.duration_s, old.exercise.per_side)
        lines.append(f"~ {row.exercise.name}: {before} -> {row.dose_text}")
    elif change.replace_with is not None:
        # The patient's own starting dose with the cautions in force, as in a new plan (not
        # the library's default); a form the rules refuse is held back by `enforce`.
        form = rules.starting_form(change.replace_with.slug)
        if isinstance(form, StartingForm):
            dose = form.dose
            row.supervised_only = form.supervised_only
            row.explanation = [
                *row.explanation,
                *(reason_row(r) for r in form.why),
            ]
        else:
            dose = change.replace_with.default_dose
        row.sets, row.reps, row.hold_s, row.duration_s = (
            dose.sets,
            dose.reps,
            dose.hold_s,
            dose.duration_s,
        )
    if change.state is not None and change.state != old.state:
        row.state = change.state
        if change.state != ExerciseState.MASTERED:
            row.mastered_on, row.mastered_by = None, None
        lines.append(
            f"~ {row.exercise.name}: {old.get_state_display()} -> {row.get_state_display()}"
        )
    return lines
