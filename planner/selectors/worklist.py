"""The clinician's worklist ("Needs attention"): which of their patients need them, and why.

Each reason is worked out from the records as they stand now, so it leaves the list by
itself once it is resolved (the flag resolved, the review decided, a log sent); a
clinician may also mark it handled (`WorklistMark`), which hides it until its `since`
moves (a new event of that kind). The reasons, in the order of urgency
(`WorklistKind`'s order):

- red flags, active: cauda equina signs (a same-day flag) first, then one the patient
  reported in a symptom report (noted by no clinician), then one the clinic recorded;
  since: the newest flag's time;
- pain of 6 or more: the highest pain (during or after) of the latest day the patient
  logged pain; since: the start (local midnight) of that day;
- pain rising: CLINICAL.md's 2 points over baseline, like with like. The baseline is the
  median of the daily pain (the highest of the day, during and after apart) over the
  first 7 days of home training; the recent pain is the same median over the last 7
  days (the patient's local days, today included). Only once those weeks do not overlap
  (13 days after home training began); since: the start of the latest day logged;
- days missed: 3 or more planned home days in a row without a log, up to yesterday
  (the patient's local days). A planned day is a day of an active program from the day
  home training began; since: the start (local midnight) of the first missed day;
- a past clinic session not recorded: planned, on a local day before today; since: the
  oldest such session's time;
- a weekly review waiting; a program paused (since: the pause in the record of care);
  a draft waiting for approval; invited to the app but never signed in (since: the
  newest invitation);
- today's clinic sessions (the patient's local day), planned or done, least urgent;
- questionnaires (`_questionnaires`): one overdue (due for more than 3 of the patient's
  local days, `rehab.questionnaires.due`), ranked after a draft waiting; an ODI 10 points
  or a pain score 2 points worse than the answer before (the minimal important change),
  ranked after pain rising.

Queries: a fixed number (thirteen) whatever the number of patients; see `SOURCES`.
A new kind of reason is a member of `WorklistKind` and a function in `SOURCES`: it gets
the `Scope` (the patients, their local today, the moment) and returns
`(patient id, Reason)` pairs, in a fixed number of queries of its own.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from statistics import median
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import (
    DateField,
    Exists,
    F,
    Func,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from planner.models import (
    OPEN_STATUSES,
    ExerciseLog,
    HomeSession,
    Program,
    ProgramStatus,
    ReviewProposal,
    ReviewStatus,
    SupervisedSession,
    SupervisedStatus,
    WorklistKind,
    WorklistMark,
)
from rehab.models import (
    CareAction,
    CareRecordEntry,
    Patient,
    PatientInvite,
    PatientRedFlag,
    QuestionnaireKind,
)
from rehab.questionnaires.due import due_state
from rehab.questionnaires.selectors import (
    questionnaire_schedules_with_answers,
    questionnaire_worsenings,
)
from rehab.selectors import patient_visible_to

PAIN_HIGH_FROM = 6  # CLINICAL.md: pain of 6 or more steps back and alerts
PAIN_RISE = 2  # the minimal important change of the pain scale
BASELINE_DAYS = 7  # the first week of home training
RECENT_DAYS = 7  # the week the recent pain is read from
MISSED_DAYS_FROM = 3  # planned home days in a row without a log
URGENCY = {kind: rank for rank, kind in enumerate(WorklistKind.values)}


@dataclass(frozen=True)
class Reason:
    kind: str
    since: datetime
    detail: str
    link: str
    handled_by: str = ""  # who marked it handled (shown only with include_handled)
    handled_at: datetime | None = None

    @property
    def label(self) -> str:
        return str(WorklistKind(self.kind).label)

    @property
    def handled(self) -> bool:
        return self.handled_at is not None


@dataclass(frozen=True)
class WorklistRow:
    patient: Patient
    reasons: list[Reason]

    @property
    def urgency(self) -> int:
        return URGENCY[self.reasons[0].kind]

    @property
    def link(self) -> str:
        """The patient's overview in the clinic's workspace: what they did and reported."""
        return _overview_link(self.patient.pk)


@dataclass
class Scope:
    """What every source works from: the patients (by id) and each one's local today."""

    now: datetime
    patients: dict[int, Patient]
    # The same patients as a subquery: an IN list of a thousand ids costs more to build
    # and bind than the subquery costs to run.
    query: Any = None
    today: dict[int, date] = field(default_factory=dict)

    def zone(self, patient_id: int) -> ZoneInfo:
        return ZoneInfo(self.patients[patient_id].time_zone)

    def start_of(self, patient_id: int, day: date) -> datetime:
        """Local midnight of the patient's day, as an aware moment."""
        return datetime.combine(day, time(), tzinfo=self.zone(patient_id))

    @property
    def ids(self) -> list[int]:
        return list(self.patients)


