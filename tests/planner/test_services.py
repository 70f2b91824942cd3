"""Programs from generation to home training: versions, schedule, mastery, unlock and logs."""

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from exercises.models import Exercise
from planner import selectors, services
from planner.engine.types import Dose
from planner.models import (
    ExerciseLog,
    ExerciseState,
    HomeSession,
    Program,
    ProgramStatus,
    SessionLog,
    SupervisedSession,
)
from rehab import services as rehab_services
from rehab.selectors import clinic_settings
from tests.conftest import make_patient

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("library")]
TODAY = date(2026, 11, 25)  # a Wednesday; the clock is frozen at its noon (below)


@pytest.fixture(autouse=True)
def _frozen_clock() -> Iterator[None]:
    """The clock stands at noon UTC of TODAY, whenever the suite runs."""
    with time_machine.travel(datetime(TODAY.year, TODAY.month, TODAY.day, 12, 0, tzinfo=UTC)):
        yield


START = TODAY - timedelta(days=3)


@pytest.fixture
def sciatica_patient(clinician):
    patient = make_patient(clinician, date_of_birth=date(1975, 3, 2), time_zone="Europe/Moscow")
    rehab_services.patient_diagnosis_add(
        patient=patient, code="sciatica", side="left", stage="subacute"
    )
    return patient


@pytest.fixture
def draft(sciatica_patient, clinician) -> Program:
    return services.program_generate(patient=sciatica_patient, by=clinician.user, start_date=START)


@pytest.fixture
def active(draft, clinician) -> Program:
    return services.program_approve(program=draft, by=clinician.user)


def row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def items_of(program: Program):
    version = selectors.program_current_version(program=program)
    return selectors.program_exercises(version=version)


def master_all(program: Program, by, on: date = START) -> None:
    for item in items_of(program):
        services.mastery_sign_off(program_exercise=item, by=by, on=on)
    program.refresh_from_db()


# -- generation ---------------------------------------------------------------------------------


def test_generate_makes_a_draft_first_version_that_explains_itself(draft, clinician):
    assert draft.status == ProgramStatus.DRAFT
    assert draft.weeks == 6 and draft.end_date == START + timedelta(days=41)
    version = selectors.program_current_version(program=draft)
    assert version.number == 1 and version.plan_status == "ok"
    items = items_of(draft)
    assert 3 <= len(items) <= 6
    assert {i.state for i in items} == {ExerciseState.SUPERVISED}  # supervised first, always
    assert any(i.exercise.category == "neural_mobilisation" for i in items)  # radicular pain
    for item in items:
        assert item.explanation[0]["rule"] == "INDICATION"
        assert item.exercise.name in version.diff
    assert HomeSession.objects.filter(program=draft).count() == 0  # no schedule before approval


def test_generate_refuses_while_a_red_flag_is_active_and_writes_nothing(
    sciatica_patient, clinician
):
    rehab_services.red_flag_raise(
        patient=sciatica_patient, code="bladder_bowel_dysfunction", noted_by=clinician.user
    )
    before = row_counts()
    with pytest.raises(ValidationError) as error:
        services.program_generate(patient=sciatica_patient, by=clinician.user)
    assert "red flag" in str(error.value)
    assert row_counts() == before


def test_one_open_program_per_patient(draft, sciatica_patient, clinician):
    before = row_counts()
    with pytest.raises(ValidationError, match="already has an open program"):
        services.program_generate(patient=sciatica_patient, by=clinician.user)
    assert row_counts() == before


# -- approval and schedule ---------------------------------------------------------------------


def test_approval_lays_out_daily_home_days_and_the_clinic_course(active, clinician):
    assert active.status == ProgramStatus.ACTIVE
    assert active.approved_by == clinician.user and active.approved_at is not None
    days = list(HomeSession.objects.filter(program=active).values_list("day", flat=True))
    assert days == [START + timedelta(days=n) for n in range(42)]
    sessions = list(SupervisedSession.objects.filter(program=active).order_by("number"))
    assert len(sessions) == 10
    moscow = ZoneInfo("Europe/Moscow")
    local = [s.scheduled_for.astimezone(moscow) for s in sessions]
    assert {t.weekday() for t in local} <= {0, 2, 4}  # three a week: Monday, Wednesday, Friday
    assert {(t.hour, t.minute) for t in local} == {(10, 0)}
    assert local[0].date() >= START


