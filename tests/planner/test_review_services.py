"""The weekly review: proposals from a week of logs, approval into the next version."""

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from planner import selectors, services
from planner.explanations import reason_text
from planner.models import EventKind, PatientEvent, Program, ReviewProposal
from rehab import services as rehab_services
from tests.conftest import log_home_days, make_patient

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("library")]
TODAY = date(2026, 11, 25)  # a Wednesday; the clock is frozen at its noon (below)


@pytest.fixture(autouse=True)
def _frozen_clock() -> Iterator[None]:
    """The clock stands at noon UTC of TODAY, whenever the suite runs."""
    with time_machine.travel(datetime(TODAY.year, TODAY.month, TODAY.day, 12, 0, tzinfo=UTC)):
        yield


START = TODAY - timedelta(days=10)
WEEK = START  # the program's first week, which is over


def home_program(clinician, start) -> Program:
    """A program whose exercises were all mastered on its first day."""
    patient = make_patient(clinician)
    rehab_services.patient_diagnosis_add(
        patient=patient, code="osteochondrosis", side="bilateral", stage="chronic"
    )
    program = services.program_generate(patient=patient, by=clinician.user, start_date=start)
    services.program_approve(program=program, by=clinician.user)
    for item in current_items(program):
        services.mastery_sign_off(program_exercise=item, by=clinician.user, on=start)
    program.refresh_from_db()
    return program


@pytest.fixture
def at_home(clinician) -> Program:
    return home_program(clinician, START)


def current_items(program: Program):
    return selectors.program_exercises(version=selectors.program_current_version(program=program))


def log_week(
    program: Program, *, pain: int = 1, difficulty: str = "easy", days: int = 7, week=WEEK
) -> None:
    log_home_days(program, week, days, pain=pain, difficulty=difficulty)


def row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def test_an_easy_painless_week_proposes_progress_and_approval_makes_the_next_version(
    at_home, clinician
):
    log_week(at_home)
    proposal = services.review_propose(program=at_home, week_start=WEEK)
    items = list(proposal.items.select_related("program_exercise"))
    assert len(items) == len(current_items(at_home))
    assert {i.action for i in items} <= {"progress", "harder_variant", "hold"}
    assert "progress" in {i.action for i in items}
    for item in items:
        if item.action == "progress":
            # One variable, at most 10 % of the exact dose; the shown dose is its rounding.
            old = getattr(item.program_exercise, item.variable)
            exact = item.exact_dose.get(item.variable, getattr(item, item.variable))
            assert old < exact <= old * 1.1 + 1e-9
            assert getattr(item, item.variable) >= old
    assert services.review_propose(program=at_home, week_start=WEEK).pk == proposal.pk

    version = services.review_approve(proposal=proposal, by=clinician.user)
    assert version is not None and version.number == 2
    assert "Weekly review" in version.note and version.diff
    proposal.refresh_from_db()
    assert proposal.status == "approved" and proposal.resulting_version == version
    for item in items:
        if item.action == "harder_variant":
            new_row = next(r for r in current_items(at_home) if r.exercise == item.new_exercise)
            assert new_row.state == "supervised"  # a harder variant starts supervised


def test_pain_of_six_steps_back_pauses_progression_and_flags_the_patient(at_home):
    log_week(at_home, pain=7, difficulty="hard")
    proposal = services.review_propose(program=at_home, week_start=WEEK)
    assert proposal.pause_progression
    actions = {i.action for i in proposal.items.all()}
    assert "progress" not in actions and "harder_variant" not in actions
    assert actions <= {"step_back", "easier_variant", "hold"}
    at_home.refresh_from_db()
    assert at_home.progression_paused_reason


def test_an_active_red_flag_stops_any_progress(at_home, clinician):
    log_week(at_home)
    rehab_services.red_flag_raise(patient=at_home.patient, code="fever", noted_by=clinician.user)
    proposal = services.review_propose(program=at_home, week_start=WEEK)
    assert proposal.pause_progression
    assert {i.action for i in proposal.items.all()} <= {"hold", "step_back", "easier_variant"}


def test_low_adherence_holds(at_home):
    log_week(at_home, days=4)  # 4 of 7 days: 57 %
    proposal = services.review_propose(program=at_home, week_start=WEEK)
    assert {i.action for i in proposal.items.all()} == {"hold"}


def test_rejecting_changes_nothing_in_the_program(at_home, clinician):
    log_week(at_home)
    proposal = services.review_propose(program=at_home, week_start=WEEK)
    services.review_reject(proposal=proposal, by=clinician.user)
    assert selectors.program_current_version(program=at_home).number == 1
    with pytest.raises(ValidationError, match="already rejected"):
        services.review_approve(proposal=proposal, by=clinician.user)