Source = Callable[[Scope], Iterable[tuple[int, Reason]]]


_PLACEHOLDER = 987654321


@lru_cache(maxsize=16)
def _link_pattern(name: str, prefix: str) -> str:
    """An admin page's URL with a placeholder for the id: a worklist of a thousand patients
    would otherwise resolve a thousand URLs."""
    return reverse(name, args=[_PLACEHOLDER])


def _admin_link(name: str, pk: int) -> str:
    # The script prefix is part of the key: a test or a deployment may change it.
    return _link_pattern(name, get_script_prefix()).replace(str(_PLACEHOLDER), str(pk), 1)


def _patient_link(patient_id: int) -> str:
    return _admin_link("admin:rehab_patient_change", patient_id)


def _overview_link(patient_id: int) -> str:
    # Pain and missed days are read in the home log, on the patient's overview.
    return _admin_link("admin:rehab_patient_overview", patient_id)


def _red_flags(scope: Scope) -> Iterable[tuple[int, Reason]]:
    flags: dict[tuple[int, str], list[tuple[datetime, str]]] = defaultdict(list)
    for patient_id, noted_at, noted_by, name, same_day in PatientRedFlag.objects.filter(
        patient__in=scope.query, status=PatientRedFlag.Status.ACTIVE
    ).values_list("patient", "noted_at", "noted_by", "red_flag__name", "red_flag__same_day"):
        kind: str
        if same_day:
            kind = WorklistKind.CAUDA_EQUINA
        elif noted_by is None:
            kind = WorklistKind.RED_FLAG_REPORTED
        else:
            kind = WorklistKind.RED_FLAG_RECORDED
        flags[patient_id, kind].append((noted_at, _(name)))
    for (patient_id, kind), rows in flags.items():
        names = ", ".join(name for _at, name in sorted(rows))
        if kind == WorklistKind.CAUDA_EQUINA:
            detail = _("%(flags)s: cauda equina signs; see the patient today.") % {"flags": names}
        elif kind == WorklistKind.RED_FLAG_REPORTED:
            detail = _("Reported by the patient: %(flags)s. The program is paused.") % {
                "flags": names
            }
        else:
            detail = _("Recorded by the clinic: %(flags)s.") % {"flags": names}
        yield (
            patient_id,
            Reason(kind, max(at for at, _n in rows), detail, _patient_link(patient_id)),
        )


def _with_pain(until: date) -> QuerySet[HomeSession]:
    """A program's home days with logged pain, up to `until` (correlated to the program)."""
    return HomeSession.objects.filter(program=OuterRef("pk"), day__lte=until).filter(
        Exists(
            ExerciseLog.objects.filter(home_session=OuterRef("pk")).filter(
                Q(pain_during__isnull=False) | Q(pain_after__isnull=False)
            )
        )
    )


def _programs(scope: Scope) -> list[Program]:
    """Each patient's open program, with the moment it was last paused and the home day
    of its latest logged pain and of its latest done exercise."""
    # Home days are made for the whole program ahead: start from the latest local today.
    until = max(scope.today.values())
    home_session_done = HomeSession.objects.filter(program=OuterRef("pk"), day__lte=until).filter(
        Exists(ExerciseLog.objects.filter(home_session=OuterRef("pk"), done=True))
    )
    paused_at = CareRecordEntry.objects.filter(
        patient=OuterRef("patient"), action=CareAction.PROGRAM_PAUSED
    ).order_by("-at")
    return list(
        Program.objects.filter(patient__in=scope.query, status__in=OPEN_STATUSES)
        .only(
            "patient_id",
            "status",
            "start_date",
            "weeks",
            "home_started_on",
            "created_at",
            "updated_at",
            "paused_reason",
        )
        .annotate(
            paused_at=Subquery(paused_at.values("at")[:1]),
            last_done_day=Subquery(home_session_done.order_by("-day").values("day")[:1]),
            pain_session=Subquery(_with_pain(until).order_by("-day").values("pk")[:1]),
        )
    )


