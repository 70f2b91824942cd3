"""A rehabilitation course simulated through the real services, then undone.

`simulate_course` builds a clinician, a patient from a plan_preview profile and
the patient's records, then walks the course the way the clinic would: the
program generated and approved, supervised sessions until every exercise is
mastered, home weeks logged by a synthetic patient, and each week's review
proposed and approved. Everything happens inside one transaction that is rolled
back at the end, so nothing lasts and nothing queued with `on_commit` (alert
emails, Celery tasks) ever runs.

Choices the simulation makes, so its output can be read:

- The supervised course is 3 sessions a week, 10 sessions (the program defaults;
  a profile has no STarT Back score). The specialist rates technique 3, then 4,
  and signs off every exercise as mastered at the third session; home week 1
  starts the day after that session.
- The program runs `min(26, weeks + the weeks before home week 1)` weeks, 26 being
  the longest program. With `--weeks 26` the last home week runs past the
  program's end: days after it are not logged, that week is not reviewed, and an
  alert says so.
- A week's `exercises` are those in force on its first day (after the previous
  review was approved and the day's re-check); its `status` is the program's at the end of the week,
  before its own review; its `changes` come from that review (holds left out):
  "progress reps to 2 x 11", "step_back ...", "harder_variant -> slug",
  "easier_variant -> slug", each with its first reason's rule id.
- Every simulated day begins with the clinic's daily re-check against the rules in
  force that day (`program_recheck`, which the beat runs hourly): gestational weeks
  advance, so at 13 weeks R-PREG-2 takes out supine and prone work. What it changes
  is listed with the week's changes as "recheck ...".
- An exercise a review or a re-check sends back to supervision (a harder or easier variant) is
  mastered at the next planned supervised session on or after the review's day;
  once the course's sessions are used up, it is signed off the day after the
  review (a specialist would see the patient for it).
- When a review pauses progression, the simulated clinician approves the review,
  looks, and resumes progression (`progression_resume`), which the alerts say.
- Clinician alerts are read from the event rows (`PatientEvent`) the planner
  records while a week is simulated, which the notifications app would turn into
  alerts. They are deduplicated per day and kind by `patient_event_record`.
- Patterns (pain during / after, how it felt):
  `steady`: every day done, 1 / 2, easy.
  `flare`: steady, except the whole of home week 4 at 7 / 5, hard (a week rather
  than a day, so the step back and its recovery are both visible).
  `creep`: every day done, weekly pain 2, 3, 3, 4, 4, 5 and then 5, felt right.
  `missed`: like steady on 40 % of the home days, chosen by day index
  (`(index * 2) % 5 < 2`); nothing is logged on the other days.
"""

import math
import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from planner import services
from planner.engine.profile import ProfileError, parse_profile
from planner.engine.safety import RulesInForce
from planner.engine.serialize import dose_text
from planner.engine.types import CatalogueExercise, Dose, PatientProfile, Rule
from planner.models import (
    EventKind,
    ExerciseState,
    PatientEvent,
    Program,
    ProgramExercise,
    ReviewStatus,
    SupervisedSession,
    SupervisedStatus,
)
from planner.selectors import home_session_exercises, program_current_version, program_exercises
from rehab import services as rehab_services
from rehab.models import (
    BodyComposition,
    Comorbidity,
    Diagnosis,
    Patient,
    RedFlag,
    StartBackAssessment,
)

PATTERNS = ("steady", "flare", "creep", "missed")
MIN_WEEKS, MAX_WEEKS = 1, 26  # a program lasts at most 26 weeks
SUPERVISED_PER_WEEK = 3
SUPERVISED_COURSE_LENGTH = 10
MASTERED_AT_SESSION = 3
TECHNIQUE_BEFORE_MASTERY = 3  # then one point better each session, 5 when mastered
HEIGHT_CM = 170
# Without a BMI in the profile, a weight under BMI 25, so that no rule follows from a
# made-up weight.
DEFAULT_BMI = 23.0
FLARE_WEEK = 4
CREEP_PAIN = (2, 3, 3, 4, 4, 5)
HOLD_ACTION = "hold"
RULE_ID = re.compile(r"\[([A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*)\]")