def test_auto_apply_policy_approves_at_once(at_home, settings):
    settings.REVIEW_AUTO_APPLY = True
    log_week(at_home)
    proposal = services.review_propose(program=at_home, week_start=WEEK)
    assert proposal.status == "approved"
    assert selectors.program_current_version(program=at_home).number == 2


@pytest.mark.parametrize(
    ("week_start", "message"),
    [
        (TODAY - timedelta(days=3), "not over yet"),
        (START - timedelta(days=7), "inside the program"),
    ],
)
def test_bad_weeks_are_refused_and_write_nothing(at_home, week_start, message):
    before = row_counts()
    with pytest.raises(ValidationError, match=message):
        services.review_propose(program=at_home, week_start=week_start)
    assert row_counts() == before
    assert not ReviewProposal.objects.exists()


def test_approving_a_stale_review_is_refused(at_home, clinician):
    log_week(at_home)
    proposal = services.review_propose(program=at_home, week_start=WEEK)
    item = current_items(at_home)[0]
    services.program_revise(
        program=at_home,
        by=clinician.user,
        note="Paused by the doctor.",
        changes=[services.ExerciseChange(item.pk, state="paused")],
    )
    with pytest.raises(ValidationError, match="changed after this review"):
        services.review_approve(proposal=proposal, by=clinician.user)


def test_progression_stays_paused_until_the_clinician_resumes_it(clinician):
    first = TODAY - timedelta(days=17)
    second = first + timedelta(days=7)
    program = home_program(clinician, first)
    log_week(program, pain=7, difficulty="hard", week=first)
    services.review_propose(program=program, week_start=first)
    program.refresh_from_db()
    assert program.progression_paused_reason
    # A calm second week does not progress on its own...
    log_week(program, week=second)
    paused = services.review_propose(program=program, week_start=second)
    assert "progress" not in {i.action for i in paused.items.all()}
    # ...until the clinician has looked and resumes progression.
    services.progression_resume(program=program, by=clinician.user)
    paused.delete()
    resumed = services.review_propose(program=program, week_start=second)
    assert "progress" in {i.action for i in resumed.items.all()}
    with pytest.raises(ValidationError, match="not paused"):
        services.progression_resume(program=program, by=clinician.user)


def test_the_pause_keeps_its_reasons_as_data_and_the_next_review_quotes_them_in_russian(
    clinician,
):
    first = TODAY - timedelta(days=17)
    second = first + timedelta(days=7)
    program = home_program(clinician, first)
    log_week(program, pain=7, difficulty="hard", week=first)  # the first log of 7 pauses
    program.refresh_from_db()
    (because,) = program.progression_paused_because
    assert because["message"] == "Pain of %(pain)s out of 10 logged on %(day)s."
    assert (
        program.progression_paused_reason
        == because["text"]
        == (f"Pain of 7 out of 10 logged on {first:%A} {first.day} {first:%B}.")
    )
    services.review_propose(program=program, week_start=first)
    log_week(program, week=second)
    paused = services.review_propose(program=program, week_start=second)
    (kept,) = [r for r in paused.reasons if r["text"].startswith("Progression stays paused")]
    assert kept["text"].endswith(program.progression_paused_reason)
    assert reason_text(kept, language="ru") == (
        f"Нагрузку не наращиваем, пока врач не посмотрит: {first.day} ноября отмечена боль 7 из 10."
    )
    services.progression_resume(program=program, by=clinician.user)
    program.refresh_from_db()
    assert (program.progression_paused_reason, program.progression_paused_because) == ("", [])


def test_a_program_paused_before_reasons_were_data_hands_its_english_to_the_next_review(
    clinician,
):
    from importlib import import_module

    migration = import_module("planner.migrations.0019_progression_paused_because")
    first = TODAY - timedelta(days=17)
    program = home_program(clinician, first)
    calm = home_program(clinician, first)
    Program.objects.filter(pk=program.pk).update(
        progression_paused_reason="Pain of 7 out of 10 logged on 2026-11-08."
    )
    migration.keep_the_english_as_a_row(apps, None)
    program.refresh_from_db()
    calm.refresh_from_db()
    assert program.progression_paused_because == [
        {"rule": "V-PAUSE", "text": "Pain of 7 out of 10 logged on 2026-11-08."}
    ]
    assert calm.progression_paused_because == []
    log_week(program, week=first)
    review = services.review_propose(program=program, week_start=first)
    (kept,) = [r for r in review.reasons if r["text"].startswith("Progression stays paused")]
    # Shown as it was written, in English, inside the reader's sentence.
    assert reason_text(kept, language="ru") == (
        "Нагрузку не наращиваем, пока врач не посмотрит: Pain of 7 out of 10 logged on 2026-11-08."
    )


