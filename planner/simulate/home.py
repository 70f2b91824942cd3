"""The home weeks of a simulated course: the days logged, each week reviewed, the alerts."""

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from planner import services
from planner.engine.serialize import dose_text
from planner.models import EventKind, ExerciseState, PatientEvent, Program, ReviewStatus
from planner.selectors import home_session_exercises
from planner.simulate.clinic import Clinic
from planner.simulate.patterns import DayLog, day_log

HOLD_ACTION = "hold"


class HomeWeeks(Clinic):
    """Home training: each day logged by the synthetic patient, each week's review approved."""

    # Set by the course (`planner.simulate.course._Course`).
    logs: Sequence[DayLog | None] | None
    pattern: str
    seen_alerts: set[int]

    def _log_day(self, day: date, week: int) -> None:
        self.program.refresh_from_db()
        items = home_session_exercises(program=self.program, day=day)
        index = (day - self.home_start).days
        if self.logs is not None:
            log = self.logs[index] if index < len(self.logs) else None
        else:
            log = day_log(pattern=self.pattern, week=week, index=index)
        if not items or log is None:
            return
        self.step = f"logging {day}"
        services.session_log_record(
            patient=self.patient,
            day=day,
            client_key=f"simulate-{self.patient.pk}-{day.isoformat()}",
            entries=[
                services.LogEntry(
                    item.exercise.slug,
                    done=True,
                    sets_done=item.sets,
                    reps_done=item.reps,
                    pain_during=log.pain_during,
                    pain_after=log.pain_after,
                    difficulty=log.difficulty,
                )
                for item in items
            ],
            today=day,
        )

    def _in_force(self) -> list[dict[str, Any]]:
        rows = []
        for item in self._items():
            if item.state in (ExerciseState.RETIRED, ExerciseState.PAUSED):
                continue
            home = item.state == ExerciseState.MASTERED and not item.supervised_only
            rows.append(
                {
                    "slug": item.exercise.slug,
                    "name": item.exercise.name,
                    "movement_tags": sorted(
                        item.exercise.movement_tags.values_list("code", flat=True)
                    ),
                    "difficulty": item.exercise.difficulty,
                    "mode": "home" if home else "supervised",
                    "dose": {
                        "sets": item.sets,
                        "reps": item.reps,
                        "hold_s": item.hold_s,
                        "duration_s": item.duration_s,
                    },
                }
            )
        return rows

    def _new_alerts(self) -> list[dict[str, str]]:
        rows = PatientEvent.objects.filter(patient=self.patient).exclude(pk__in=self.seen_alerts)
        alerts = []
        for event in rows.order_by("pk"):
            self.seen_alerts.add(event.pk)
            # A review's alert carries its reasons, which the week lists as the review's own.
            details = ", ".join(
                f"{key} {value}" for key, value in sorted(event.context.items()) if key != "reason"
            )
            label = EventKind(event.kind).label
            alerts.append(
                {"kind": event.kind, "text": f"{label} ({details})." if details else label}
            )
        return alerts

    def _home_week(self, week: int) -> dict[str, Any]:
        week_start = self.home_start + timedelta(days=7 * (week - 1))
        week_end = week_start + timedelta(days=6)
        exercises: list[dict[str, Any]] = []
        for offset in range(7):
            day = week_start + timedelta(days=offset)
            if self.program.covers(day):
                self._recheck(day)
            if offset == 0:
                exercises = self._in_force()
            if not self.program.covers(day):
                continue
            self._master_if_due(day)
            self._log_day(day, week)
        self.program.refresh_from_db()
        status = str(self.program.status)
        if self.program.progression_paused_reason:
            status += ", progression paused"
        alerts = self._new_alerts()
        changes, self.recheck_changes = self.recheck_changes, []
        if self.program.covers(week_end):
            changes += self._review(week_start, week_end + timedelta(days=1), alerts)
        else:
            alerts.append(
                {
                    "kind": "program_end",
                    "text": f"The program ends on {self.program.end_date} ({self.program.weeks} "
                    "weeks, the longest a program runs): days after it are not logged and this "
                    "week is not reviewed.",
                }
            )
        return {
            "week": week,
            "date": week_start.isoformat(),
            "status": status,
            "exercises": exercises,
            "changes": changes,
            "alerts": alerts,
        }

    def _review(
        self, week_start: date, review_day: date, alerts: list[dict[str, str]]
    ) -> list[dict[str, str]]:
        self.step = f"reviewing the week from {week_start}"
        proposal = services.review_propose(
            program=self.program, week_start=week_start, today=review_day
        )
        changes = []
        items = proposal.items.select_related("program_exercise__exercise", "new_exercise")
        for item in items.order_by("program_exercise__position"):
            if item.action == HOLD_ACTION:
                continue
            change = item.action + (f" {item.variable}" if item.variable else "")
            if item.action in ("progress", "step_back") and item.variable:
                change += f" to {dose_text(item.sets, item.reps, item.hold_s, item.duration_s)}"
            if item.new_exercise is not None:
                change += f" -> {item.new_exercise.slug}"
            changes.append(
                {
                    "slug": item.program_exercise.exercise.slug,
                    "change": change,
                    "rule": item.reasons[0]["rule"] if item.reasons else "",
                }
            )
        for reason in [*proposal.reasons, *proposal.alert_reasons]:
            rule = str(reason.get("rule", ""))
            kind = (
                "creeping_pain"
                if "CREEP" in rule
                else "progression_paused"
                if rule == "V-PAUSE"
                else rule.lower()
            )
            alerts.append({"kind": kind, "text": f"[{rule}] {reason.get('text', '')}"})
        if proposal.status == ReviewStatus.PENDING:  # unless the clinic auto-applies reviews
            services.review_approve(proposal=proposal, by=self.user, on=review_day)
        alerts.extend(self._new_alerts())
        self.program = Program.objects.get(pk=self.program.pk)
        if self.program.progression_paused_reason:
            reason = self.program.progression_paused_reason
            self.step = f"resuming progression on {review_day}"
            services.progression_resume(program=self.program, by=self.user)
            self.program.refresh_from_db()
            alerts.append(
                {
                    "kind": "progression_resumed",
                    "text": f"Simulated clinician: approved the review on {review_day}, looked "
                    f"at why progression paused ({reason}) and resumed it so the course goes "
                    "on.",
                }
            )
        self._plan_mastery(review_day)
        return changes
