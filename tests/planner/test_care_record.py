"""The record of care: every act on a patient's program says who did it, when and what."""

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import override_settings

from planner import selectors, services
from planner.models import Program, ProgramStatus, ReviewProposal
from rehab import services as rehab_services
from rehab.models import ActorKind, CareAction, CareRecordEntry
from tests.conftest import log_home_days, make_patient

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("library")]
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def _frozen_clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def entries(patient, action=None) -> list[CareRecordEntry]:
    rows = CareRecordEntry.objects.filter(patient=patient).order_by("at", "id")
    return list(rows.filter(action=action) if action else rows)


def one(patient, action) -> CareRecordEntry:
    found = entries(patient, action)
    assert len(found) == 1, [e.action for e in entries(patient)]
    return found[0]


def items(program):
    return selectors.program_exercises(version=selectors.program_current_version(program=program))


@pytest.fixture
def draft(clinician) -> Program:
    patient = make_patient(clinician, time_zone="America/Los_Angeles")
    rehab_services.patient_diagnosis_add(
        patient=patient, code="osteochondrosis", side="bilateral", stage="chronic"
    )
    return services.program_generate(patient=patient, by=clinician.user, start_date=TODAY)


def test_approve_pause_resume_complete_record_the_clinician_and_the_moment(clinician, draft):
    by = clinician.user
    services.program_approve(program=draft, by=by)
    services.program_pause(program=draft, by=by, reason="Seen at the clinic on Friday.")
    services.program_resume(program=draft, by=by)
    services.program_complete(program=draft, by=by)
    patient = draft.patient
    drafted = one(patient, CareAction.PROGRAM_CREATED)
    assert drafted.actor == by and drafted.detail["program"] == draft.pk
    for action in (
        CareAction.PROGRAM_APPROVED,
        CareAction.PROGRAM_PAUSED,
        CareAction.PROGRAM_RESUMED,
        CareAction.PROGRAM_COMPLETED,
    ):
        entry = one(patient, action)
        assert (entry.actor, entry.actor_kind, entry.auto) == (by, ActorKind.CLINIC, False)
        assert entry.at == NOW
        assert entry.detail["program"] == draft.pk
    assert one(patient, CareAction.PROGRAM_PAUSED).detail["reason"] == (
        "Seen at the clinic on Friday."
    )
    # The program's own history rows carry the same user and why.
    reasons = list(
        draft.history.order_by("history_id").values_list("history_change_reason", "history_user")
    )
    assert reasons == [
        ("drafted", by.pk),
        ("approved", by.pk),
        ("paused", by.pk),
        ("resumed", by.pk),
        ("completed", by.pk),
    ]


def test_a_refused_pause_records_nothing(clinician, draft):
    with pytest.raises(ValidationError):
        services.program_pause(program=draft, by=clinician.user, reason="   ")
    with pytest.raises(ValidationError):
        services.program_pause(program=draft, by=clinician.user, reason="a draft is not active")
    assert [e.action for e in entries(draft.patient)] == [CareAction.PROGRAM_CREATED]
    assert draft.history.count() == 1


def test_mastery_sign_off_records_the_exercise_and_the_specialist(clinician, draft):
    services.program_approve(program=draft, by=clinician.user)
    first = items(draft)[0]
    services.mastery_sign_off(program_exercise=first, by=clinician.user, on=TODAY)
    entry = one(draft.patient, CareAction.EXERCISE_MASTERED)
    assert entry.actor == clinician.user and entry.at == NOW
    assert entry.detail["exercise"] == first.exercise.name
    assert entry.detail["day"] == TODAY.isoformat()


def test_bulk_generation_records_each_program_and_its_history(clinician):
    patients = [make_patient(clinician, first_name=f"Bulk{i}") for i in range(3)]
    for patient in patients:
        rehab_services.patient_diagnosis_add(
            patient=patient, code="osteochondrosis", side="left", stage="chronic"
        )
    options = services.ProgramSettings(TODAY, 6, 3, 10)
    report = services.programs_generate_bulk(
        patients=patients, by=clinician.user, options=options, approve=True
    )
    assert len(report.created) == 3
    for program in report.created:
        entry = one(program.patient, CareAction.PROGRAM_APPROVED)
        assert entry.actor == clinician.user and entry.detail["program"] == program.pk
        (row,) = Program.history.filter(id=program.pk)
        assert (row.history_user, row.history_change_reason) == (clinician.user, "approved")


