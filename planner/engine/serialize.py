"""Plans as plain data (for JSON) and as text (for people)."""

from collections.abc import Mapping
from typing import Any

from planner.engine.types import DailyActivity, Name, Param, Plan, Reason


def reason_row(reason: Reason) -> dict[str, Any]:
    """An explanation as stored and sent: its rule, its English text, and its message with
    its parameters, so that it can be shown in another language later
    (`planner.explanations.reason_text`)."""
    row: dict[str, Any] = {"rule": reason.rule, "text": reason.text, "message": reason.message}
    if reason.params:
        row["params"] = {key: _param_value(value) for key, value in reason.params}
    return row


def reason_of_row(row: Mapping[str, Any]) -> Reason:
    """The explanation a stored row (`reason_row`) was made from. A row without a message (a
    clinician's note, or one kept before explanations were data) becomes a message of its
    own text, which no catalogue translates: it is shown as it was written."""
    message = row.get("message")
    rule = str(row.get("rule", ""))
    if not isinstance(message, str):
        return Reason(rule, str(row.get("text", "")).replace("%", "%%"))
    params = row.get("params") or {}
    return Reason(rule, message, tuple((key, _param_of(value)) for key, value in params.items()))


def _param_of(value: Any) -> Param:
    if isinstance(value, dict) and "message" in value:
        return reason_of_row(value)
    if isinstance(value, dict) and "name" in value:
        return Name(value["name"], str(value["key"]), str(value.get("text", "")))
    if isinstance(value, list):
        items = [_param_of(item) for item in value]
        if all(isinstance(item, Reason) for item in items):
            return tuple(item for item in items if isinstance(item, Reason))
        return tuple(item for item in items if isinstance(item, Name))
    if isinstance(value, int | float | str):
        return value
    return str(value)


def _param_value(value: Param) -> Any:
    if isinstance(value, Reason):
        return reason_row(value)
    if isinstance(value, Name):
        return {"name": value.kind, "key": value.key, "text": value.text}
    if isinstance(value, tuple):
        return [_param_value(name) for name in value]
    return value


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    return {
        "status": plan.status,
        "reasons": [reason_row(r) for r in plan.reasons],
        "exercises": [
            {
                "slug": e.slug,
                "name": e.name,
                "category": e.category,
                "difficulty": e.difficulty,
                "movement_tags": list(e.movement_tags),
                "dose": {
                    "sets": e.dose.sets,
                    "reps": e.dose.reps,
                    "hold_s": e.dose.hold_s,
                    "duration_s": e.dose.duration_s,
                },
                "per_side": e.per_side,
                "mode": e.mode,
                "supervised_only": e.supervised_only,
                "seconds": e.seconds,
                "why": [reason_row(r) for r in e.why],
            }
            for e in plan.exercises
        ],
        "excluded": [
            {"slug": x.slug, "rule": x.rule, "reason": x.reason, "because": reason_row(x.because)}
            for x in plan.excluded
        ],
        "daily_minutes": plan.daily_minutes,
        "max_rpe": plan.max_rpe,
        "notes": list(plan.notes),
        "activity": activity_to_dict(plan.activity),
        "advice": [reason_row(r) for r in plan.advice],
        "supervised_course": {
            "per_week": plan.supervised_per_week,
            "sessions": plan.supervised_sessions,
        },
    }


def activity_to_dict(activity: DailyActivity | None) -> dict[str, Any] | None:
    if activity is None:
        return None
    return {
        "slug": activity.slug,
        "name": activity.name,
        "minutes": activity.minutes,
        "weekly_minutes": activity.weekly_minutes,
        "text": activity.text,
        "pace": activity.pace,
        "why": [reason_row(r) for r in activity.why],
    }


def dose_text(sets: int, reps: int, hold_s: int, duration_s: int, per_side: bool = False) -> str:
    """A dose in a clinician's shorthand, exactly as prescribed: "2 x 10 each side, hold 5 s"."""
    side = " each side" if per_side else ""
    if duration_s:
        minutes, seconds = divmod(duration_s, 60)
        length = (
            f"{minutes} min {seconds} s"
            if minutes and seconds
            else (f"{minutes} min" if minutes else f"{seconds} s")
        )
        return f"{sets} x {length}{side}"
    hold = f", hold {hold_s} s" if hold_s else ""
    return f"{sets} x {reps}{side}{hold}"


def plan_to_text(plan: Plan) -> str:
    lines = [f"Status: {plan.status}"]
    if plan.status != "blocked":
        lines.append(f"About {plan.daily_minutes} minutes a day, {len(plan.exercises)} exercises.")
    if plan.reasons:
        lines.append("")
        lines.append("Reasons and rules applied:")
        lines.extend(f"  [{r.rule}] {r.text}" for r in plan.reasons)
    for number, exercise in enumerate(plan.exercises, start=1):
        dose = exercise.dose
        lines.append("")
        amount = dose_text(dose.sets, dose.reps, dose.hold_s, dose.duration_s, exercise.per_side)
        where = exercise.mode + (" only" if exercise.supervised_only else "")
        category = exercise.category.replace("_", " ")
        lines.append(
            f"{number}. {exercise.name} ({category}, difficulty {exercise.difficulty}): "
            f"{amount} - {where}"
        )
        lines.extend(f"     [{r.rule}] {r.text}" for r in exercise.why)
    if plan.activity is not None:
        lines.append("")
        lines.append(
            f"Daily activity, apart from the session (about {plan.activity.weekly_minutes} "
            "minutes a week):"
        )
        lines.append(f"  {plan.activity.text}")
        lines.extend(f"     [{r.rule}] {r.text}" for r in plan.activity.why)
    if plan.status != "blocked":
        lines.append("")
        lines.append(
            f"Supervised course: {plan.supervised_sessions} sessions, "
            f"{plan.supervised_per_week} a week."
        )
    if plan.advice:
        lines.append("")
        lines.append("Looking after your back:")
        lines.extend(f"  [{r.rule}] {r.text}" for r in plan.advice)
    if plan.excluded:
        lines.append("")
        lines.append("Left out:")
        lines.extend(f"  {x.slug} [{x.rule}] {x.reason}" for x in plan.excluded)
    lines.extend(plan.notes)
    return "\n".join(lines) + "\n"