def _program_reasons(scope: Scope) -> Iterable[tuple[int, Reason]]:
    programs = _programs(scope)
    for program in programs:
        link = _admin_link("admin:planner_program_change", program.pk)
        if program.status == ProgramStatus.DRAFT:
            yield (
                program.patient_id,
                Reason(
                    WorklistKind.DRAFT_WAITING,
                    program.created_at,
                    _("Draft program from %(day)s waiting for approval.")
                    % {"day": program.start_date.isoformat()},
                    link,
                ),
            )
        elif program.status == ProgramStatus.PAUSED:
            yield (
                program.patient_id,
                Reason(
                    WorklistKind.PROGRAM_PAUSED,
                    getattr(program, "paused_at", None) or program.updated_at,
                    _("Paused: %(reason)s") % {"reason": program.paused_reason}
                    if program.paused_reason
                    else _("Paused."),
                    link,
                ),
            )
        else:
            missed = _days_missed(scope, program)
            if missed is not None:
                yield program.patient_id, missed
    yield from _pain_reasons(scope, [p for p in programs if p.status == ProgramStatus.ACTIVE])


def _days_missed(scope: Scope, program: Program) -> Reason | None:
    if program.home_started_on is None:
        return None
    today = scope.today[program.patient_id]
    first = max(program.home_started_on, program.start_date)
    last_done: date | None = getattr(program, "last_done_day", None)
    if last_done is not None:
        first = max(first, last_done + timedelta(days=1))
    last = min(today - timedelta(days=1), program.end_date)
    days = (last - first).days + 1
    if days < MISSED_DAYS_FROM:
        return None
    detail = ngettext(
        "%(days)d planned home day in a row without a log, from %(first)s (listed from %(from)d).",
        "%(days)d planned home days in a row without a log, from %(first)s (listed from %(from)d).",
        days,
    ) % {"days": days, "first": first.isoformat(), "from": MISSED_DAYS_FROM}
    return Reason(
        WorklistKind.DAYS_MISSED,
        scope.start_of(program.patient_id, first),
        detail,
        _overview_link(program.patient_id),
    )


class DaysAfter(Func):
    """A date column plus a fixed number of days, worked out by the database (Django's date
    arithmetic on SQLite calls back into Python for every row)."""

    output_field = DateField()
    template = "(%(expressions)s + %(days)d)"

    def __init__(self, expression: Any, *, days: int) -> None:
        super().__init__(expression, days=int(days))

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="date(%(expressions)s, '+%(days)d days')",
            **extra_context,
        )


@dataclass(frozen=True)
class _Day:
    day: date | None  # None in the baseline week, where only the values count
    during: int | None
    after: int | None


def _pain_reasons(scope: Scope, programs: Sequence[Program]) -> Iterable[tuple[int, Reason]]:
    if not programs:
        return
    # Pain rising: the first week of home training and the last week, day by day; two
    # queries, each on an index range (one with an OR of both ranges reads every home day).
    at_home = Program.objects.filter(
        patient__in=scope.query, status=ProgramStatus.ACTIVE, home_started_on__isnull=False
    ).values("pk")
    first_week = HomeSession.objects.filter(
        program__in=at_home,
        day__gte=F("program__home_started_on"),
        day__lte=DaysAfter(F("program__home_started_on"), days=BASELINE_DAYS - 1),
    )
    baseline: dict[int, list[_Day]] = defaultdict(list)
    for _session, program_id, during, after in (
        ExerciseLog.objects.filter(home_session__in=first_week.values("pk"))
        .order_by()
        .values_list("home_session", "home_session__program")
        .annotate(during=Max("pain_during"), after=Max("pain_after"))
    ):
        baseline[program_id].append(_Day(None, during, after))
    earliest = min(scope.today[p.patient_id] for p in programs) - timedelta(days=RECENT_DAYS)
    recent: dict[int, list[_Day]] = defaultdict(list)
    by_session: dict[int, _Day] = {}
    for session, program_id, day, during, after in (
        ExerciseLog.objects.filter(
            home_session__program__in=at_home,
            home_session__day__range=(earliest, max(scope.today.values())),
        )
        .order_by()
        .values_list("home_session", "home_session__program", "home_session__day")
        .annotate(during=Max("pain_during"), after=Max("pain_after"))
    ):
        by_session[session] = _Day(day, during, after)
        recent[program_id].append(by_session[session])
    # Pain of 6 or more: the latest day with pain, however long ago; read above when it is
    # within the last week, else here (none, mostly: the query is then not made).
    older = [
        session
        for p in programs
        if (session := _pain_session(p)) is not None and session not in by_session
    ]
    if older:
        for session, day, during, after in (
            ExerciseLog.objects.filter(home_session__in=older)
            .order_by()
            .values_list("home_session", "home_session__day")
            .annotate(during=Max("pain_during"), after=Max("pain_after"))
        ):
            by_session[session] = _Day(day, during, after)
    for program in programs:
        pid = program.patient_id
        session = _pain_session(program)
        top = by_session.get(session) if session is not None else None
        if top is not None and top.day is not None:
            pains = [p for p in (top.during, top.after) if p is not None]
            if pains and max(pains) >= PAIN_HIGH_FROM:
                yield (
                    pid,
                    Reason(
                        WorklistKind.PAIN_HIGH,
                        scope.start_of(pid, top.day),
                        _(
                            "Pain %(pain)d of 10 logged for %(day)s (during %(during)s, after "
                            "%(after)s)."
                        )
                        % {
                            "pain": max(pains),
                            "day": top.day.isoformat(),
                            "during": _dash(top.during),
                            "after": _dash(top.after),
                        },
                        _overview_link(pid),
                    ),
                )
        rising = _pain_rising(
            program, baseline.get(program.pk, []), recent.get(program.pk, []), scope.today[pid]
        )
        if rising is not None:
            yield (
                pid,
                replace(
                    rising, since=scope.start_of(pid, rising.since.date()), link=_overview_link(pid)
                ),
            )


