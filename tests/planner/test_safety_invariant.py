"""The invariant: no write path puts in front of a patient what the rules in force that day block.

One engine check decides (planner.engine.safety.check_items, through planner.safety). This
file lists every write path, proves each one asks that check with the patient's state on
the day the change takes effect, and fails when code that writes program contents appears
outside the listed places.
"""

import ast
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from exercises.models import Exercise
from planner import safety, selectors, services
from planner.engine import safety as engine_safety
from planner.models import (
    ExerciseState,
    Program,
    ProgramExercise,
    ProgramStatus,
    ProgramVersion,
    ReviewItem,
    SupervisedSession,
)
from planner.services import lifecycle
from rehab import services as rehab_services
from tests.conftest import log_home_days, make_patient, start_program

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("library")]
ROOT = Path(__file__).resolve().parents[2]
LYING = {"supine", "prone"}
# Noon UTC: the same calendar day in Los Angeles (UTC-8) and Auckland (UTC+13).
FROZEN = datetime(2026, 3, 2, 12, 0, tzinfo=ZoneInfo("UTC"))


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> list[int | None]:
    """Records the gestational weeks the one check saw, every time it is asked."""
    days: list[int | None] = []
    original = engine_safety.check_items

    def check_items(rules_in_force, catalogue, items):  # type: ignore[no-untyped-def]
        days.append(rules_in_force.profile.pregnancy_weeks)
        return original(rules_in_force, catalogue, items)

    monkeypatch.setattr(safety, "check_items", check_items)
    return days


def lying_slugs(rows: list[ProgramExercise]) -> set[str]:
    return {
        r.exercise.slug
        for r in rows
        if r.state in (ExerciseState.SUPERVISED, ExerciseState.MASTERED)
        and LYING & set(r.exercise.movement_tags.values_list("code", flat=True))
    }


def current_rows(program: Program) -> list[ProgramExercise]:
    version = selectors.program_current_version(program=program)
    return list(version.exercises.select_related("exercise").prefetch_related())


def pregnant_patient(clinician, weeks: int, time_zone: str = "America/Los_Angeles"):  # type: ignore[no-untyped-def]
    patient = make_patient(
        clinician,
        date_of_birth=date(1994, 6, 1),
        pregnancy_weeks=weeks,
        time_zone=time_zone,
    )
    rehab_services.patient_diagnosis_add(
        patient=patient, code="lumboischialgia", side="left", stage="subacute"
    )
    return patient


@pytest.fixture
def frozen() -> Iterator[None]:
    with time_machine.travel(FROZEN, tick=False):
        yield


# -- 1. every place that writes program contents is listed and calls the check ---------------

# (module, function) -> what makes it safe. A new function that writes program contents fails
# the test below until it is listed here with the check it calls.
WRITE_SITES = {
    ("planner/services/generation.py", "_save_programs"): "plans come from generate_plan",
    ("planner/services/versions.py", "new_version"): "enforce(rules_on(day))",
    ("planner/services/supervision.py", "mastery_sign_off"): "row_findings(rules_on(day))",
    ("planner/services/reviews.py", "_proposals_within_rules"): "row_findings / starting_form",
    ("planner/services/lifecycle.py", "draft_exercises_save"): "draft_exercises_check",
    ("planner/admin/versions.py", "clean"): "draft_exercises_check (draft edits in place)",
}
SAFE_CALLS = (
    "generate_plan",
    "enforce(",
    "row_findings(",
    "findings_for(",
    "draft_exercises_check(",
)
WRITES = ("bulk_create", ".create(", ".save(", ".update(", "ProgramExercise(")


def program_content_writers() -> dict[tuple[str, str], str]:
    """Functions outside tests and migrations that write ProgramExercise or ProgramVersion."""
    found: dict[tuple[str, str], str] = {}
    for app in ("api", "web", "workspace", "notifications", "planner", "rehab", "exercises"):
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            source = path.read_text(encoding="utf-8")
            for node in ast.walk(ast.parse(source)):
                if not isinstance(node, ast.FunctionDef):
                    continue
                body = ast.get_source_segment(source, node) or ""
                touches = "ProgramExercise" in body or "ProgramVersion.objects" in body
                if touches and any(w in body for w in WRITES):
                    writes_rows = (
                        "ProgramExercise(" in body
                        or "ProgramExercise.objects.bulk_create" in body
                        or "ProgramVersion.objects.create" in body
                        or "item.save(" in body
                        or "row.save(" in body
                    )
                    if writes_rows:
                        found[(str(path.relative_to(ROOT)), node.name)] = body
    return found