def test_approve_twice_is_refused(active, clinician):
    before = row_counts()
    with pytest.raises(ValidationError, match="Only a draft"):
        services.program_approve(program=active, by=clinician.user)
    assert row_counts() == before


def test_before_unlock_the_day_shows_the_next_supervised_session(active):
    assert selectors.home_session_exercises(program=active, day=TODAY) == []
    upcoming = selectors.next_supervised_session(program=active, after=timezone.now())
    assert upcoming is not None and upcoming.status == "planned"


# -- mastery and unlock -------------------------------------------------------------------------


def test_policy_all_unlocks_home_only_when_every_exercise_is_mastered(active, clinician):
    items = items_of(active)
    for item in items[:-1]:
        services.mastery_sign_off(program_exercise=item, by=clinician.user, on=START)
    active.refresh_from_db()
    assert active.home_started_on is None
    assert selectors.home_session_exercises(program=active, day=TODAY) == []
    services.mastery_sign_off(program_exercise=items[-1], by=clinician.user, on=START)
    active.refresh_from_db()
    assert active.home_started_on == START
    home = selectors.home_session_exercises(program=active, day=TODAY)
    assert [i.exercise_id for i in home] == [i.exercise_id for i in items]


def test_policy_each_sends_each_exercise_home_once_mastered(active, clinician, settings):
    settings.HOME_UNLOCK = "each"
    first = items_of(active)[0]
    services.mastery_sign_off(program_exercise=first, by=clinician.user, on=START)
    active.refresh_from_db()
    assert active.home_started_on == START
    home = selectors.home_session_exercises(program=active, day=TODAY)
    assert [i.exercise_id for i in home] == [first.exercise_id]


def test_mastery_twice_is_refused(active, clinician):
    item = items_of(active)[0]
    services.mastery_sign_off(program_exercise=item, by=clinician.user, on=START)
    with pytest.raises(ValidationError, match="not waiting for mastery"):
        services.mastery_sign_off(program_exercise=items_of(active)[0], by=clinician.user)


def test_an_exercise_added_after_unlock_is_supervised_while_the_rest_stay_home(active, clinician):
    master_all(active, clinician.user)
    items = items_of(active)
    target = next(i for i in items if i.exercise.harder_variant_id is not None)
    harder = target.exercise.harder_variant
    version = services.program_revise(
        program=active,
        by=clinician.user,
        note="Progressed to the harder variant.",
        changes=[services.ExerciseChange(target.pk, replace_with=harder)],
    )
    assert version.number == 2
    assert f"{target.exercise.name} -> {harder.name} (starts supervised)" in version.diff
    home = {i.exercise_id for i in selectors.home_session_exercises(program=active, day=TODAY)}
    assert harder.pk not in home
    assert home == {i.exercise_id for i in items if i.pk != target.pk}
    assert Program.objects.filter(patient=active.patient).count() == 1  # a version, not a copy


def test_paused_program_has_no_home_session_and_says_why(active, clinician):
    master_all(active, clinician.user)
    with pytest.raises(ValidationError, match="Say why"):
        services.program_pause(program=active, by=clinician.user, reason="  ")
    services.program_pause(program=active, by=clinician.user, reason="Flare-up: call the clinic.")
    active.refresh_from_db()
    assert active.paused_reason == "Flare-up: call the clinic."
    assert selectors.home_session_exercises(program=active, day=TODAY) == []
    services.program_resume(program=active, by=clinician.user)
    active.refresh_from_db()
    assert selectors.home_session_exercises(program=active, day=TODAY)


# -- versions -----------------------------------------------------------------------------------


def test_a_dose_change_makes_a_new_version_with_a_readable_diff(active, clinician):
    item = next(i for i in items_of(active) if not i.exercise.is_timed)
    new_reps = item.exercise.min_reps
    version = services.program_revise(
        program=active,
        by=clinician.user,
        note="Less to start with.",
        changes=[services.ExerciseChange(item.pk, dose=Dose(item.sets, new_reps, item.hold_s, 0))],
    )
    assert version.number == 2 and version.note == "Less to start with."
    assert version.diff.startswith(f"~ {item.exercise.name}: {item.dose_text} -> ")
    assert len(items_of(active)) == len(version.exercises.all())


