"""The clinic's side of a simulated course: supervised sessions, mastery, the daily re-check."""

import re
from datetime import date, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from planner import services
from planner.models import (
    ExerciseState,
    Program,
    ProgramExercise,
    SupervisedSession,
    SupervisedStatus,
)
from planner.selectors import program_current_version, program_exercises
from rehab.models import Patient

if TYPE_CHECKING:
    from django.contrib.auth.models import User

SUPERVISED_PER_WEEK = 3
SUPERVISED_COURSE_LENGTH = 10
MASTERED_AT_SESSION = 3
TECHNIQUE_BEFORE_MASTERY = 3  # then one point better each session, 5 when mastered
RULE_ID = re.compile(r"\[([A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*)\]")


class SimulationError(ValueError):
    """The course cannot be simulated; the message says why (and on which day)."""


class Clinic:
    """The clinic: the supervised sessions, signing off mastery, and the daily re-check."""

    # What the course (`planner.simulate.course._Course`) sets up as it runs.
    start: date
    step: str
    user: "User"
    patient: Patient
    program: Program
    home_start: date
    mastery_due: tuple[date, SupervisedSession | None] | None
    recheck_changes: list[dict[str, str]]

    def _local_day(self, session: SupervisedSession) -> date:
        return session.scheduled_for.astimezone(ZoneInfo(self.patient.time_zone)).date()

    def _items(self) -> list[ProgramExercise]:
        return program_exercises(version=program_current_version(program=self.program))

    def _waiting(self) -> list[ProgramExercise]:
        return [item for item in self._items() if item.state == ExerciseState.SUPERVISED]

    def _supervised_phase(self) -> None:
        sessions = list(self.program.supervised_sessions.order_by("number"))
        checked = self.start
        for number, session in enumerate(sessions[:MASTERED_AT_SESSION], start=1):
            mastered = number == MASTERED_AT_SESSION
            day = self._local_day(session)
            while checked <= day:
                self._recheck(checked)
                checked += timedelta(days=1)
            self.step = f"recording supervised session {number} on {day}"
            services.supervised_session_record(
                session=session,
                by=self.user,
                entries=[
                    services.SupervisedEntry(
                        item.pk,
                        technique=5 if mastered else TECHNIQUE_BEFORE_MASTERY + number - 1,
                        mastered=mastered,
                    )
                    for item in self._waiting()
                ],
                note="Simulated session.",
                today=day,
            )
        # Before home week 1 a re-check is part of the plan as it starts, and what it sent to
        # supervision has just been mastered with the rest.
        self.recheck_changes.clear()
        self.mastery_due = None
        self.program.refresh_from_db()
        if self.program.home_started_on is None or self.program.home_started_on >= self.home_start:
            raise SimulationError(
                "Home training did not start after the supervised sessions; "
                f"home start is {self.program.home_started_on}."
            )

    def _plan_mastery(self, from_day: date) -> None:
        """Choose when the exercises a review or a re-check sent back to supervision are
        mastered: at the next planned session from `from_day`, else the day after it."""
        if not self._waiting():
            self.mastery_due = None
            return
        planned = self.program.supervised_sessions.filter(status=SupervisedStatus.PLANNED)
        session = next(
            (s for s in planned.order_by("scheduled_for") if self._local_day(s) >= from_day), None
        )
        if session is not None:
            self.mastery_due = (self._local_day(session), session)
        else:
            self.mastery_due = (from_day + timedelta(days=1), None)

    def _recheck(self, day: date) -> None:
        """What the clinic's hourly re-check does on the patient's new day (the rules in force
        that day: gestational weeks advance, a birthday changes the age band)."""
        self.step = f"re-checking the program against the rules in force on {day}"
        before = {item.position: item for item in self._items()}
        version = services.program_recheck(program=self.program, by=self.user, on=day)
        if version is None:
            return
        lines = version.diff.splitlines()
        for item in program_exercises(version=version):
            old = before.get(item.position)
            if old is None:
                continue
            if old.exercise_id != item.exercise_id:
                change = f"recheck -> {item.exercise.slug}"
            elif old.state != item.state:
                change = f"recheck {item.state}"
            elif (old.sets, old.reps, old.hold_s, old.duration_s) != (
                item.sets,
                item.reps,
                item.hold_s,
                item.duration_s,
            ):
                change = f"recheck dose to {item.dose_text}"
            elif old.supervised_only != item.supervised_only:
                change = "recheck supervised_only"
            else:
                continue
            said = next((line for line in lines if old.exercise.name in line), "")
            rule = RULE_ID.search(said)
            self.recheck_changes.append(
                {"slug": old.exercise.slug, "change": change, "rule": rule.group(1) if rule else ""}
            )
        self.program.refresh_from_db()
        if self.mastery_due is None:
            self._plan_mastery(day)

    def _master_if_due(self, day: date) -> None:
        if self.mastery_due is None or self.mastery_due[0] != day:
            return
        _, session = self.mastery_due
        self.mastery_due = None
        waiting = self._waiting()
        if not waiting:
            return
        self.step = f"signing off mastery on {day}"
        if session is not None:
            services.supervised_session_record(
                session=session,
                by=self.user,
                entries=[
                    services.SupervisedEntry(item.pk, technique=5, mastered=True)
                    for item in waiting
                ],
                note="Simulated session: the new variant practised and mastered.",
                today=day,
            )
        else:
            for item in waiting:
                services.mastery_sign_off(program_exercise=item, by=self.user, on=day)