def test_every_write_of_program_contents_is_listed_and_asks_the_one_check():
    writers = program_content_writers()
    assert set(writers) == set(WRITE_SITES), (
        "A function writes program contents without being listed in WRITE_SITES; make it "
        "call the rules check (planner.safety) and list it."
    )
    for site, body in writers.items():
        if site[1] == "_save_programs":
            continue  # it saves plans: its callers must have made them with the engine
        assert any(call in body for call in SAFE_CALLS), site
    callers = [
        (path, name, body)
        for (path, name), body in all_functions().items()
        if "_save_programs(" in body and name != "_save_programs"
    ]
    assert callers
    for path, name, body in callers:
        assert "generate_plan(" in body or "program_plan_preview(" in body, (path, name)


def all_functions() -> dict[tuple[str, str], str]:
    found: dict[tuple[str, str], str] = {}
    for path in sorted((ROOT / "planner").rglob("*.py")):
        if "migrations" in path.parts:
            continue
        source = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.FunctionDef):
                found[(str(path.relative_to(ROOT)), node.name)] = (
                    ast.get_source_segment(source, node) or ""
                )
    return found


def test_the_services_that_change_what_a_patient_does_are_the_listed_write_paths():
    for name in safety.WRITE_PATHS:
        assert callable(getattr(services, name)), name


# -- 2. each write path, on a day whose rules block something --------------------------------


def test_program_generate_from_week_13_leaves_out_lying_flat(clinician, frozen, spy):
    patient = pregnant_patient(clinician, 14)
    program = services.program_generate(patient=patient, by=clinician.user)
    assert lying_slugs(current_rows(program)) == set()


def test_programs_generate_bulk_asks_the_rules_of_each_patient(clinician, frozen):
    patients = [
        pregnant_patient(clinician, 14),
        pregnant_patient(clinician, 14, "Pacific/Auckland"),
    ]
    report = services.programs_generate_bulk(
        patients=patients, by=clinician.user, options=services.ProgramSettings(FROZEN.date())
    )
    assert len(report.created) == 2
    for program in report.created:
        assert lying_slugs(current_rows(program)) == set()


def test_program_approve_refuses_a_draft_the_rules_of_its_start_day_block(clinician):
    with time_machine.travel(FROZEN, tick=False):
        patient = pregnant_patient(clinician, 12)
        draft = services.program_generate(
            patient=patient, by=clinician.user, start_date=FROZEN.date()
        )
    assert lying_slugs(current_rows(draft)), "week 12: lying flat is still allowed"
    with time_machine.travel(FROZEN + timedelta(days=10), tick=False):  # 13 weeks by then
        before = current_rows(draft)
        with pytest.raises(ValidationError) as error:
            services.program_approve(program=draft, by=clinician.user)
    assert "R-PREG-2" in str(error.value)
    draft.refresh_from_db()
    assert draft.status == ProgramStatus.DRAFT and current_rows(draft) == before


def test_program_revise_holds_back_a_swap_to_a_blocked_exercise(clinician, frozen, spy):
    patient = pregnant_patient(clinician, 20)
    program = start_program(patient, clinician.user, FROZEN.date(), master=True)
    row = current_rows(program)[0]
    lying = Exercise.objects.filter(movement_tags__code="supine", is_active=True).exclude(
        pk__in=[r.exercise_id for r in current_rows(program)]
    )[0]
    version = services.program_revise(
        program=program,
        by=clinician.user,
        note="Try the lying one.",
        changes=[services.ExerciseChange(row.pk, replace_with=lying)],
    )
    assert "held back" in version.diff and "R-PREG-2" in version.diff
    assert lying_slugs(current_rows(program)) == set()
    assert spy


def test_the_daily_recheck_replaces_what_week_13_blocks(clinician):
    with time_machine.travel(FROZEN, tick=False):
        patient = pregnant_patient(clinician, 12, "Pacific/Auckland")
        program = start_program(patient, clinician.user, FROZEN.date(), master=True)
    assert lying_slugs(current_rows(program))
    with time_machine.travel(FROZEN + timedelta(days=8), tick=False):
        report = services.programs_recheck_due()
    assert program.pk in report
    rows = current_rows(program)
    assert lying_slugs(rows) == set()
    # What took their place starts supervised; the diff says why.
    version = selectors.program_current_version(program=program)
    assert "R-PREG-2" in version.diff
    home = selectors.home_session_exercises(program=program, day=FROZEN.date() + timedelta(days=8))
    assert lying_slugs(home) == set()


