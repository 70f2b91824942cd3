"""The weekly progression review: propose from the week's logs, approve or reject."""

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from exercises.models import Exercise
from planner.engine.dose import ExactDose
from planner.engine.review.types import Proposal
from planner.engine.review.week import review_week
from planner.engine.types import Exclusion, Reason
from planner.models import (
    EventKind,
    Program,
    ProgramExercise,
    ProgramStatus,
    ProgramVersion,
    ReviewItem,
    ReviewProposal,
    ReviewStatus,
)
from planner.safety import row_findings
from planner.selectors import (
    patient_local_today,
    program_current_version,
)
from planner.selectors.reviews import review_inputs
from planner.selectors.rules import Rules, rules_on
from planner.services.events import patient_event_record
from planner.services.shared import _noon, _reasons
from planner.services.versions import ExerciseChange, program_revise
from rehab.models import PatientRedFlag


def _proposals_within_rules(
    proposals: Sequence[Proposal], items: dict[str, ProgramExercise], rules: Rules
) -> list[Proposal]:
    """The review's proposals with every one the rules in force refuse held back, saying why.

    A variant is checked in the form it would start in (the patient's starting dose with the
    cautions in force); a dose in the dose the caps allow.
    """
    kept: list[Proposal] = []
    for proposal in proposals:
        item = items[proposal.slug]
        if proposal.new_exercise:
            form = rules.starting_form(proposal.new_exercise)
            if isinstance(form, Exclusion):
                kept.append(_held_back(proposal, item, f"[{form.rule}] {form.reason}"))
                continue
        elif proposal.action in ("progress", "step_back"):
            row = ProgramExercise(
                exercise=item.exercise,
                sets=proposal.dose.sets,
                reps=proposal.dose.reps,
                hold_s=proposal.dose.hold_s,
                duration_s=proposal.dose.duration_s,
                state=item.state,
                supervised_only=item.supervised_only,
            )
            problems = row_findings(rules, [row])
            if problems:
                texts = " ".join(f"[{f.rule}] {f.text}" for f in problems)
                kept.append(_held_back(proposal, item, texts))
                continue
        kept.append(proposal)
    return kept


def _held_back(proposal: Proposal, item: ProgramExercise, why: str) -> Proposal:
    current = item.dose
    return Proposal(
        proposal.slug,
        "hold",
        None,
        current,
        None,
        (
            *proposal.reasons,
            Reason("SAFETY", f"Held back: the rules in force do not allow it. {why}"),
        ),
        item.exact or ExactDose.of(current),
    )


@transaction.atomic
def review_propose(
    *, program: Program, week_start: date, today: date | None = None
) -> ReviewProposal:
    """Propose next week's changes from last week's logs (idempotent per program and week)."""
    program = Program.objects.select_for_update().select_related("patient").get(pk=program.pk)
    existing = ReviewProposal.objects.filter(program=program, week_start=week_start).first()
    if existing is not None:
        return existing
    week_end = week_start + timedelta(days=6)
    if program.status != ProgramStatus.ACTIVE:
        raise ValidationError({"program": "Only an active program is reviewed."})
    if not (program.covers(week_start) and program.covers(week_end)):
        raise ValidationError({"week_start": "The week must lie inside the program."})
    if week_end >= (today or timezone.localdate(timezone=ZoneInfo(program.patient.time_zone))):
        raise ValidationError({"week_start": "The week is not over yet."})
    # Checked against the rules in force on the day the changes would take effect.
    effective = max(
        week_end + timedelta(days=1), today or patient_local_today(patient=program.patient)
    )
    rules = rules_on(patient=program.patient, day=effective)
    exercises, by_slug = review_inputs(program=program, week_start=week_start, rules=rules)
    red_flag = PatientRedFlag.objects.filter(
        patient=program.patient, status=PatientRedFlag.Status.ACTIVE
    ).exists()
    # Once paused, progression stays paused until the clinician has looked (progression_resume).
    review = review_week(
        exercises,
        red_flag_reported=red_flag,
        progression_paused=program.progression_paused_reason,
    )
    proposals = _proposals_within_rules(review.proposals, by_slug, rules)
    proposal = ReviewProposal.objects.create(
        program=program,
        week_start=week_start,
        pause_progression=review.pause_progression,
        reasons=_reasons(review.reasons),
        alert_reasons=_reasons(review.alert_reasons),
    )
    new_exercises = {
        ex.slug: ex
        for ex in Exercise.objects.filter(
            slug__in=[p.new_exercise for p in proposals if p.new_exercise]
        )
    }
    ReviewItem.objects.bulk_create(
        ReviewItem(
            proposal=proposal,
            program_exercise=by_slug[p.slug],
            action=p.action,
            variable=p.variable or "",
            sets=p.dose.sets,
            reps=p.dose.reps,
            hold_s=p.dose.hold_s,
            duration_s=p.dose.duration_s,
            new_exercise=new_exercises.get(p.new_exercise) if p.new_exercise else None,
            reasons=_reasons(p.reasons),
            exact_dose=p.exact.as_stored(p.dose),
        )
        for p in proposals
    )
    if review.alert_clinician:
        patient_event_record(
            patient=program.patient,
            kind=EventKind.PAIN_RISING,
            context={"reason": " ".join(r.text for r in review.alert_reasons)},
            now=_noon(program.patient, today),
        )
    if review.flag_patient and not program.progression_paused_reason:
        program.progression_paused_reason = " ".join(r.text for r in review.reasons)
        program.save(update_fields=["progression_paused_reason", "updated_at"])
    if getattr(settings, "REVIEW_AUTO_APPLY", False) and not review.pause_progression:
        review_approve(
            proposal=proposal, by=program.approved_by or program.created_by, on=effective
        )
        proposal.refresh_from_db()
    return proposal


