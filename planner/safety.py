"""The rules in force on a day, applied to the rows a write path is about to save.

Every write that changes what a patient is asked to do comes through here (see
`WRITE_PATHS` and tests/planner/test_safety_invariant.py): the rows of a new version
are checked with `planner.engine.safety.check_items` against the patient's profile on
the day the change takes effect, and brought within the rules before they are saved.
A change the rules do not allow is held back and the version's diff says why.
"""

from collections.abc import Iterable, Sequence

from exercises.models import Exercise
from planner.engine.generate.plan import StartingForm
from planner.engine.safety import (
    Finding,
    ItemToCheck,
    check_items,
)
from planner.engine.serialize import dose_text, reason_row
from planner.engine.types import Reason
from planner.models import ExerciseState, ProgramExercise
from planner.selectors.rules import Rules

# The services that change what a patient is asked to do; each calls `enforce` or
# `findings_for` (or generates through the engine, which uses the same check).
WRITE_PATHS = (
    "program_generate",
    "programs_generate_bulk",
    "program_approve",
    "program_revise",
    "program_resume",
    "program_recheck",
    "review_propose",
    "review_approve",
    "supervised_session_record",
    "draft_exercises_check",
    "draft_exercises_save",
)
ACTIVE_STATES = (ExerciseState.SUPERVISED, ExerciseState.MASTERED)


def _item(row: ProgramExercise) -> ItemToCheck:
    return ItemToCheck(
        row.exercise.slug,
        row.dose,
        row.supervised_only,
    )


def findings_for(rules: Rules, rows: Iterable[ProgramExercise]) -> tuple[Finding, ...]:
    """What in these rows the rules in force do not allow (paused and retired rows are not
    asked of the patient and are not checked)."""
    return check_items(
        rules.in_force, rules.catalogue, [_item(r) for r in rows if r.state in ACTIVE_STATES]
    )


def enforce(
    rules: Rules,
    rows: Sequence[ProgramExercise],
    *,
    before: dict[int, ProgramExercise],
) -> list[str]:
    """See `_enforce_once`; a replacement may itself need its dose brought down, so the
    check runs again until nothing is left (three passes always settle it)."""
    lines: list[str] = []
    for _ in range(3):
        if not row_findings(rules, rows):
            break
        lines.extend(_enforce_once(rules, rows, before=before))
    # Whatever still breaks a rule is not asked of the patient at all.
    by_slug = {row.exercise.slug: row for row in rows}
    for finding in row_findings(rules, rows):
        row = by_slug[finding.slug]
        lines.append(f"! {row.exercise.name} paused: [{finding.rule}] {finding.text}")
        row.state = ExerciseState.PAUSED
        row.mastered_on, row.mastered_by = None, None
    return lines


def row_findings(rules: Rules, rows: Iterable[ProgramExercise]) -> tuple[Finding, ...]:
    """The findings about exercises (a red flag is about the whole program)."""
    return tuple(f for f in findings_for(rules, rows) if f.kind != "red_flag")


def _enforce_once(
    rules: Rules,
    rows: Sequence[ProgramExercise],
    *,
    before: dict[int, ProgramExercise],
) -> list[str]:
    """Bring unsaved rows of a new version within the rules in force; returns diff lines.

    `before` maps a row's position to the row it came from in the current version. A change
    the rules block is held back (the row returns to what it was); an exercise the patient
    already did that the rules now block gives way to its nearest allowed easier variant
    (supervised first), or is paused; doses are brought within the caps and bounds, and a
    caution that keeps an exercise at the clinic marks it supervised only.
    """
    lines: list[str] = []
    by_slug = {row.exercise.slug: row for row in rows}
    exercises: dict[str, Exercise] = {}
    for finding in row_findings(rules, rows):
        row = by_slug.get(finding.slug)
        if row is None:
            continue
        old = before.get(row.position)
        why = f"[{finding.rule}] {finding.text}"
        if finding.kind in ("blocked", "easier_only", "unknown"):
            changed = old is not None and old.exercise_id != row.exercise_id
            if changed and old is not None and _allowed(rules, old):
                lines.append(f"! {row.exercise.name} held back, {old.exercise.name} kept: {why}")
                _copy_exercise(row, old)
                continue
            taken = {r.exercise.slug for r in rows}
            replacement = rules.replacement(row.exercise.slug, taken=taken)
            form = rules.starting_form(replacement.slug) if replacement else None
            if replacement is not None and isinstance(form, StartingForm):
                exercises.update(_exercises([replacement.slug], exercises))
                lines.append(
                    f"! {row.exercise.name} -> {replacement.name} (starts supervised): {why}"
                )
                _replace(row, exercises[replacement.slug], form, finding)
            else:
                lines.append(f"! {row.exercise.name} paused: {why}")
                row.state = ExerciseState.PAUSED
                row.mastered_on, row.mastered_by = None, None
        elif finding.kind == "dose" and finding.dose is not None:
            allowed = finding.dose
            shown = dose_text(allowed.sets, allowed.reps, allowed.hold_s, allowed.duration_s)
            lines.append(f"! {row.exercise.name}: dose kept to {shown}: {why}")
            row.sets, row.reps = allowed.sets, allowed.reps
            row.hold_s, row.duration_s = allowed.hold_s, allowed.duration_s
            row.exact_dose = {}
        elif finding.kind == "supervised_only":
            lines.append(f"! {row.exercise.name}: kept at the clinic: {why}")
            row.supervised_only = True
    return lines


def _allowed(rules: Rules, row: ProgramExercise) -> bool:
    return not row_findings(rules, [row])


def _exercises(slugs: Iterable[str], known: dict[str, Exercise]) -> dict[str, Exercise]:
    wanted = [slug for slug in slugs if slug not in known]
    found = {ex.slug: ex for ex in Exercise.objects.filter(slug__in=wanted)} if wanted else {}
    return {**known, **found}


def _copy_exercise(row: ProgramExercise, old: ProgramExercise) -> None:
    row.exercise = old.exercise
    row.sets, row.reps, row.hold_s, row.duration_s = old.sets, old.reps, old.hold_s, old.duration_s
    row.state, row.supervised_only = old.state, old.supervised_only
    row.mastered_on, row.mastered_by = old.mastered_on, old.mastered_by
    row.explanation = old.explanation
    row.exact_dose = old.exact_dose


def _replace(
    row: ProgramExercise, exercise: Exercise, form: StartingForm, finding: Finding
) -> None:
    row.exercise = exercise
    row.sets, row.reps = form.dose.sets, form.dose.reps
    row.hold_s, row.duration_s = form.dose.hold_s, form.dose.duration_s
    row.supervised_only = form.supervised_only
    row.state = ExerciseState.SUPERVISED
    row.mastered_on, row.mastered_by = None, None
    row.exact_dose = {}
    # As data, so each reader gets it in their own language (planner.explanations).
    instead = Reason.of(
        finding.rule,
        "In place of an exercise the rules now rule out: %(reason)s",
        reason=finding.because,
    )
    row.explanation = [reason_row(instead), *(reason_row(r) for r in form.why)]