def _pain_session(program: Program) -> int | None:
    """The home day of the program's latest logged pain (annotated by `_programs`)."""
    value: int | None = getattr(program, "pain_session", None)
    return value


def _dash(value: int | None) -> str:
    return "-" if value is None else str(value)


def _pain_rising(
    program: Program, baseline: list[_Day], days: list[_Day], today: date
) -> Reason | None:
    """The median daily pain of the last 7 days against the first week's (`baseline`)."""
    start = program.home_started_on
    if start is None:
        return None
    recent_first = today - timedelta(days=RECENT_DAYS - 1)
    if recent_first < start + timedelta(days=BASELINE_DAYS):
        return None  # the recent week still overlaps the baseline week
    recent = [d for d in days if d.day is not None and recent_first <= d.day <= today]
    if not baseline or not recent:
        return None
    rises: list[str] = []
    for name, label in (("during", gettext_lazy("during")), ("after", gettext_lazy("after"))):
        before = [getattr(d, name) for d in baseline if getattr(d, name) is not None]
        now = [getattr(d, name) for d in recent if getattr(d, name) is not None]
        if before and now and median(now) - median(before) >= PAIN_RISE:
            rises.append(
                _("%(which)s %(now)s against a baseline of %(before)s")
                % {"which": label, "now": _number(median(now)), "before": _number(median(before))}
            )
    if not rises:
        return None
    detail = _(
        "Pain rising: %(rises)s (medians of the daily pain: the last 7 days against the first "
        "7 days of home training from %(start)s)."
    ) % {"rises": "; ".join(rises), "start": start.isoformat()}
    # The latest day logged (the caller makes it the patient's local midnight).
    latest = max(d.day for d in recent if d.day is not None)
    return Reason(WorklistKind.PAIN_RISING, datetime.combine(latest, time()), detail, "")


def _number(value: float) -> str:
    return f"{value:g}"


def _reviews(scope: Scope) -> Iterable[tuple[int, Reason]]:
    waiting: dict[int, list[tuple[datetime, int, date]]] = defaultdict(list)
    for pk, patient_id, created_at, week_start in ReviewProposal.objects.filter(
        program__patient__in=scope.query,
        program__status__in=OPEN_STATUSES,
        status=ReviewStatus.PENDING,
    ).values_list("pk", "program__patient", "created_at", "week_start"):
        waiting[patient_id].append((created_at, pk, week_start))
    for patient_id, rows in waiting.items():
        rows.sort()
        created_at, pk, week_start = rows[0]
        detail = ngettext(
            "%(count)d weekly review waiting, of the week from %(week)s.",
            "%(count)d weekly reviews waiting, the oldest of the week from %(week)s.",
            len(rows),
        ) % {"week": week_start.isoformat(), "count": len(rows)}
        yield (
            patient_id,
            Reason(
                WorklistKind.REVIEW_WAITING,
                created_at,
                detail,
                _admin_link("admin:planner_reviewproposal_change", pk),
            ),
        )


