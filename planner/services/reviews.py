"""The weekly progression review: propose from the week's logs, approve or reject."""

from collections.abc import Sequence
from datetime import date, datetime, timedelta
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
from planner.engine.serialize import reason_of_row
from planner.engine.types import Exclusion, Name, Reason
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
from planner.services.shared import (
    PROGRESSION_PAUSE_FIELDS,
    logger,
    noon,
    progression_pause_keep,
    reason_rows,
)
from planner.services.versions import ExerciseChange, program_revise
from rehab.models import CareAction, PatientRedFlag
from rehab.services import care_record_add, history_stamp


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
                kept.append(_held_back(proposal, item, [(form.rule, form.because)]))
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
                found = [(f.rule, f.because) for f in problems]
                kept.append(_held_back(proposal, item, found))
                continue
        kept.append(proposal)
    return kept


def _held_back(
    proposal: Proposal, item: ProgramExercise, why: Sequence[tuple[str, Reason]]
) -> Proposal:
    """The proposal turned into holding the dose, with each rule that refused it."""
    current = item.dose
    held = tuple(
        Reason.of(
            "SAFETY",
            "Held back: the rules in force do not allow it. [%(rule)s] %(why)s",
            rule=rule,
            why=because,
        )
        for rule, because in why
    )
    return Proposal(
        proposal.slug,
        "hold",
        None,
        current,
        None,
        (*proposal.reasons, *held),
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
        progression_paused=[reason_of_row(row) for row in program.progression_paused_because],
    )
    proposals = _proposals_within_rules(review.proposals, by_slug, rules)
    proposal = ReviewProposal.objects.create(
        program=program,
        week_start=week_start,
        pause_progression=review.pause_progression,
        reasons=reason_rows(review.reasons),
        alert_reasons=reason_rows(review.alert_reasons),
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
            reasons=reason_rows(p.reasons),
            exact_dose=p.exact.as_stored(p.dose),
        )
        for p in proposals
    )
    if review.alert_clinician:
        patient_event_record(
            patient=program.patient,
            kind=EventKind.PAIN_RISING,
            # "reasons" as data, read in the clinician's language where shown; "reason"
            # in English for readers of alerts raised before.
            context={
                "reason": " ".join(r.text for r in review.alert_reasons),
                "reasons": reason_rows(review.alert_reasons),
            },
            now=noon(program.patient, today),
        )
    if review.flag_patient and not program.progression_paused_reason:
        progression_pause_keep(program, review.reasons)
        history_stamp(program, by=None, reason="progression paused by the weekly review")
        program.save(update_fields=[*PROGRESSION_PAUSE_FIELDS, "updated_at"])
        care_record_add(
            patient=program.patient,
            action=CareAction.PROGRESSION_PAUSED,
            by=None,
            auto=True,
            detail={
                "program": program.pk,
                "reason": program.progression_paused_reason,
                "week_start": week_start.isoformat(),
            },
        )
    if getattr(settings, "REVIEW_AUTO_APPLY", False) and not review.pause_progression:
        # The planner applies it on its own: the version is signed by the program's
        # clinician, the record of care says the planner did it.
        _approve(proposal, by=program.approved_by or program.created_by, on=effective, auto=True)
        proposal.refresh_from_db()
    return proposal


@transaction.atomic
def review_approve(
    *, proposal: ReviewProposal, by: Any, on: date | None = None
) -> ProgramVersion | None:
    """Apply an approved review as the program's next version (None when nothing changes).

    The version is checked against the rules in force on `on`, the day it takes effect (by
    default the patient's today)."""
    return _approve(proposal, by=by, on=on, auto=False)


def _approve(
    proposal: ReviewProposal, *, by: Any, on: date | None, auto: bool
) -> ProgramVersion | None:
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
            because=Reason.of(
                "CHANGE",
                "Weekly review of the week from %(day)s.",
                day=Name.of_day(proposal.week_start),
            ),
            changes=changes,
            on=on,
            auto=auto,
        )
    proposal.resulting_version = version
    _decide(proposal, ReviewStatus.APPROVED, by, auto=auto)
    return version


@transaction.atomic
def review_reject(*, proposal: ReviewProposal, by: Any) -> ReviewProposal:
    proposal = _pending(proposal)
    _decide(proposal, ReviewStatus.REJECTED, by, auto=False)
    return proposal


def _pending(proposal: ReviewProposal) -> ReviewProposal:
    proposal = (
        ReviewProposal.objects.select_for_update()
        .select_related("program__patient")
        .get(pk=proposal.pk)
    )
    if proposal.status != ReviewStatus.PENDING:
        raise ValidationError({"status": f"This review is already {proposal.status}."})
    return proposal


