"""What the weekly review reads: the week's logs, the baseline pain, the exercises under review."""

from datetime import date, timedelta
from typing import Any, cast

from exercises.models import Exercise
from planner.engine.review.types import ExerciseLog as ReviewLog
from planner.engine.review.types import ExerciseUnderReview
from planner.engine.review.week_log import baseline_pain
from planner.engine.types import Dose
from planner.models import (
    ExerciseLog,
    ExerciseState,
    Program,
    ProgramExercise,
)
from planner.selectors import (
    program_current_version,
    program_exercises,
)
from planner.selectors.rules import Rules
from rehab.models import PainAssessment


def _baseline_pains(program: Program) -> tuple[int | None, int | None]:
    """(pain during, pain after) at the start, like compared with like (CLINICAL.md): the
    median of the first week at home, else the clinic's last score before the program."""
    first = program.home_started_on
    during: int | None = None
    after: int | None = None
    if first is not None:
        logs = [
            ReviewLog(day, done, pain_during, pain_after, None)
            for day, done, pain_during, pain_after in ExerciseLog.objects.filter(
                home_session__program=program,
                home_session__day__range=(first, first + timedelta(days=6)),
            ).values_list("home_session__day", "done", "pain_during", "pain_after")
        ]
        during, after = baseline_pain(logs, first_home_day=first)
    if during is None or after is None:
        clinic = (
            PainAssessment.objects.filter(
                patient=program.patient, assessed_on__lte=program.start_date
            )
            .order_by("-assessed_on", "-id")
            .values_list("score", flat=True)
            .first()
        )
        if clinic is not None:
            during = int(clinic) if during is None else during
            after = int(clinic) if after is None else after
    return during, after


def _capped_max(exercise: Exercise, rules: Rules | None) -> Dose:
    top = exercise.max_dose
    known = rules.catalogue.get(exercise.slug) if rules is not None else None
    if rules is None or known is None:
        return top
    verdict = rules.in_force.check(known)
    if not verdict.allowed:
        return top  # the exercise itself is refused: enforce() replaces it, not the review
    cap = verdict.max_dose
    return Dose(
        min(top.sets, cap.sets),
        min(top.reps, cap.reps),
        min(top.hold_s, cap.hold_s),
        min(top.duration_s, cap.duration_s),
    )


def review_inputs(
    *, program: Program, week_start: date, rules: Rules | None = None
) -> tuple[list[ExerciseUnderReview], dict[str, ProgramExercise]]:
    """The engine's view of a week of home training, in a fixed number of queries.

    With `rules`, an exercise's maximum is what the rules in force allow (R-HTN's 10 s hold,
    a halving caution), so the review grows the next variable instead of proposing what the
    rules would hold back."""
    week = [week_start + timedelta(days=n) for n in range(7)]
    version = program_current_version(program=program)
    items = [
        item
        for item in program_exercises(version=version)
        if item.state == ExerciseState.MASTERED and not item.supervised_only
    ]
    logs: dict[int, list[ExerciseLog]] = {}
    for row in ExerciseLog.objects.filter(
        home_session__program=program,
        home_session__day__range=(week[0], week[-1]),
        exercise__in=[item.exercise_id for item in items],
    ).select_related("home_session"):
        logs.setdefault(row.exercise_id, []).append(row)
    harder_of = {
        ex.pk: ex.slug
        for ex in Exercise.objects.filter(
            pk__in=[i.exercise.harder_variant_id for i in items if i.exercise.harder_variant_id]
        )
    }
    easier_of = {
        ex.harder_variant_id: ex.slug
        for ex in Exercise.objects.filter(harder_variant__in=[i.exercise_id for i in items])
    }
    baseline_during, baseline_after = _baseline_pains(program)
    under_review = []
    for item in items:
        exercise = item.exercise
        home_days = [
            day
            for day in week
            if program.covers(day)
            and program.home_started_on is not None
            and day >= program.home_started_on
            and item.mastered_on is not None
            and day >= item.mastered_on
        ]
        under_review.append(
            ExerciseUnderReview(
                slug=exercise.slug,
                name=exercise.name,
                dose=item.dose,
                dose_min=exercise.min_dose,
                dose_max=_capped_max(exercise, rules),
                harder=harder_of.get(exercise.harder_variant_id or 0),
                easier=easier_of.get(exercise.pk),
                scheduled_days=len(home_days),
                logs=tuple(
                    ReviewLog(
                        day=row.home_session.day,
                        done=row.done,
                        pain_during=row.pain_during,
                        pain_after=row.pain_after,
                        difficulty=cast(Any, row.difficulty or None),
                    )
                    for row in sorted(logs.get(exercise.pk, []), key=lambda r: r.home_session.day)
                ),
                baseline_pain_during=baseline_during,
                baseline_pain_after=baseline_after,
                exact=item.exact,
            )
        )
    return under_review, {item.exercise.slug: item for item in items}