class SimulationError(ValueError):
    """The course cannot be simulated; the message says why (and on which day)."""


@dataclass(frozen=True)
class DayLog:
    pain_during: int
    pain_after: int
    difficulty: str


def day_log(*, pattern: str, week: int, index: int) -> DayLog | None:
    """What the synthetic patient logs on home day `index` (0 = first) of home week `week`
    (1 = first); None when the day is skipped."""
    steady = DayLog(1, 2, "easy")
    if pattern == "steady":
        return steady
    if pattern == "flare":
        return DayLog(7, 5, "hard") if week == FLARE_WEEK else steady
    if pattern == "creep":
        pain = CREEP_PAIN[min(week, len(CREEP_PAIN)) - 1]
        return DayLog(pain, pain, "right")
    if pattern == "missed":
        return steady if (index * 2) % 5 < 2 else None
    raise ValueError(f"Unknown pattern {pattern!r}; valid: {', '.join(PATTERNS)}.")


def simulate_course(
    *,
    profile_data: Mapping[str, Any],
    weeks: int,
    pattern: str,
    start: date,
    logs: Sequence[DayLog | None] | None = None,
) -> dict[str, Any]:
    """The course as JSON-ready data: {"weeks": [...]}, one entry per home week.

    `logs`, when given, replaces the pattern: what the patient logs on home day i (None:
    skipped; past its end: skipped), so tests can drive any log sequence.

    Raises ProfileError for a bad profile and SimulationError for anything else that
    stops the course. Writes nothing that lasts.
    """
    if pattern not in PATTERNS:
        raise SimulationError(f"Unknown pattern {pattern!r}; valid: {', '.join(PATTERNS)}.")
    if not MIN_WEEKS <= weeks <= MAX_WEEKS:
        raise SimulationError(f"weeks must be between {MIN_WEEKS} and {MAX_WEEKS}, got {weeks}.")
    profile = parse_profile(
        profile_data,
        diagnoses=set(Diagnosis.objects.values_list("code", flat=True)),
        comorbidities=set(Comorbidity.objects.values_list("code", flat=True)),
        red_flags=set(RedFlag.objects.values_list("code", flat=True)),
    )
    if profile.red_flags:
        raise SimulationError(
            "The simulation is of a course without red flags; with "
            f"{', '.join(profile.red_flags)} there is no home program (see plan_preview)."
        )
    with transaction.atomic():
        try:
            course = _Course(profile, weeks=weeks, pattern=pattern, start=start, logs=logs)
            weeks_out = course.run()
        finally:
            # Whatever happened, nothing of the simulation stays, and on_commit never fires.
            transaction.set_rollback(True)
    return {"weeks": weeks_out}


def _birth_date(age: int, on: date) -> date:
    """Born `age` years before `on` to the day, so the age holds for the whole course."""
    try:
        return on.replace(year=on.year - age)
    except ValueError:  # 29 February
        return on.replace(year=on.year - age, day=28)


def _weight_kg(bmi: float | None) -> Decimal:
    metres = Decimal(HEIGHT_CM) / 100
    value = Decimal(str(DEFAULT_BMI if bmi is None else bmi)) * metres * metres
    return value.quantize(Decimal("0.1"), ROUND_HALF_UP)