def _decide(proposal: ReviewProposal, status: str, by: Any, *, auto: bool) -> None:
    proposal.status = status
    proposal.decided_by = by
    proposal.decided_at = timezone.now()
    history_stamp(proposal, by=None if auto else by, reason=f"{status}{' (auto)' if auto else ''}")
    proposal.save(update_fields=["status", "decided_by", "decided_at", "resulting_version"])
    if auto:
        action = CareAction.REVIEW_AUTO_APPLIED
    elif status == ReviewStatus.APPROVED:
        action = CareAction.REVIEW_APPROVED
    else:
        action = CareAction.REVIEW_REJECTED
    version = proposal.resulting_version
    care_record_add(
        patient=proposal.program.patient,
        action=action,
        by=None if auto else by,
        auto=auto,
        detail={
            "program": proposal.program_id,
            "review": proposal.pk,
            "week_start": proposal.week_start.isoformat(),
            "version": version.number if version is not None else None,
        },
    )


@transaction.atomic
def progression_resume(*, program: Program, by: Any) -> Program:
    """The clinician has seen why progression paused and lets the reviews progress again."""
    program = Program.objects.select_for_update().select_related("patient").get(pk=program.pk)
    if not program.progression_paused_reason:
        raise ValidationError({"program": "Progression is not paused."})
    reason = program.progression_paused_reason
    progression_pause_keep(program, ())
    history_stamp(program, by=by, reason="progression resumed")
    program.save(update_fields=[*PROGRESSION_PAUSE_FIELDS, "updated_at"])
    care_record_add(
        patient=program.patient,
        action=CareAction.PROGRESSION_RESUMED,
        by=by,
        detail={"program": program.pk, "reason": reason},
    )
    return program


class DueReviews(list[ReviewProposal]):
    """What one run of `reviews_propose_due` gives: the reviews of the weeks that are due
    (just proposed or found from an earlier run), as a list, and the programs whose review
    failed, by program id with the error (they are proposed again on the next run)."""

    def __init__(
        self, proposals: Sequence[ReviewProposal] = (), failures: dict[int, str] | None = None
    ) -> None:
        super().__init__(proposals)
        self.failures: dict[int, str] = failures if failures is not None else {}


def _week_due(program: Program, day: date) -> date | None:
    """The first day of the program's latest home week that is over on `day` (the patient's
    date), or None when there is none to review.

    Weeks run from the program's start date. The latest week stays due until the next one
    ends, so a run missed (the beat down for a day) is made up by the next one."""
    elapsed = (day - program.start_date).days
    if elapsed < 7:
        return None
    week_start = program.start_date + timedelta(days=7 * (elapsed // 7 - 1))
    week_end = week_start + timedelta(days=6)
    if not program.covers(week_end):
        return None  # the program ended more than a week ago
    if program.home_started_on is None or program.home_started_on > week_end:
        return None  # no home day in that week: nothing to review
    return week_start


def reviews_propose_due(*, now: datetime | None = None, today: date | None = None) -> DueReviews:
    """Propose the review of every active program whose latest home week is over.

    Each program is judged on its patient's own date at `now` (by default the present
    instant), so a week ends at the patient's midnight wherever they live; `today` instead
    runs as if it were that date for every patient (the command's --today). Run hourly by
    the beat: a week already reviewed is returned, not proposed again. Each program is
    proposed in a transaction of its own; one program's failure is logged and reported in
    `failures`, leaves nothing of its review written, and the rest go on.
    """
    if now is not None and today is not None:
        raise ValueError("Give `now` or `today`, not both.")
    moment = now or timezone.now()
    due: list[tuple[Program, date, date]] = []
    failures: dict[int, str] = {}
    for program in Program.objects.filter(
        status=ProgramStatus.ACTIVE, home_started_on__isnull=False
    ).select_related("patient"):
        try:
            day = today or timezone.localdate(moment, ZoneInfo(program.patient.time_zone))
        except Exception as error:  # a patient's bad record must not stop the others' reviews
            logger.exception("Reviewing program %s failed", program.pk)
            failures[program.pk] = f"failed: {error}"
            continue
        week_start = _week_due(program, day)
        if week_start is not None:
            due.append((program, day, week_start))
    # Most runs of the day find the reviews made by an earlier one: read in one query (the
    # last week or two of the running programs), not locked again one by one.
    existing = {
        (proposal.program_id, proposal.week_start): proposal
        for proposal in ReviewProposal.objects.filter(
            program__status=ProgramStatus.ACTIVE,
            week_start__gte=min((week_start for _, _, week_start in due), default=date.max),
        )
    }
    proposals: list[ReviewProposal] = []
    for program, day, week_start in due:
        found = existing.get((program.pk, week_start))
        if found is not None:
            proposals.append(found)
            continue
        try:
            # A savepoint of its own even inside a caller's transaction: a failure half-way
            # (auto-approval refused, say) leaves nothing of this program's review.
            with transaction.atomic():
                proposal = review_propose(program=program, week_start=week_start, today=day)
        except Exception as error:  # one broken program must not stop the others' reviews
            logger.exception("Reviewing program %s failed", program.pk)
            failures[program.pk] = f"failed: {error}"
            continue
        proposals.append(proposal)
    return DueReviews(proposals, failures)
