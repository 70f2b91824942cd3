"""A program's life: approve, pause, resume, complete, and the re-checks against the rules
in force when the day or the patient's records change."""

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from planner.models import (
    Program,
    ProgramExercise,
    ProgramStatus,
    ProgramVersion,
)
from planner.safety import findings_for, row_findings
from planner.selectors import (
    patient_local_today,
    program_current_version,
    program_exercises,
)
from planner.selectors.rules import rules_on
from planner.services.generation import (
    START_DAYS_AHEAD,
    lay_out_schedules,
    program_start_plausible,
)
from planner.services.shared import logger, program_in
from planner.services.versions import dose_problems, new_version
from planner.services.wording import red_flag_refusal
from rehab.models import CareAction, Patient, PatientRedFlag
from rehab.questionnaires.services import questionnaire_schedules_default
from rehab.services import care_record_add, history_stamp


@transaction.atomic
def program_approve(*, program: Program, by: Any) -> Program:
    """Draft to active: the clinician signs the program and its schedule is laid out."""
    program = program_in(program, [ProgramStatus.DRAFT], "approved")
    version = program_current_version(program=program)
    rows = program_exercises(version=version)
    if not rows:
        raise ValidationError({"exercises": "A program needs at least one exercise."})
    if version.plan_status == "blocked":
        raise ValidationError({"status": "A blocked plan cannot be approved."})
    today = patient_local_today(patient=program.patient)
    if not program_start_plausible(start=program.start_date, today=today):
        raise ValidationError(
            {
                "start_date": (
                    f"Not approved: a program cannot start on {program.start_date.isoformat()}"
                    f" (at most {START_DAYS_AHEAD} days ahead). Correct the start date or "
                    "generate the draft again."
                )
            }
        )
    # The draft may be days old: it is signed against the rules in force when it starts.
    day = max(program.start_date, today)
    rules = rules_on(patient=program.patient, day=day)
    problems = findings_for(rules, rows)
    if problems:
        names = {row.exercise.slug: row.exercise.name for row in rows}
        flagged = [f.rule for f in problems if f.kind == "red_flag"]
        raise ValidationError(
            {
                "status": [
                    _(
                        "Not approved: on %(day)s the rules in force do not allow this draft."
                        " Generate it again or edit it."
                    )
                    % {"day": day.isoformat()},
                    *(
                        [f"[{flagged[0]}] {red_flag_refusal(rules.in_force.red_flags)}"]
                        if flagged
                        else []
                    ),
                    *(
                        f"[{f.rule}] {names.get(f.slug, f.slug)}: {f.text}"
                        for f in problems
                        if f.kind != "red_flag"
                    ),
                ]
            }
        )
    program.status = ProgramStatus.ACTIVE
    program.approved_by = by
    program.approved_at = timezone.now()
    history_stamp(program, by=by, reason="approved")
    program.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
    lay_out_schedules([program])
    # The questionnaires start with the program, not with the record: a patient created
    # months before treatment would otherwise be "overdue" before anything was asked. Never
    # before the day of approval (a program approved late does not ask for past days).
    questionnaire_schedules_default(patient=program.patient, starts_on=day)
    care_record_add(
        patient=program.patient,
        action=CareAction.PROGRAM_APPROVED,
        by=by,
        detail={
            "program": program.pk,
            "version": version.number,
            "start_date": program.start_date.isoformat(),
        },
    )
    return program


@transaction.atomic
def program_pause(*, program: Program, by: Any, reason: str) -> Program:
    if not reason.strip():
        raise ValidationError({"reason": "Say why the program is paused; the patient sees it."})
    program = program_in(program, [ProgramStatus.ACTIVE], "paused")
    program.status = ProgramStatus.PAUSED
    program.paused_reason = reason.strip()
    history_stamp(program, by=by, reason="paused")
    program.save(update_fields=["status", "paused_reason", "updated_at"])
    care_record_add(
        patient=program.patient,
        action=CareAction.PROGRAM_PAUSED,
        by=by,
        detail={"program": program.pk, "reason": program.paused_reason},
    )
    return program