# -- Red flags and progression -------------------------------------------------------------------


def test_a_patient_reported_red_flag_is_recorded_as_the_patients_act(clinician):
    patient = make_patient(clinician, time_zone="Pacific/Auckland")
    rehab_services.patient_diagnosis_add(
        patient=patient, code="sciatica", side="left", stage="chronic"
    )
    from django.contrib.auth import get_user_model

    patient.user = get_user_model().objects.create_user("pat-ru")
    patient.language = "ru"
    patient.save()
    from tests.conftest import program_for

    program = program_for(patient, clinician)
    services.symptom_red_flag_report(patient=patient, codes=["saddle_anesthesia"])
    flag = one(patient, CareAction.RED_FLAG_RECORDED)
    assert (flag.actor, flag.actor_kind) == (patient.user, ActorKind.PATIENT)
    assert flag.detail["code"] == "saddle_anesthesia"
    paused = one(patient, CareAction.PROGRAM_PAUSED)
    assert paused.actor_kind == ActorKind.PATIENT and paused.detail["program"] == program.pk
    assert "приостановлена" in paused.detail["reason"]  # what the patient read, in Russian


def test_clinician_records_and_resolves_a_red_flag(clinician, patient):
    flag = rehab_services.red_flag_raise(
        patient=patient, code="saddle_anesthesia", noted_by=clinician.user
    )
    with time_machine.travel(NOW + timedelta(hours=2), tick=False):
        rehab_services.red_flag_resolve(
            patient_red_flag=flag, resolved_by=clinician.user, notes="MRI clear."
        )
        # Resolving again changes nothing and records nothing.
        rehab_services.red_flag_resolve(patient_red_flag=flag, resolved_by=clinician.user)
    recorded = one(patient, CareAction.RED_FLAG_RECORDED)
    resolved = one(patient, CareAction.RED_FLAG_RESOLVED)
    assert recorded.actor == resolved.actor == clinician.user
    assert (recorded.at, resolved.at) == (NOW, NOW + timedelta(hours=2))
    assert resolved.detail["notes"] == "MRI clear."
    assert [r.status for r in flag.history.order_by("history_id")] == ["active", "resolved"]
    assert flag.history.latest().history_user == clinician.user


@pytest.fixture
def at_home(clinician) -> Program:
    patient = make_patient(clinician, time_zone="America/Los_Angeles")
    rehab_services.patient_diagnosis_add(
        patient=patient, code="osteochondrosis", side="bilateral", stage="chronic"
    )
    start = TODAY - timedelta(days=10)
    program = services.program_generate(patient=patient, by=clinician.user, start_date=start)
    services.program_approve(program=program, by=clinician.user)
    for item in items(program):
        services.mastery_sign_off(program_exercise=item, by=clinician.user, on=start)
    program.refresh_from_db()
    return program


def test_pain_of_six_pauses_progression_automatically_and_the_clinician_resumes_it(
    clinician, at_home
):
    log_home_days(at_home, at_home.start_date, 1, pain=7)
    paused = one(at_home.patient, CareAction.PROGRESSION_PAUSED)
    assert (paused.actor, paused.actor_kind, paused.auto) == (None, ActorKind.SYSTEM, True)
    assert "Pain of 7" in paused.detail["reason"]
    services.progression_resume(program=at_home, by=clinician.user)
    resumed = one(at_home.patient, CareAction.PROGRESSION_RESUMED)
    assert resumed.actor == clinician.user and not resumed.auto
    assert "Pain of 7" in resumed.detail["reason"]  # what the clinician looked at


def test_progression_resume_when_not_paused_records_nothing(clinician, at_home):
    with pytest.raises(ValidationError):
        services.progression_resume(program=at_home, by=clinician.user)
    assert not entries(at_home.patient, CareAction.PROGRESSION_RESUMED)


# -- Weekly reviews --------------------------------------------------------------------------------