def _messages(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(
            f"{field}: {' '.join(str(m) for m in errors)}"
            for field, errors in error.message_dict.items()
        )
    return " ".join(str(m) for m in error.messages)


class _Course:
    def __init__(
        self,
        profile: PatientProfile,
        *,
        weeks: int,
        pattern: str,
        start: date,
        logs: Sequence[DayLog | None] | None = None,
    ) -> None:
        self.profile = profile
        self.logs = logs
        self.weeks = weeks
        self.pattern = pattern
        self.start = start
        self.seen_alerts: set[int] = set()
        # When the exercises a review sent back to supervision are signed off, and where.
        self.mastery_due: tuple[date, SupervisedSession | None] | None = None
        self.recheck_changes: list[dict[str, str]] = []

    def run(self) -> list[dict[str, Any]]:
        self.step = "creating the patient"
        try:
            return self._run()
        except ValidationError as error:
            raise SimulationError(f"Stopped while {self.step}: {_messages(error)}") from None

    def _run(self) -> list[dict[str, Any]]:
        self._create_patient()
        self.step = "generating the program"
        times = services.supervised_times(
            start=self.start,
            per_week=SUPERVISED_PER_WEEK,
            count=SUPERVISED_COURSE_LENGTH,
            time_zone=self.patient.time_zone,
        )
        self.home_start = times[MASTERED_AT_SESSION - 1].date() + timedelta(days=1)
        lead_weeks = math.ceil((self.home_start - self.start).days / 7)
        program = services.program_generate(
            patient=self.patient,
            by=self.user,
            start_date=self.start,
            weeks=min(MAX_WEEKS, self.weeks + lead_weeks),
            supervised_per_week=SUPERVISED_PER_WEEK,
            supervised_course_length=SUPERVISED_COURSE_LENGTH,
        )
        self.program = services.program_approve(program=program, by=self.user)
        self._supervised_phase()
        return [self._home_week(week) for week in range(1, self.weeks + 1)]

    def _create_patient(self) -> None:
        profile = self.profile
        username = "plan_simulate.clinician"
        user_model = get_user_model()
        suffix = 0
        while user_model.objects.filter(username=f"{username}{suffix or ''}").exists():
            suffix += 1
        clinician = rehab_services.clinician_create(
            username=f"{username}{suffix or ''}",
            password=secrets.token_urlsafe(24),  # never shown, never committed
            first_name="Simulated",
            last_name="Clinician",
        )
        self.user = clinician.user
        patient = rehab_services.patient_create(
            clinician=clinician,
            first_name="Simulated",
            last_name="Patient",
            date_of_birth=_birth_date(profile.age, self.start),
            sex=profile.sex,
            height_cm=HEIGHT_CM,
            weight_kg=_weight_kg(profile.bmi),
            fitness_level=profile.fitness,
            pregnancy_weeks=profile.pregnancy_weeks,
        )
        if profile.pregnancy_weeks is not None:
            # The weeks are those of the start date, so gestational_weeks(day) advances with
            # the simulated calendar; patient_create dates them today, and a start date in
            # the future is not a date the admin would accept.
            Patient.objects.filter(pk=patient.pk).update(pregnancy_weeks_on=self.start)
            patient.refresh_from_db()
        self.patient = patient
        for diagnosis in profile.diagnoses:
            rehab_services.patient_diagnosis_add(
                patient=patient, code=diagnosis.code, side=diagnosis.side, stage=diagnosis.stage
            )
        for code in sorted(profile.comorbidities - {"pregnancy"}):
            # Pregnancy is recorded on the patient itself, with its weeks.
            rehab_services.patient_comorbidity_add(patient=patient, code=code)
        if profile.start_back is not None:
            # Answers that score as the profile's risk (Hill et al.: items 5-9 psychosocial).
            agreed = {"low": (), "medium": (1, 2, 3, 4, 5), "high": (5, 6, 7, 8, 9)}
            StartBackAssessment.objects.create(
                patient=patient,
                assessed_on=self.start,
                **{f"item_{n}": n in agreed[profile.start_back] for n in range(1, 10)},
            )
        if profile.low_muscle_mass or profile.fat_percent is not None:
            BodyComposition.objects.create(
                patient=patient,
                assessed_on=self.start,
                fat_percent=Decimal(str(profile.fat_percent or 25)),
                muscle_mass_kg=Decimal(30),
                water_percent=Decimal(50),
                basal_metabolic_rate_kcal=1400,
                muscle_mass_low=profile.low_muscle_mass,
            )

    # -- the clinic -------------------------------------------------------------------------

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

    # -- home -------------------------------------------------------------------------------

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


def course_to_text(course: Mapping[str, Any]) -> str:
    """The simulated course for people: one block per home week."""
    lines: list[str] = []
    for week in course["weeks"]:
        lines.append(f"Week {week['week']} from {week['date']}: {week['status']}")
        for exercise in week["exercises"]:
            dose = exercise["dose"]
            amount = dose_text(dose["sets"], dose["reps"], dose["hold_s"], dose["duration_s"])
            lines.append(
                f"  {exercise['name']} ({exercise['slug']}, difficulty {exercise['difficulty']}): "
                f"{amount} - {exercise['mode']}"
            )
        for change in week["changes"]:
            lines.append(f"  Change: {change['slug']}: {change['change']} [{change['rule']}]")
        for alert in week["alerts"]:
            lines.append(f"  Alert {alert['kind']}: {alert['text']}")
        lines.append("")
    return "\n".join(lines)


__all__ = ["PATTERNS", "ProfileError", "SimulationError", "course_to_text", "simulate_course"]


def course_violations(
    *,
    profile: PatientProfile,
    course: Mapping[str, Any],
    start: date,
    catalogue: Mapping[str, CatalogueExercise],
    rules: Sequence[Rule],
) -> list[str]:
    """Every way a simulated course breaks the rules in force in its own weeks (should be none).

    Each week is judged with the patient as they are that week (gestational weeks advance
    from `start`): no exercise a rule blocks or keeps only as an easier variant, no dose
    outside the exercise's bounds or a caution's cap, nothing a caution keeps at the clinic
    offered at home.
    """
    found: list[str] = []
    for week in course["weeks"]:
        day = date.fromisoformat(week["date"])
        pregnancy = profile.pregnancy_weeks
        if pregnancy is not None:
            pregnancy += (day - start).days // 7
        in_force = RulesInForce(replace(profile, pregnancy_weeks=pregnancy), rules)
        for item in week["exercises"]:
            where = f"week {week['week']} ({week['date']}) {item['slug']}"
            exercise = catalogue.get(item["slug"])
            if exercise is None:
                found.append(f"{where}: not in the library")
                continue
            tags = set(item["movement_tags"])
            # Read from the rule rows directly, not only through the engine's own check.
            for rule in in_force.rules:
                if tags & rule.block_tags:
                    found.append(f"{where}: {sorted(tags & rule.block_tags)} blocked by {rule.id}")
                if rule.max_difficulty is not None and item["difficulty"] > rule.max_difficulty:
                    found.append(f"{where}: difficulty {item['difficulty']} over {rule.id}")
                if rule.caution_action == "easier_variant" and tags & rule.caution_tags:
                    found.append(f"{where}: only an easier variant allowed by {rule.id}")
            dose = Dose(**item["dose"])
            low, high = exercise.dose_min, exercise.dose_max
            if not (
                max(1, low.sets) <= dose.sets <= high.sets
                and low.reps <= dose.reps <= high.reps
                and low.hold_s <= dose.hold_s <= high.hold_s
                and low.duration_s <= dose.duration_s <= high.duration_s
            ):
                found.append(f"{where}: dose {dose} outside the exercise's bounds")
            verdict = in_force.check(exercise)
            if not verdict.allowed:
                found.append(f"{where}: {verdict.outcome} by {verdict.rule}")
                continue
            if in_force.allowed_dose(exercise, dose) != dose:
                found.append(f"{where}: dose {dose} outside its bounds or caps")
            if verdict.supervised_only and item["mode"] == "home":
                found.append(f"{where}: at home, but a caution keeps it at the clinic")
    return found