@pytest.mark.parametrize(
    "problem",
    ["reps too high", "foreign exercise", "no note", "duration for reps", "twice"],
)
def test_bad_revisions_write_nothing(active, clinician, problem):
    item = next(i for i in items_of(active) if not i.exercise.is_timed)
    dose = Dose(item.sets, item.reps, item.hold_s, 0)
    note = "Change."
    changes = [services.ExerciseChange(item.pk, dose=dose)]
    if problem == "reps too high":
        changes = [services.ExerciseChange(item.pk, dose=Dose(1, item.exercise.max_reps + 1, 0, 0))]
    elif problem == "foreign exercise":
        changes = [services.ExerciseChange(987654, dose=dose)]
    elif problem == "no note":
        note = ""
    elif problem == "duration for reps":
        changes = [services.ExerciseChange(item.pk, dose=Dose(1, 0, 0, 60))]
    elif problem == "twice":
        changes = changes * 2
    before = row_counts()
    with pytest.raises(ValidationError):
        services.program_revise(program=active, by=clinician.user, note=note, changes=changes)
    assert row_counts() == before


# -- supervised sessions ------------------------------------------------------------------------


def test_supervised_session_records_technique_adjusts_dose_swaps_and_signs_off(active, clinician):
    items = items_of(active)
    session = SupervisedSession.objects.filter(program=active).order_by("number").first()
    swappable = next(i for i in items if i.exercise.easier_variant_or_none() is not None)
    others = [i for i in items if i.pk != swappable.pk]
    adjusted = next(i for i in others if not i.exercise.is_timed)
    entries = [
        services.SupervisedEntry(swappable.pk, technique=2, swap_to_easier=True),
        services.SupervisedEntry(
            adjusted.pk,
            technique=4,
            dose=Dose(adjusted.sets, adjusted.exercise.min_reps, adjusted.hold_s, 0),
            mastered=True,
        ),
        *(
            services.SupervisedEntry(i.pk, technique=5, mastered=True)
            for i in others
            if i.pk != adjusted.pk
        ),
    ]
    services.supervised_session_record(session=session, by=clinician.user, entries=entries)
    session.refresh_from_db()
    assert session.status == "done" and session.records.count() == len(entries)
    version = selectors.program_current_version(program=active)
    assert version.number == 2
    easier = swappable.exercise.easier_variant_or_none()
    by_exercise = {i.exercise_id: i for i in items_of(active)}
    assert easier.pk in by_exercise and swappable.exercise_id not in by_exercise
    assert by_exercise[easier.pk].state == ExerciseState.SUPERVISED
    assert by_exercise[adjusted.exercise_id].reps == adjusted.exercise.min_reps
    assert by_exercise[adjusted.exercise_id].state == ExerciseState.MASTERED
    active.refresh_from_db()
    assert active.home_started_on is None  # policy all: the easier variant still needs mastery


@pytest.mark.parametrize("problem", ["technique 6", "mastered and swapped", "foreign", "empty"])
def test_bad_supervised_records_write_nothing(active, clinician, problem):
    item = items_of(active)[0]
    session = SupervisedSession.objects.filter(program=active).first()
    entries = {
        "technique 6": [services.SupervisedEntry(item.pk, technique=6)],
        "mastered and swapped": [
            services.SupervisedEntry(item.pk, technique=5, mastered=True, swap_to_easier=True)
        ],
        "foreign": [services.SupervisedEntry(987654, technique=3)],
        "empty": [],
    }[problem]
    before = row_counts()
    with pytest.raises(ValidationError):
        services.supervised_session_record(session=session, by=clinician.user, entries=entries)
    assert row_counts() == before


# -- the patient's log -------------------------------------------------------------------------


@pytest.fixture
def at_home(active, clinician) -> Program:
    master_all(active, clinician.user)
    active.refresh_from_db()
    return active


def entry_for(program: Program, **changes) -> services.LogEntry:
    slug = selectors.home_session_exercises(program=program, day=TODAY)[0].exercise.slug
    values = {
        "exercise_slug": slug,
        "done": True,
        "sets_done": 2,
        "reps_done": 10,
        "pain_during": 2,
        "pain_after": 1,
        "difficulty": "right",
    }
    values.update(changes)
    return services.LogEntry(**values)