def test_review_approved_and_rejected_by_the_clinician(clinician, at_home):
    week = at_home.start_date
    log_home_days(at_home, week, 7, pain=1, difficulty="easy")
    proposal = services.review_propose(program=at_home, week_start=week, today=TODAY)
    services.review_approve(proposal=proposal, by=clinician.user)
    approved = one(at_home.patient, CareAction.REVIEW_APPROVED)
    assert (approved.actor, approved.auto) == (clinician.user, False)
    assert approved.detail["week_start"] == week.isoformat()
    changed = entries(at_home.patient, CareAction.PROGRAM_CHANGED)
    assert changed and changed[-1].actor == clinician.user
    assert proposal.history.latest().history_user == clinician.user


def test_review_rejected(clinician, at_home):
    week = at_home.start_date
    log_home_days(at_home, week, 7)
    proposal = services.review_propose(program=at_home, week_start=week, today=TODAY)
    services.review_reject(proposal=proposal, by=clinician.user)
    rejected = one(at_home.patient, CareAction.REVIEW_REJECTED)
    assert rejected.actor == clinician.user and rejected.detail["review"] == proposal.pk


@override_settings(REVIEW_AUTO_APPLY=True)
def test_an_auto_applied_review_is_marked_automatic_with_no_person_as_actor(clinician, at_home):
    week = at_home.start_date
    log_home_days(at_home, week, 7, pain=1, difficulty="easy")
    proposal = services.review_propose(program=at_home, week_start=week, today=TODAY)
    assert proposal.status == "approved"
    applied = one(at_home.patient, CareAction.REVIEW_AUTO_APPLIED)
    assert (applied.actor, applied.actor_kind, applied.auto) == (None, ActorKind.SYSTEM, True)
    assert not entries(at_home.patient, CareAction.REVIEW_APPROVED)
    if proposal.resulting_version is not None:
        changed = entries(at_home.patient, CareAction.PROGRAM_CHANGED)[-1]
        assert changed.auto and changed.actor is None
    last = ReviewProposal.history.filter(id=proposal.pk).latest()
    assert last.history_user is None and last.history_change_reason == "approved (auto)"


# -- Through the API -------------------------------------------------------------------------------


def test_pausing_through_the_api_records_the_requesting_clinician(client, clinician, draft):
    from django.urls import reverse

    services.program_approve(program=draft, by=clinician.user)
    from tests.conftest import PASSWORD

    assert client.login(username=clinician.user.username, password=PASSWORD)
    url = reverse("api:clinician-program-pause", args=[draft.pk])
    response = client.post(url, {"reason": "Flare-up"}, content_type="application/json")
    assert response.status_code == 200, response.content
    entry = one(draft.patient, CareAction.PROGRAM_PAUSED)
    assert entry.actor == clinician.user and entry.detail["reason"] == "Flare-up"


def test_another_clinicians_refused_pause_records_nothing(client, colleague, clinician, draft):
    from django.urls import reverse

    from tests.conftest import PASSWORD

    services.program_approve(program=draft, by=clinician.user)
    assert client.login(username=colleague.user.username, password=PASSWORD)
    url = reverse("api:clinician-program-pause", args=[draft.pk])
    response = client.post(url, {"reason": "Not mine"}, content_type="application/json")
    assert response.status_code in (403, 404)
    assert not entries(draft.patient, CareAction.PROGRAM_PAUSED)
    assert Program.objects.get(pk=draft.pk).status == ProgramStatus.ACTIVE


def test_dates_on_both_sides_of_utc(clinician):
    """An entry is an instant; Auckland's patient sees it on her next day."""
    patient = make_patient(clinician, time_zone="Pacific/Auckland")
    with time_machine.travel(datetime(2026, 11, 25, 23, 30, tzinfo=UTC), tick=False):
        rehab_services.red_flag_raise(patient=patient, code="saddle_anesthesia", noted_by=None)
    entry = one(patient, CareAction.RED_FLAG_RECORDED)
    assert entry.actor_kind == ActorKind.SYSTEM and entry.auto
    from zoneinfo import ZoneInfo

    assert entry.at.astimezone(ZoneInfo("Pacific/Auckland")).date() == date(2026, 11, 26)
    assert entry.at.astimezone(ZoneInfo("America/Los_Angeles")).date() == date(2026, 11, 25)