def test_due_reviews_are_proposed_the_day_after_each_home_week(at_home):
    log_week(at_home)
    assert services.reviews_propose_due(today=START + timedelta(days=6)) == []  # not over yet
    proposals = services.reviews_propose_due(today=START + timedelta(days=7))
    assert [(p.program_id, p.week_start) for p in proposals] == [(at_home.pk, WEEK)]
    again = services.reviews_propose_due(today=START + timedelta(days=7))
    assert [p.pk for p in again] == [p.pk for p in proposals]  # idempotent
    assert ReviewProposal.objects.count() == 1


def test_propose_reviews_command(at_home):
    log_week(at_home)
    out = StringIO()
    call_command("propose_reviews", "--today", str(START + timedelta(days=7)), stdout=out)
    assert out.getvalue().strip() == "Weekly reviews: 1 due, 1 waiting for approval."
    with pytest.raises(CommandError, match="not a date"):
        call_command("propose_reviews", "--today", "next tuesday")


def test_creeping_pain_alerts_the_clinician_without_pausing(clinician):
    """Baseline 1 in the first home week, then 4 a week later: below 6, but 3 points up."""
    program = home_program(clinician, TODAY - timedelta(days=15))
    first = TODAY - timedelta(days=15)
    log_home_days(program, first, 7, pain=1, difficulty="easy")
    services.review_propose(program=program, week_start=first)
    log_home_days(program, first + timedelta(days=7), 7, pain=4, difficulty="right")
    proposal = services.review_propose(program=program, week_start=first + timedelta(days=7))
    assert not proposal.pause_progression
    assert any(r["rule"] == "V-CREEP" for r in proposal.alert_reasons)
    event = PatientEvent.objects.get(patient=program.patient, kind=EventKind.PAIN_RISING)
    assert "baseline" in event.context["reason"]


def test_a_stable_patient_logging_three_during_one_after_is_never_stepped_back(clinician):
    """Like is compared with like: 3 during against yesterday's 1 after is no flare."""
    program = home_program(clinician, TODAY - timedelta(days=8))
    first = TODAY - timedelta(days=8)
    log_home_days(program, first, 7, pain=3, pain_after=1, difficulty="easy")
    proposal = services.review_propose(program=program, week_start=first)
    assert {i.action for i in proposal.items.all()}.isdisjoint({"step_back", "easier_variant"})


def test_a_change_the_rules_refuse_is_held_with_each_rule_in_the_readers_language(at_home):
    from planner.engine.default_rules import DEFAULT_RULES
    from planner.engine.review.types import Proposal
    from planner.engine.serialize import reason_row
    from planner.engine.types import Name, Reason
    from planner.explanations import reason_text
    from planner.services.reviews import _held_back

    item = current_items(at_home)[0]
    proposed = Proposal(item.exercise.slug, "progress", "reps", item.dose, None, (), None)
    htn = next(rule for rule in DEFAULT_RULES if rule.id == "R-HTN")
    refused = Reason.of("R-HTN", "%(rule)s.", rule=Name("rule", htn.id, htn.explanation))
    acute = Reason.of("R-ACUTE", "Too hard for now.")
    held = _held_back(proposed, item, [("R-HTN", refused), ("R-ACUTE", acute)])
    assert held.action == "hold" and held.dose == item.dose
    first, second = (reason_row(r) for r in held.reasons)
    assert first["text"].startswith("Held back: the rules in force do not allow it. [R-HTN]")
    assert second["text"].endswith("[R-ACUTE] Too hard for now.")
    russian = reason_text(first, language="ru")
    assert russian.startswith("Изменение отложено") and "[R-HTN]" in russian
    assert "давлен" in russian  # the rule's own explanation, in Russian too


def test_a_variant_the_rules_leave_out_is_held_with_why_in_the_readers_language(at_home):
    """The exclusion's own explanation goes into the held change, not its English."""
    from planner.engine.review.types import Proposal
    from planner.engine.serialize import reason_row
    from planner.explanations import reason_text
    from planner.selectors.rules import rules_on
    from planner.services.reviews import _proposals_within_rules

    item = current_items(at_home)[0]
    proposed = Proposal(
        item.exercise.slug, "easier_variant", None, item.dose, "retired-exercise", (), None
    )
    rules = rules_on(patient=at_home.patient, day=TODAY)
    (held,) = _proposals_within_rules([proposed], {item.exercise.slug: item}, rules)
    assert held.action == "hold" and held.new_exercise is None
    row = reason_row(held.reasons[-1])
    assert row["text"] == (
        "Held back: the rules in force do not allow it. [LIBRARY] "
        "Not an active exercise of the library."
    )
    russian = reason_text(row, language="ru")
    assert russian.startswith("Изменение отложено") and "[LIBRARY]" in russian
    assert "library" not in russian and "упражнени" in russian