def test_program_resume_refuses_while_a_red_flag_is_active_and_rechecks_after(clinician):
    with time_machine.travel(FROZEN, tick=False):
        patient = pregnant_patient(clinician, 12)
        program = start_program(patient, clinician.user, FROZEN.date(), master=True)
        flag = rehab_services.red_flag_raise(patient=patient, code="fever")
        services.patient_records_changed(patient=patient, by=clinician.user)
        program.refresh_from_db()
        assert program.status == ProgramStatus.PAUSED
        assert selectors.home_session_exercises(program=program, day=FROZEN.date()) == []
        with pytest.raises(ValidationError, match="red flag"):
            services.program_resume(program=program, by=clinician.user)
        rehab_services.red_flag_resolve(patient_red_flag=flag, resolved_by=clinician.user)
    with time_machine.travel(FROZEN + timedelta(days=10), tick=False):
        services.program_resume(program=program, by=clinician.user)
    program.refresh_from_db()
    assert program.status == ProgramStatus.ACTIVE
    assert lying_slugs(current_rows(program)) == set()


def test_review_approve_makes_no_change_the_rules_block(clinician):
    """A review proposed before week 13 and approved after it: the swap is held back."""
    with time_machine.travel(FROZEN, tick=False):
        patient = pregnant_patient(clinician, 11)
        program = start_program(patient, clinician.user, FROZEN.date(), master=True)
    with time_machine.travel(FROZEN + timedelta(days=7), tick=False):
        log_home_days(program, FROZEN.date(), 7, pain=1, difficulty="easy")
        proposal = services.review_propose(program=program, week_start=FROZEN.date())
    with time_machine.travel(FROZEN + timedelta(days=16), tick=False):  # 13 weeks now
        services.review_approve(proposal=proposal, by=clinician.user)
        assert lying_slugs(current_rows(program)) == set()


def test_review_propose_holds_back_a_harder_variant_the_rules_block(clinician, frozen):
    patient = make_patient(clinician, date_of_birth=date(1950, 1, 1), fitness_level="high")
    rehab_services.patient_diagnosis_add(
        patient=patient, code="osteochondrosis", side="bilateral", stage="chronic"
    )
    rehab_services.patient_comorbidity_add(patient=patient, code="osteoporosis")
    program = start_program(patient, clinician.user, FROZEN.date() - timedelta(days=7), master=True)
    # Whatever was proposed, no item introduces an exercise R-OSTEO blocks.
    log_home_days(program, FROZEN.date() - timedelta(days=7), 7, pain=0, difficulty="easy")
    proposal = services.review_propose(
        program=program, week_start=FROZEN.date() - timedelta(days=7)
    )
    for item in ReviewItem.objects.filter(proposal=proposal, new_exercise__isnull=False):
        tags = set(item.new_exercise.movement_tags.values_list("code", flat=True))
        assert not tags & {"loaded_spinal_flexion", "high_impact"}


def test_supervised_session_swaps_go_through_the_check(clinician, frozen, spy):
    patient = pregnant_patient(clinician, 20)
    program = start_program(patient, clinician.user, FROZEN.date(), master=False)
    session = SupervisedSession.objects.filter(program=program).order_by("number").first()
    rows = current_rows(program)
    entries = [services.SupervisedEntry(r.pk, technique=4, mastered=True) for r in rows]
    before = len(spy)
    services.supervised_session_record(session=session, by=clinician.user, entries=entries)
    assert len(spy) > before
    assert lying_slugs(current_rows(program)) == set()


def test_mastery_sign_off_refuses_what_the_rules_of_the_day_block(clinician):
    with time_machine.travel(FROZEN, tick=False):
        patient = pregnant_patient(clinician, 12)
        program = start_program(patient, clinician.user, FROZEN.date(), master=False)
    lying = [r for r in current_rows(program) if r.exercise.slug in lying_slugs([r])]
    assert lying
    later = time_machine.travel(FROZEN + timedelta(days=10), tick=False)
    with later, pytest.raises(ValidationError, match="R-PREG-2"):
        services.mastery_sign_off(program_exercise=lying[0], by=clinician.user)
    lying[0].refresh_from_db()
    assert lying[0].state == ExerciseState.SUPERVISED


def test_a_draft_edit_that_adds_a_blocked_exercise_is_refused(clinician, frozen):
    patient = pregnant_patient(clinician, 20)
    draft = services.program_generate(patient=patient, by=clinician.user)
    lying = Exercise.objects.filter(movement_tags__code="prone", is_active=True).first()
    row = ProgramExercise(
        exercise=lying,
        sets=lying.default_sets,
        reps=lying.default_reps,
        hold_s=lying.default_hold_s,
        duration_s=lying.default_duration_s,
    )
    refused = services.draft_exercises_check(program=draft, rows=[row])
    assert any("R-PREG-2" in message for message in refused[lying.slug])