def _sessions(scope: Scope) -> Iterable[tuple[int, Reason]]:
    # Local days reach at most 14 hours either side of UTC's.
    latest = scope.now + timedelta(days=2)
    past: dict[int, list[tuple[datetime, int]]] = defaultdict(list)
    for pk, patient_id, scheduled_for, status in (
        SupervisedSession.objects.filter(
            program__patient__in=scope.query,
            program__status__in=OPEN_STATUSES,
            scheduled_for__lt=latest,
        )
        .filter(
            Q(status=SupervisedStatus.PLANNED)
            | Q(status=SupervisedStatus.DONE, scheduled_for__gte=scope.now - timedelta(days=2))
        )
        .values_list("pk", "program__patient", "scheduled_for", "status")
    ):
        local = scheduled_for.astimezone(scope.zone(patient_id))
        today = scope.today[patient_id]
        link = _admin_link("admin:planner_supervisedsession_change", pk)
        if local.date() == today:
            detail = (
                _("Clinic session at %(time)s (recorded).")
                if status == SupervisedStatus.DONE
                else _("Clinic session at %(time)s.")
            ) % {"time": local.strftime("%H:%M")}
            yield patient_id, Reason(WorklistKind.SESSION_TODAY, scheduled_for, detail, link)
        elif local.date() < today and status == SupervisedStatus.PLANNED:
            past[patient_id].append((scheduled_for, pk))
    for patient_id, rows in past.items():
        rows.sort()
        scheduled_for, pk = rows[0]
        local = scheduled_for.astimezone(scope.zone(patient_id))
        detail = ngettext(
            "%(count)d past clinic session not recorded, on %(when)s.",
            "%(count)d past clinic sessions not recorded, the first on %(when)s.",
            len(rows),
        ) % {"when": local.strftime("%Y-%m-%d %H:%M"), "count": len(rows)}
        yield (
            patient_id,
            Reason(
                WorklistKind.SESSION_NOT_RECORDED,
                scheduled_for,
                detail,
                _admin_link("admin:planner_supervisedsession_change", pk),
            ),
        )


def _never_signed_in(scope: Scope) -> Iterable[tuple[int, Reason]]:
    waiting = {
        pid
        for pid, patient in scope.patients.items()
        if patient.user is None or patient.user.last_login is None
    }
    if not waiting:
        return
    newest: dict[int, tuple[datetime, datetime]] = {}
    for patient_id, created_at, expires_at in PatientInvite.objects.filter(
        patient__in=scope.query, revoked_at__isnull=True
    ).values_list("patient", "created_at", "expires_at"):
        if patient_id not in waiting:
            continue
        if patient_id not in newest or created_at > newest[patient_id][0]:
            newest[patient_id] = (created_at, expires_at)
    for patient_id, (created_at, expires_at) in newest.items():
        if expires_at <= scope.now:
            detail = _("Invited on %(day)s; the link expired on %(expired)s: send a new one.")
        else:
            detail = _("Invited on %(day)s; the link works until %(expired)s.")
        zone = scope.zone(patient_id)
        detail = detail % {
            "day": created_at.astimezone(zone).date().isoformat(),
            "expired": expires_at.astimezone(zone).date().isoformat(),
        }
        yield (
            patient_id,
            Reason(WorklistKind.NEVER_SIGNED_IN, created_at, detail, _patient_link(patient_id)),
        )


def _questionnaires(scope: Scope) -> Iterable[tuple[int, Reason]]:
    """A questionnaire overdue (due for more than `GRACE_DAYS` days, in the patient's local
    days; since: local midnight of the day it became overdue), and an ODI or pain score worse
    than the one before by the minimal important change (since: when the worse one was
    recorded). Three queries: the schedules with their latest answers, the last two ODI and
    the last two pain scores of each patient."""
    for schedule in questionnaire_schedules_with_answers(patients=scope.query):
        pid = schedule.patient_id
        state = due_state(
            kind=schedule.kind,
            starts_on=schedule.starts_on,
            every_days=schedule.every_days,
            last_answered=getattr(schedule, f"last_{schedule.kind}"),
            today=scope.today[pid],
        )
        if state is not None and state.overdue:
            detail = _("%(questionnaire)s due since %(day)s, not answered.") % {
                "questionnaire": schedule.get_kind_display(),
                "day": state.since.isoformat(),
            }
            yield (
                pid,
                Reason(
                    WorklistKind.QUESTIONNAIRE_OVERDUE,
                    scope.start_of(pid, state.overdue_from),
                    detail,
                    _patient_link(pid),
                ),
            )
    for worse in questionnaire_worsenings(patients=scope.query):
        if worse.kind == QuestionnaireKind.ODI:
            detail = _("ODI %(after)d %% on %(day)s, against %(before)d %% the time before.")
        else:
            detail = _("Pain %(after)d of 10 on %(day)s, against %(before)d the time before.")
        detail %= {
            "after": worse.after,
            "before": worse.before,
            "day": worse.assessed_on.isoformat(),
        }
        yield (
            worse.patient_id,
            Reason(
                WorklistKind.QUESTIONNAIRE_WORSE,
                worse.created_at,
                detail,
                _patient_link(worse.patient_id),
            ),
        )