@transaction.atomic
def program_resume(*, program: Program, by: Any, on: date | None = None) -> Program:
    """Back to active once the red flags are resolved; the program is re-checked against the
    rules in force on the day it resumes (a pregnancy may have advanced meanwhile)."""
    program = program_in(program, [ProgramStatus.PAUSED], "resumed")
    day = on or patient_local_today(patient=program.patient)
    flags = sorted(
        PatientRedFlag.objects.filter(
            patient=program.patient, status=PatientRedFlag.Status.ACTIVE
        ).values_list("red_flag__name", flat=True)
    )
    if flags:
        raise ValidationError(
            {
                "status": "A program cannot resume while a red flag is active: "
                f"{', '.join(flags)}. Resolve it in the patient's record first."
            }
        )
    program.status = ProgramStatus.ACTIVE
    program.paused_reason = ""
    history_stamp(program, by=by, reason="resumed")
    program.save(update_fields=["status", "paused_reason", "updated_at"])
    care_record_add(
        patient=program.patient,
        action=CareAction.PROGRAM_RESUMED,
        by=by,
        detail={"program": program.pk, "day": day.isoformat()},
    )
    program_recheck(program=program, by=by, on=day)
    return program


@transaction.atomic
def program_recheck(
    *, program: Program, by: Any = None, on: date | None = None
) -> ProgramVersion | None:
    """Re-check the program against the rules in force on `on` (by default the patient's
    today) and, when they no longer allow something, make the version that they allow:
    an exercise now blocked gives way to its allowed easier variant (supervised first) or is
    paused, doses come within the caps. None when nothing needed to change.

    Run on resume and every day for every running program (CLINICAL.md: gestational weeks
    advance, an age band changes on a birthday, a comorbidity counts from when recorded).
    """
    program = Program.objects.select_related("patient").get(pk=program.pk)
    if program.status not in (ProgramStatus.ACTIVE, ProgramStatus.PAUSED):
        return None
    day = on or patient_local_today(patient=program.patient)
    current = program_current_version(program=program)
    if not row_findings(
        rules_on(patient=program.patient, day=day), program_exercises(version=current)
    ):
        return None
    author = by or program.approved_by or program.created_by
    return new_version(
        program=program,
        by=author,
        note=f"Re-checked against the rules in force on {day}.",
        changes=(),
        on=day,
        auto=by is None,  # the daily re-check: the planner on its own
    )


def programs_recheck_due(*, now: datetime | None = None) -> dict[int, str]:
    """`program_recheck` for every running program on its patient's own date; one program's
    failure is recorded and the rest go on. Returns program id -> what happened."""
    moment = now or timezone.now()
    report: dict[int, str] = {}
    programs = Program.objects.filter(
        status__in=(ProgramStatus.ACTIVE, ProgramStatus.PAUSED)
    ).select_related("patient")
    for program in programs:
        day = timezone.localtime(moment, ZoneInfo(program.patient.time_zone)).date()
        try:
            version = program_recheck(program=program, on=day)
        except Exception as error:  # one broken program must not stop the others' re-check
            logger.exception("Re-checking program %s failed", program.pk)
            report[program.pk] = f"failed: {error}"
            continue
        if version is not None:
            report[program.pk] = f"version {version.number}"
    return report


def draft_exercises_check(
    *, program: Program, rows: Sequence[ProgramExercise]
) -> dict[str, list[str]]:
    """What the rules in force when the draft starts say against its edited rows, by exercise
    slug (empty when nothing): a draft edit in the admin is held to the same check as every
    other change."""
    day = max(program.start_date, patient_local_today(patient=program.patient))
    problems: dict[str, list[str]] = {}
    for finding in row_findings(rules_on(patient=program.patient, day=day), rows):
        problems.setdefault(finding.slug, []).append(f"[{finding.rule}] {finding.text}")
    return problems