def test_a_red_flag_recorded_by_the_clinician_stops_the_home_session(clinician, frozen):
    patient = make_patient(clinician, time_zone="Pacific/Auckland")
    rehab_services.patient_diagnosis_add(
        patient=patient, code="sciatica", side="left", stage="chronic"
    )
    program = start_program(patient, clinician.user, FROZEN.date() - timedelta(days=3), master=True)
    day = selectors.patient_local_today(patient=patient)
    assert selectors.home_session_exercises(program=program, day=day)
    rehab_services.red_flag_raise(patient=patient, code="saddle_anesthesia")
    services.patient_records_changed(patient=patient, by=clinician.user)
    program.refresh_from_db()
    assert program.status == ProgramStatus.PAUSED and program.paused_reason
    assert selectors.home_session_exercises(program=program, day=day) == []


def test_no_version_is_written_when_the_rules_allow_everything(clinician, frozen):
    patient = make_patient(clinician)
    rehab_services.patient_diagnosis_add(
        patient=patient, code="sciatica", side="left", stage="chronic"
    )
    program = start_program(patient, clinician.user, FROZEN.date(), master=True)
    assert services.program_recheck(program=program) is None
    assert ProgramVersion.objects.filter(program=program).count() == 1


def test_a_variant_swapped_in_keeps_the_cautions_in_force_and_the_patients_own_dose(
    clinician, frozen
):
    """R-BAL: at 70 with low fitness, floor work is practised only at the clinic, also when it
    arrives later as a variant; and it starts at the patient's dose, not the library's."""
    patient = make_patient(clinician, date_of_birth=date(1955, 1, 10), fitness_level="low")
    rehab_services.patient_diagnosis_add(
        patient=patient, code="osteochondrosis", side="bilateral", stage="chronic"
    )
    program = start_program(patient, clinician.user, FROZEN.date(), master=True)
    rows = current_rows(program)
    taken = {r.exercise_id for r in rows}
    floor = (
        Exercise.objects.filter(
            movement_tags__code="floor_transfer", is_active=True, difficulty__lte=2
        )
        .exclude(movement_tags__code__in=["balance_unsupported"])
        .exclude(pk__in=taken)
        .order_by("slug")
        .first()
    )
    version = services.program_revise(
        program=program,
        by=clinician.user,
        note="A floor exercise next.",
        changes=[services.ExerciseChange(rows[0].pk, replace_with=floor)],
    )
    row = version.exercises.get(exercise=floor)
    assert row.supervised_only and row.state == ExerciseState.SUPERVISED
    assert any(e["rule"] == "R-BAL" for e in row.explanation)
    if not floor.is_timed:  # low fitness x 0.6, age 65-74 x 0.8, never under the minimum
        assert row.reps == max(floor.min_reps, int(floor.default_reps * 0.6 * 0.8 + 0.5))


def test_program_approve_refuses_while_a_red_flag_is_active(clinician, frozen):
    patient = make_patient(clinician, time_zone="America/Los_Angeles")
    rehab_services.patient_diagnosis_add(
        patient=patient, code="sciatica", side="left", stage="chronic"
    )
    draft = services.program_generate(patient=patient, by=clinician.user)
    rehab_services.red_flag_raise(patient=patient, code="night_pain")
    with pytest.raises(ValidationError, match="RED-FLAG"):
        services.program_approve(program=draft, by=clinician.user)
    draft.refresh_from_db()
    assert draft.status == ProgramStatus.DRAFT and not draft.home_sessions.exists()


def test_one_programs_failure_does_not_stop_the_daily_recheck(clinician, frozen, monkeypatch):
    with time_machine.travel(FROZEN, tick=False):
        first = start_program(
            pregnant_patient(clinician, 12), clinician.user, FROZEN.date(), master=True
        )
        second = start_program(
            pregnant_patient(clinician, 12, "Pacific/Auckland"),
            clinician.user,
            FROZEN.date(),
            master=True,
        )
    original = services.program_recheck

    def broken_for_the_first(*, program, **kwargs):  # type: ignore[no-untyped-def]
        if program.pk == first.pk:
            raise RuntimeError("a broken row")
        return original(program=program, **kwargs)

    # Patched where programs_recheck_due looks it up: its own module.
    monkeypatch.setattr(lifecycle, "program_recheck", broken_for_the_first)
    with time_machine.travel(FROZEN + timedelta(days=8), tick=False):
        report = services.programs_recheck_due()
    assert report[first.pk].startswith("failed: a broken row")
    assert report[second.pk].startswith("version")
    assert lying_slugs(current_rows(second)) == set()