# Each source costs a fixed number of queries: red flags 1, programs 4 (the programs with
# their annotations, the latest pain days, the daily pains of the first week and of the
# last), reviews 1, sessions 1, invitations 1, questionnaires 3. With the patients and the
# marks: thirteen.
SOURCES: tuple[Source, ...] = (
    _red_flags,
    _program_reasons,
    _reviews,
    _sessions,
    _never_signed_in,
    _questionnaires,
)


def worklist_patients(*, user: Any) -> QuerySet[Patient]:
    """The patients a worklist may name: the user's own (all for a superuser), not erased."""
    return (
        patient_visible_to(user=user)
        .filter(erased_at__isnull=True)
        .select_related("user")
        # What the list reads, no more: a thousand rows' other dates are not converted.
        .only("first_name", "last_name", "time_zone", "clinician_id", "user__last_login")
        .order_by("last_name", "first_name", "id")
    )


def worklist_rows(
    *,
    user: Any,
    now: datetime | None = None,
    include_handled: bool = False,
    patients: QuerySet[Patient] | None = None,
) -> list[WorklistRow]:
    """The user's patients who need attention, most urgent first, each with its reasons.

    Patients are ordered by their most urgent reason (`WorklistKind`'s order), then by how
    long it has waited (oldest `since` first); a patient's reasons likewise. A reason marked
    handled at or after its `since` is left out, or kept with who and when under
    `include_handled`. Thirteen queries whatever the number of patients.
    """
    moment = now or timezone.now()
    chosen = worklist_patients(user=user) if patients is None else patients
    scope = Scope(now=moment, patients={p.pk: p for p in chosen}, query=chosen.values("pk"))
    if not scope.patients:
        return []
    scope.today = {
        pid: moment.astimezone(ZoneInfo(p.time_zone)).date() for pid, p in scope.patients.items()
    }
    found: dict[int, list[Reason]] = defaultdict(list)
    for source in SOURCES:
        for patient_id, reason in source(scope):
            found[patient_id].append(reason)
    marks = _marks(scope.query)
    rows: list[WorklistRow] = []
    for patient_id, reasons in found.items():
        shown: list[Reason] = []
        for reason in reasons:
            mark = marks.get((patient_id, reason.kind))
            if mark is not None and mark.since >= reason.since:
                if not include_handled:
                    continue
                reason = replace(reason, handled_by=_name(mark.by), handled_at=mark.at)
            shown.append(reason)
        if shown:
            shown.sort(key=lambda r: (r.handled, URGENCY[r.kind], r.since))
            rows.append(WorklistRow(scope.patients[patient_id], shown))
    rows.sort(
        key=lambda row: (
            row.reasons[0].handled,
            row.urgency,
            row.reasons[0].since,
            row.patient.pk,
        )
    )
    return rows


def _marks(patients: Any) -> dict[tuple[int, str], WorklistMark]:
    """The newest mark of each patient and kind (the one that decides what is hidden)."""
    newer = WorklistMark.objects.filter(
        patient=OuterRef("patient"), kind=OuterRef("kind"), since__gt=OuterRef("since")
    )
    return {
        (mark.patient_id, mark.kind): mark
        for mark in WorklistMark.objects.filter(patient__in=patients)
        .filter(~Exists(newer))
        .select_related("by")
    }


def _name(user: Any) -> str:
    return user.get_full_name() or user.get_username()


def worklist_reason_current(
    *, user: Any, patient: Patient, kind: str, since: datetime, now: datetime | None = None
) -> Reason | None:
    """The patient's reason of this kind and `since`, if it is on their worklist now (handled
    or not); None otherwise."""
    rows = worklist_rows(
        user=user,
        now=now,
        include_handled=True,
        patients=worklist_patients(user=user).filter(pk=patient.pk),
    )
    for row in rows:
        for reason in row.reasons:
            if reason.kind == kind and reason.since == since:
                return reason
    return None
