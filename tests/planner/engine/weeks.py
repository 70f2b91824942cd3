"""Hand-made weeks for the review tests: log entries, exercises under review, whole courses.

Monday 3 March 2025 is day 0. A repetition exercise is a bridge of 2 x 10 (limits:
repetitions 4-30, holds to 30 s); a timed one lasts 60 s (limits 20-300 s). `changed`
and `allowed` say which of a dose's VARIABLES a proposal moved, and may move.
"""

from dataclasses import fields, replace
from datetime import date, timedelta

from planner.engine.review.types import ExerciseLog, ExerciseUnderReview, Proposal
from planner.engine.review.week import review_week
from planner.engine.types import Dose

MONDAY = date(2025, 3, 3)
VARIABLES = tuple(f.name for f in fields(Dose))
# The limits of the hand-made exercises: repetitions 4-30 (holds to 30 s), or 20-300 seconds.
REPS_MIN, REPS_MAX = Dose(1, 4, 0, 0), Dose(4, 30, 30, 0)
TIMED_MIN, TIMED_MAX = Dose(1, 0, 0, 20), Dose(3, 0, 0, 300)


def day(n: int) -> date:
    return MONDAY + timedelta(days=n)


def log(n, *, done=True, during=1, after=1, feel="easy") -> ExerciseLog:
    return ExerciseLog(day(n), done, during, after, feel)


def easy_week(sessions=7, *, pain=1, start=0) -> tuple[ExerciseLog, ...]:
    """A session done on each of the first `sessions` days, low pain, every one easy."""
    return tuple(log(start + n, during=pain, after=pain) for n in range(sessions))


def steady_week(*, during, after, start=0) -> tuple[ExerciseLog, ...]:
    """Seven easy sessions with the same pain every day."""
    return tuple(log(start + n, during=during, after=after) for n in range(7))


def reps_exercise(
    *,
    slug="bridge",
    sets=2,
    reps=10,
    hold_s=0,
    low=REPS_MIN,
    high=REPS_MAX,
    logs=None,
    scheduled=7,
    baseline=3,
    baseline_during=None,
    baseline_after=None,
    harder=None,
    easier=None,
    exact=None,
) -> ExerciseUnderReview:
    return ExerciseUnderReview(
        slug=slug,
        name=slug.replace("-", " ").capitalize(),
        dose=Dose(sets, reps, hold_s, 0),
        dose_min=low,
        dose_max=high,
        harder=harder,
        easier=easier,
        scheduled_days=scheduled,
        logs=easy_week() if logs is None else logs,
        baseline_pain_during=baseline if baseline_during is None else baseline_during,
        baseline_pain_after=baseline if baseline_after is None else baseline_after,
        exact=exact,
    )


def timed_exercise(*, duration_s=60, low=TIMED_MIN, high=TIMED_MAX, **kwargs):
    exercise = reps_exercise(low=low, high=high, **kwargs)
    return replace(exercise, dose=Dose(exercise.dose.sets, 0, 0, duration_s))


def review_one(exercise: ExerciseUnderReview, **kwargs) -> Proposal:
    (proposal,) = review_week([exercise], **kwargs).proposals
    return proposal


def rules(proposal: Proposal) -> list[str]:
    return [reason.rule for reason in proposal.reasons]


def text(proposal: Proposal) -> str:
    return " ".join(reason.text for reason in proposal.reasons)


def applied(exercise: ExerciseUnderReview, proposal: Proposal, logs) -> ExerciseUnderReview:
    """Next week's exercise once the proposal is applied (a change of variant keeps the dose)."""
    return replace(exercise, dose=proposal.dose, exact=proposal.exact, logs=logs)


def course(exercise: ExerciseUnderReview, weeks) -> list[Proposal]:
    """Review week after week, applying every proposal; `weeks` gives each week's logs."""
    proposals = []
    for logs in weeks:
        exercise = replace(exercise, logs=logs)
        proposal = review_one(exercise)
        proposals.append(proposal)
        exercise = applied(exercise, proposal, logs)
    return proposals


def changed(before, after) -> list[str]:
    return [name for name in VARIABLES if getattr(before, name) != getattr(after, name)]


def allowed(variable: str | None, *, volume: str) -> set[str]:
    """What one proposal may change: its variable; one more set also lowers the volume."""
    if variable is None:
        return set()
    return {"sets", volume} if variable == "sets" else {variable}