def test_a_log_is_stored_once_whatever_the_resends(at_home):
    patient = at_home.patient
    log, created = services.session_log_record(
        patient=patient, day=TODAY, client_key="phone-1", entries=[entry_for(at_home)]
    )
    assert created
    again, created_again = services.session_log_record(
        patient=patient, day=TODAY, client_key="phone-1", entries=[entry_for(at_home)]
    )
    assert again.pk == log.pk and not created_again
    assert ExerciseLog.objects.count() == 1
    stored = ExerciseLog.objects.get()
    assert (stored.pain_during, stored.pain_after, stored.difficulty) == (2, 1, "right")


@pytest.mark.parametrize(
    ("day", "changes", "field"),
    [
        (START - timedelta(days=1), {}, "day"),
        (TODAY + timedelta(days=1), {}, "day"),
        (TODAY, {"exercise_slug": "prone-press-up"}, "entries[0].exercise"),
        (TODAY, {"exercise_slug": "no-such-exercise"}, "entries[0].exercise"),
        (TODAY, {"pain_during": 11}, "entries[0].pain_during"),
        (TODAY, {"pain_after": -1}, "entries[0].pain_after"),
        (TODAY, {"difficulty": "meh"}, "entries[0].difficulty"),
        (TODAY, {"reps_done": -3}, "entries[0].reps_done"),
    ],
)
def test_bad_logs_are_refused_with_the_field_and_write_nothing(at_home, day, changes, field):
    before = row_counts()
    with pytest.raises(ValidationError) as error:
        services.session_log_record(
            patient=at_home.patient,
            day=day,
            client_key="k-1",
            entries=[entry_for(at_home, **changes)],
        )
    assert field in error.value.message_dict
    assert row_counts() == before


def test_before_unlock_nothing_can_be_logged(active):
    first = items_of(active)[0]
    with pytest.raises(ValidationError) as error:
        services.session_log_record(
            patient=active.patient,
            day=TODAY,
            client_key="k-early",
            entries=[services.LogEntry(first.exercise.slug, done=True)],
        )
    assert "home training has not started" in str(error.value)
    assert SessionLog.objects.count() == 0


def test_the_same_exercise_cannot_be_logged_twice_for_a_day_under_two_keys(at_home):
    services.session_log_record(
        patient=at_home.patient, day=TODAY, client_key="a", entries=[entry_for(at_home)]
    )
    with pytest.raises(ValidationError, match="Already logged"):
        services.session_log_record(
            patient=at_home.patient, day=TODAY, client_key="b", entries=[entry_for(at_home)]
        )
    assert SessionLog.objects.count() == 1


def test_someone_elses_key_is_refused(at_home, clinician):
    services.session_log_record(
        patient=at_home.patient, day=TODAY, client_key="shared", entries=[entry_for(at_home)]
    )
    other = make_patient(clinician, first_name="Other")
    with pytest.raises(ValidationError, match="another log"):
        services.session_log_record(
            patient=other, day=TODAY, client_key="shared", entries=[entry_for(at_home)]
        )