@transaction.atomic
def draft_exercises_save(
    *,
    version: ProgramVersion,
    saved: Sequence[ProgramExercise],
    deleted: Sequence[ProgramExercise],
    by: Any,
) -> list[ProgramExercise]:
    """A clinician's edit of a draft's exercises (the admin's inline): checked, then written.

    Each row is held to the exercise's dose bounds, and the draft as it will be to the
    rules in force on its start day; any problem writes nothing.
    """
    program = program_in(version.program, [ProgramStatus.DRAFT], "edited")
    if version.pk != program_current_version(program=program).pk:
        raise ValidationError({"version": "Only the draft's current version can be edited."})
    gone = {row.pk for row in deleted if row.pk is not None}
    changed = {row.pk: row for row in saved if row.pk is not None}
    errors: dict[str, list[str]] = {}
    for row in saved:
        row.version = version
        for message in dose_problems(row.exercise, row.dose, "dose").values():
            errors.setdefault(row.exercise.slug, []).append(message)
        try:
            row.full_clean(exclude=["version"], validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            errors.setdefault(row.exercise.slug, []).extend(error.messages)
    after = [
        changed.get(row.pk, row) for row in program_exercises(version=version) if row.pk not in gone
    ] + [row for row in saved if row.pk is None]
    for slug, messages in draft_exercises_check(program=program, rows=after).items():
        errors.setdefault(slug, []).extend(messages)
    if errors:
        raise ValidationError({"exercises": [f"{s}: {m}" for s, ms in errors.items() for m in ms]})
    ProgramExercise.objects.filter(pk__in=gone, version=version).delete()
    try:
        with transaction.atomic():
            for row in saved:
                row.save()
    except IntegrityError:
        raise ValidationError(
            {"exercises": "Each exercise and each position may appear once in a version."}
        ) from None
    Program.objects.filter(pk=program.pk).update(updated_at=timezone.now())
    care_record_add(
        patient=program.patient,
        action=CareAction.PROGRAM_CHANGED,
        by=by,
        detail={
            "program": program.pk,
            "version": version.number,
            "note": "Draft edited.",
            "diff": [
                *(f"~ {row.exercise.name}: {row.dose_text}" for row in saved),
                *(f"- {row.exercise.name}" for row in deleted if row.pk is not None),
            ],
        },
    )
    return list(saved)


@transaction.atomic
def patient_records_changed(*, patient: Patient, by: Any) -> None:
    """A clinician changed the patient's records (a red flag, a comorbidity, a pregnancy):
    they count from now. An active red flag pauses home training at once; otherwise the
    running programs are re-checked against the rules in force today."""
    if red_flags_pause_programs(patient=patient, by=by):
        return
    for program in Program.objects.filter(
        patient=patient, status__in=(ProgramStatus.ACTIVE, ProgramStatus.PAUSED)
    ):
        program_recheck(program=program, by=by)


@transaction.atomic
def red_flags_pause_programs(*, patient: Patient, by: Any, reason: str = "") -> list[Program]:
    """A red flag recorded by a clinician stops home training at once (CLINICAL.md): every
    active program of the patient is paused, with the flags as the reason."""
    flags = sorted(
        PatientRedFlag.objects.filter(
            patient=patient, status=PatientRedFlag.Status.ACTIVE
        ).values_list("red_flag__name", flat=True)
    )
    if not flags:
        return []
    with translation.override(patient.language):
        text = reason or _(
            "Paused by your clinic because of: %(symptoms)s. Do not restart the exercises "
            "until your clinic has seen you."
        ) % {"symptoms": ", ".join(_(name) for name in flags)}
    paused = []
    for program in Program.objects.filter(patient=patient, status=ProgramStatus.ACTIVE):
        paused.append(program_pause(program=program, by=by, reason=text))
    return paused


@transaction.atomic
def program_complete(*, program: Program, by: Any) -> Program:
    program = program_in(program, [ProgramStatus.ACTIVE, ProgramStatus.PAUSED], "completed")
    program.status = ProgramStatus.COMPLETED
    history_stamp(program, by=by, reason="completed")
    program.save(update_fields=["status", "updated_at"])
    care_record_add(
        patient=program.patient,
        action=CareAction.PROGRAM_COMPLETED,
        by=by,
        detail={"program": program.pk},
    )
    return program