@transaction.atomic
def review_approve(
    *, proposal: ReviewProposal, by: Any, on: date | None = None
) -> ProgramVersion | None:
    """Apply an approved review as the program's next version (None when nothing changes).

    The version is checked against the rules in force on `on`, the day it takes effect (by
    default the patient's today)."""
    proposal = _pending(proposal)
    current = program_current_version(program=proposal.program)
    items = list(proposal.items.select_related("program_exercise", "new_exercise"))
    if any(item.program_exercise.version_id != current.pk for item in items):
        raise ValidationError(
            {"status": "The program changed after this review; propose the week again."}
        )
    changes = []
    for item in items:
        if item.action in ("progress", "step_back"):
            dose = item.dose
            exact = ExactDose.stored(item.exact_dose or {}, dose)
            changes.append(ExerciseChange(item.program_exercise_id, dose=dose, exact=exact))
        elif item.action in ("harder_variant", "easier_variant") and item.new_exercise:
            changes.append(ExerciseChange(item.program_exercise_id, replace_with=item.new_exercise))
    version = None
    if changes:
        version = program_revise(
            program=proposal.program,
            by=by,
            note=f"Weekly review of the week from {proposal.week_start}.",
            changes=changes,
            on=on,
        )
    proposal.resulting_version = version
    _decide(proposal, ReviewStatus.APPROVED, by)
    return version


@transaction.atomic
def review_reject(*, proposal: ReviewProposal, by: Any) -> ReviewProposal:
    proposal = _pending(proposal)
    _decide(proposal, ReviewStatus.REJECTED, by)
    return proposal


def _pending(proposal: ReviewProposal) -> ReviewProposal:
    proposal = ReviewProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != ReviewStatus.PENDING:
        raise ValidationError({"status": f"This review is already {proposal.status}."})
    return proposal


def _decide(proposal: ReviewProposal, status: str, by: Any) -> None:
    proposal.status = status
    proposal.decided_by = by
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["status", "decided_by", "decided_at", "resulting_version"])


@transaction.atomic
def progression_resume(*, program: Program, by: Any) -> Program:
    """The clinician has seen why progression paused and lets the reviews progress again."""
    program = Program.objects.select_for_update().get(pk=program.pk)
    if not program.progression_paused_reason:
        raise ValidationError({"program": "Progression is not paused."})
    program.progression_paused_reason = ""
    program.save(update_fields=["progression_paused_reason", "updated_at"])
    return program


def reviews_propose_due(*, today: date | None = None) -> list[ReviewProposal]:
    """Propose the review of every active program whose home week ended yesterday.

    Weeks run from the program's start date. Safe to run more than once a day:
    a week already reviewed is returned, not proposed again.
    """
    day = today or timezone.localdate()
    proposals = []
    programs = Program.objects.filter(
        status=ProgramStatus.ACTIVE, home_started_on__isnull=False, start_date__lte=day
    ).select_related("patient")
    for program in programs:
        elapsed = (day - program.start_date).days
        week_start = day - timedelta(days=7)
        if elapsed < 7 or elapsed % 7 or not program.covers(week_start + timedelta(days=6)):
            continue
        if program.home_started_on is None or program.home_started_on > week_start + timedelta(
            days=6
        ):
            continue  # no home day in that week: nothing to review
        proposals.append(review_propose(program=program, week_start=week_start, today=today))
    return proposals