def test_reading_a_day_costs_a_constant_number_of_queries(at_home, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        selectors.home_session_exercises(program=at_home, day=TODAY)
    with django_assert_max_num_queries(4):
        schedule = selectors.program_schedule(program=at_home)
    assert len(schedule) == 42 and all(day.home for day in schedule if day.day >= START)


def test_exercise_with_is_timed_exists():
    # The library holds both kinds of dosing the services handle.
    kinds = {ex.is_timed for ex in Exercise.objects.all()}
    assert kinds == {True, False}


# -- many at once -------------------------------------------------------------------------------


def make_patients(clinician, count: int, prefix: str) -> list:
    patients = []
    for n in range(count):
        patient = make_patient(clinician, first_name=f"{prefix}{n}")
        rehab_services.patient_diagnosis_add(
            patient=patient, code="spinal_stenosis", side="bilateral", stage="chronic"
        )
        rehab_services.patient_comorbidity_add(patient=patient, code="hypertension")
        patients.append(patient)
    return patients


def test_bulk_generation_costs_the_same_queries_for_five_or_forty_patients(clinician):
    options = services.ProgramSettings(START)
    few = make_patients(clinician, 5, "few")
    many = make_patients(clinician, 40, "many")
    clinic_settings()  # read once, then cached, as in a clinic that is running
    with CaptureQueriesContext(connection) as small:
        services.programs_generate_bulk(
            patients=few, by=clinician.user, options=options, approve=True
        )
    with CaptureQueriesContext(connection) as large:
        report = services.programs_generate_bulk(
            patients=many, by=clinician.user, options=options, approve=True
        )

    def kinds(ctx: CaptureQueriesContext) -> tuple[int, int]:
        sql = [q["sql"] for q in ctx.captured_queries]
        return sum(s.startswith("SELECT") for s in sql), sum(s.startswith("INSERT") for s in sql)

    (few_reads, _), (many_reads, many_writes) = kinds(small), kinds(large)
    assert many_reads == few_reads  # no read per patient
    # About 2,300 rows go in batches, not row by row (with the programs' history rows and
    # their record of care, one batch each).
    assert many_writes <= len(many) // 3 + 2
    assert len(report.created) == 40 and report.skipped == {}
    program = report.created[0]
    assert HomeSession.objects.filter(program=program).count() == 42
    assert SupervisedSession.objects.filter(program=program).count() == 10
    items = items_of(program)
    assert 3 <= len(items) <= 6
    assert all(
        not {"spinal_extension"} & set(i.exercise.movement_tags.values_list("code", flat=True))
        for i in items
    )


def test_bulk_generation_skips_whom_it_must_and_says_why(clinician, sciatica_patient):
    flagged, busy, fine = make_patients(clinician, 3, "p")
    rehab_services.red_flag_raise(patient=flagged, code="fever")
    services.program_generate(patient=busy, by=clinician.user)
    report = services.programs_generate_bulk(
        patients=[flagged, busy, fine],
        by=clinician.user,
        options=services.ProgramSettings(START),
    )
    assert [p.patient_id for p in report.created] == [fine.pk]
    assert "red flag" in report.skipped[flagged.pk]
    assert "already has an open program" in report.skipped[busy.pk]


def test_why_no_program_is_made_is_in_the_clinicians_language(clinician, sciatica_patient):
    """The refusal and the engine's explanations under it, for a clinician reading Russian."""
    flagged, busy = make_patients(clinician, 2, "r")
    rehab_services.red_flag_raise(patient=flagged, code="fever")
    services.program_generate(patient=busy, by=clinician.user)
    with translation.override("ru"):
        with pytest.raises(ValidationError) as error:
            services.program_generate(patient=flagged, by=clinician.user)
        report = services.programs_generate_bulk(
            patients=[flagged, busy], by=clinician.user, options=services.ProgramSettings(START)
        )
    (first, *why) = error.value.message_dict["patient"]
    assert first == "Пока есть активный «красный флаг», программа не составляется."
    assert why and not any(re.search("[A-Za-z]{4,}", line) for line in why), why
    assert report.skipped[flagged.pk].startswith(first)
    assert report.skipped[busy.pk].startswith("У пациента уже есть открытая программа")  # noqa: RUF001


@pytest.mark.parametrize(
    ("options", "field"),
    [
        (services.ProgramSettings(START, weeks=0), "weeks"),
        (services.ProgramSettings(START, supervised_per_week=5), "supervised_per_week"),
        (services.ProgramSettings(START, supervised_course_length=20), "supervised_course_length"),
    ],
)
def test_program_settings_out_of_range_are_refused(clinician, sciatica_patient, options, field):
    before = row_counts()
    with pytest.raises(ValidationError) as error:
        services.programs_generate_bulk(
            patients=[sciatica_patient], by=clinician.user, options=options
        )
    assert field in error.value.message_dict
    assert row_counts() == before


def test_a_draft_edit_is_checked_then_written_and_a_bad_one_writes_nothing(draft, clinician):
    version = selectors.program_current_version(program=draft)
    row = items_of(draft)[0]
    before = row_counts()
    row.sets = row.exercise.max_sets + 1  # over the exercise's bound
    with pytest.raises(ValidationError, match=row.exercise.slug):
        services.draft_exercises_save(version=version, saved=[row], deleted=[], by=clinician.user)
    assert row_counts() == before
    row.refresh_from_db()
    row.sets = row.exercise.min_sets
    services.draft_exercises_save(version=version, saved=[row], deleted=[], by=clinician.user)
    row.refresh_from_db()
    assert row.sets == row.exercise.min_sets


def test_only_a_draft_is_edited_in_place(active, clinician):
    version = selectors.program_current_version(program=active)
    row = items_of(active)[0]
    with pytest.raises(ValidationError, match="Only a draft program can be edited"):
        services.draft_exercises_save(version=version, saved=[row], deleted=[], by=clinician.user)
