"""The review of a week: each exercise by the priority of CLINICAL.md, the pause, creeping pain.

`review_week` is the entry point: one proposal per exercise, whether progression
pauses (a red flag, pain of 6 or more) and whether pain creeps up (V-CREEP).
"""

from collections.abc import Iterable, Sequence

from planner.engine.review.doses import current_dose, hold
from planner.engine.review.progress import progress
from planner.engine.review.step_back import step_back, step_back_reasons
from planner.engine.review.thresholds import (
    EASY_SESSIONS,
    IMPORTANT_PAIN_CHANGE,
    MEASURES,
    MIN_ADHERENCE_PERCENT,
    MIN_HOLD_PAIN,
    MIN_STEP_BACK_PAIN,
)
from planner.engine.review.types import ExerciseUnderReview, Measure, Proposal, WeekReview
from planner.engine.review.week_log import Week, baseline_of, median, pain_of, summarise
from planner.engine.types import Name, Reason

# -- hold ---------------------------------------------------------------------------------------


def _hold_reasons(week: Week) -> list[Reason]:
    reasons: list[Reason] = []
    if week.max_pain is not None and MIN_HOLD_PAIN <= week.max_pain < MIN_STEP_BACK_PAIN:
        reasons.append(
            Reason.of(
                "V-HOLD",
                "Pain reached %(pain)s out of 10 this week; with pain of %(low)s to %(high)s the "
                "dose stays the same.",
                pain=week.max_pain,
                low=MIN_HOLD_PAIN,
                high=MIN_STEP_BACK_PAIN - 1,
            )
        )
    if not week.adherent:
        reasons.append(
            Reason.of(
                "V-HOLD",
                "The exercise was %(adherence)s; under %(least)s %% the dose stays the same until "
                "it is done more regularly.",
                adherence=week.adherence("V-HOLD"),
                least=MIN_ADHERENCE_PERCENT,
            )
        )
    return reasons


# -- the review ---------------------------------------------------------------------------------


def _review(exercise: ExerciseUnderReview, week: Week) -> Proposal:
    """One exercise's proposal, by the priority of CLINICAL.md: safety before progress."""
    current = current_dose(exercise)
    # Pain is judged even without planned sessions: a painful week is never "no data".
    triggers = step_back_reasons(exercise, week)
    if triggers:
        return step_back(exercise, current, triggers)
    if week.scheduled <= 0:
        return hold(
            exercise,
            current,
            Reason.of(
                "V-NODATA",
                "No home sessions of this exercise were planned this week, so there is nothing "
                "to judge: the dose stays the same.",
            ),
        )
    holds = _hold_reasons(week)
    if holds:
        return hold(exercise, current, *holds)
    if week.max_pain is None:
        return hold(
            exercise,
            current,
            Reason.of(
                "V-HOLD",
                "No pain scores were logged this week: keep the current dose until pain is "
                "recorded and it feels easy.",
            ),
        )
    if not week.felt_easy:
        return hold(
            exercise,
            current,
            Reason.of(
                "V-HOLD",
                "Pain stayed at %(pain)s out of 10 or less, but the last %(easy)s sessions did not "
                "both feel easy: keep the current dose until it feels easy.",
                pain=week.max_pain,
                easy=EASY_SESSIONS,
            ),
        )
    # Here pain is at most 3 (4-5 held, 6 stepped back) and at most baseline + 1 (+2 stepped back).
    return progress(exercise, current, week)


def _paused(proposal: Proposal, exercise: ExerciseUnderReview) -> Proposal:
    """While progression is paused nothing goes up; steps back still apply."""
    if proposal.action not in ("progress", "harder_variant"):
        return proposal
    return hold(
        exercise,
        current_dose(exercise),
        Reason.of(
            "V-PAUSE",
            "Progression is paused this week, so the dose stays the same until the clinician "
            "has reviewed.",
        ),
    )


def _median_over_baseline(measure: Measure, week_median: int, rise: int, baseline: int) -> Reason:
    if measure == "during":
        return Reason.of(
            "V-CREEP",
            "The median pain during exercise this week was %(median)s out of 10, %(rise)s points "
            "above the baseline (%(baseline)s)",
            median=week_median,
            rise=rise,
            baseline=baseline,
        )
    return Reason.of(
        "V-CREEP",
        "The median pain after exercise this week was %(median)s out of 10, %(rise)s points "
        "above the baseline (%(baseline)s)",
        median=week_median,
        rise=rise,
        baseline=baseline,
    )


def _median_over_baselines(measure: Measure, rise: int) -> Reason:
    """Each exercise against its own baseline (they differ): the median of the rises."""
    if measure == "during":
        return Reason.of(
            "V-CREEP",
            "Pain during exercise this week was, in the median, %(rise)s points above each "
            "exercise's baseline",
            rise=rise,
        )
    return Reason.of(
        "V-CREEP",
        "Pain after exercise this week was, in the median, %(rise)s points above each "
        "exercise's baseline",
        rise=rise,
    )


def _creep(exercises: Sequence[ExerciseUnderReview]) -> list[Reason]:
    """V-CREEP: the week's median pain, of all scores of one measure, 2 or more over baseline.

    Each score is compared with its own exercise's baseline of that measure (scores of an
    exercise without that baseline do not count); with one baseline for all, as when it
    is the patient's, this is the week's median pain minus the baseline.
    """
    reasons: list[Reason] = []
    for measure in MEASURES:
        scored = [
            (pain, baseline)
            for exercise in exercises
            if (baseline := baseline_of(exercise, measure)) is not None
            for log in exercise.logs
            if (pain := pain_of(log, measure)) is not None
        ]
        rise = median(pain - baseline for pain, baseline in scored)
        if rise is None or rise < IMPORTANT_PAIN_CHANGE:
            continue
        baselines = sorted({baseline for _, baseline in scored})
        if len(baselines) == 1:
            week_median = median(pain for pain, _ in scored)
            where = _median_over_baseline(measure, week_median or 0, rise, baselines[0])
        else:
            where = _median_over_baselines(measure, rise)
        reasons.append(
            Reason.of(
                "V-CREEP",
                "%(where)s: pain is creeping up. A rise of %(change)s points matters, even below "
                "%(step)s; the clinician should take a look.",
                where=where,
                change=IMPORTANT_PAIN_CHANGE,
                step=MIN_STEP_BACK_PAIN,
            )
        )
    return reasons


def review_week(
    exercises: Iterable[ExerciseUnderReview],
    *,
    red_flag_reported: bool = False,
    progression_paused: Sequence[Reason] = (),
) -> WeekReview:
    """One proposal per exercise for the week under review, and whether to pause and alert.

    `progression_paused` is why progression was paused before this week (pain of 6 or more
    logged, an earlier review): it stays paused until the clinician has looked.
    """
    ordered = sorted(exercises, key=lambda ex: ex.slug)
    slugs = [ex.slug for ex in ordered]
    if len(set(slugs)) != len(slugs):
        # One proposal per exercise: a repeated slug would make the result depend on input order.
        repeated = sorted({slug for slug in slugs if slugs.count(slug) > 1})
        raise ValueError(f"Each exercise is reviewed once; repeated: {', '.join(repeated)}")
    weeks = [summarise(ex) for ex in ordered]

    reasons: list[Reason] = []
    if red_flag_reported:
        reasons.append(
            Reason.of(
                "V-PAUSE",
                "A red flag was reported: progression is paused and the clinician is alerted at "
                "once.",
            )
        )
    if progression_paused:
        reasons.append(
            Reason.of(
                "V-PAUSE",
                "Progression stays paused until the clinician has looked: %(why)s",
                # The reasons kept on the program when it was paused.
                why=tuple(progression_paused),
            )
        )
    for exercise, week in zip(ordered, weeks, strict=True):
        if week.max_pain is not None and week.max_pain >= MIN_STEP_BACK_PAIN:
            reasons.append(
                Reason.of(
                    "V-PAUSE",
                    "Pain reached %(pain)s out of 10 with %(exercise)s: progression is paused and "
                    "the clinician is alerted.",
                    pain=week.max_pain,
                    exercise=Name("exercise", exercise.slug, exercise.name),
                )
            )
    pause = bool(reasons)

    proposals = [_review(ex, week) for ex, week in zip(ordered, weeks, strict=True)]
    if pause:
        proposals = [_paused(p, ex) for p, ex in zip(proposals, ordered, strict=True)]
    alerts = _creep(ordered)
    return WeekReview(
        proposals=tuple(proposals),
        pause_progression=pause,
        flag_patient=pause,
        reasons=tuple(reasons),
        alert_clinician=bool(alerts),
        alert_reasons=tuple(alerts),
    )
