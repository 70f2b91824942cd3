"""Programs in the doctors' admin: generate, edit the draft, approve, pause, supervise, review."""

from datetime import timedelta

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from planner import selectors, services
from planner.models import ContraindicationRule, Program, SupervisedSession
from rehab import services as rehab_services
from tests.conftest import SUITE_NOW, make_patient
from tests.rehab.test_admin import login

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("library")]
START = SUITE_NOW.date() - timedelta(days=10)


def patient_with_sciatica(clinician, name: str = "Sofia"):
    patient = make_patient(clinician, first_name=name)
    rehab_services.patient_diagnosis_add(
        patient=patient, code="sciatica", side="right", stage="subacute"
    )
    return patient


def row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


@pytest.fixture
def draft(clinician) -> Program:
    patient = patient_with_sciatica(clinician)
    return services.program_generate(patient=patient, by=clinician.user, start_date=START)


@pytest.fixture
def active(draft, clinician) -> Program:
    return services.program_approve(program=draft, by=clinician.user)


def test_doctor_generates_a_draft_from_the_patient_list_and_sees_why(client, clinician):
    patient = patient_with_sciatica(clinician)
    login(client, clinician.user)
    response = client.post(
        reverse("admin:rehab_patient_changelist"),
        {"action": "generate_draft_program", "_selected_action": [patient.pk]},
        follow=True,
    )
    assert "draft program" in response.content.decode()
    program = Program.objects.get(patient=patient)
    page = client.get(reverse("admin:planner_program_change", args=[program.pk])).content.decode()
    assert "Version 1" in page
    assert "Suits sciatica." in page  # each exercise says why
    assert "A-RADICULAR" in page


def test_a_red_flag_stops_generation_with_a_message(client, clinician):
    patient = patient_with_sciatica(clinician)
    rehab_services.red_flag_raise(patient=patient, code="saddle_anesthesia")
    login(client, clinician.user)
    before = row_counts()
    response = client.post(
        reverse("admin:rehab_patient_changelist"),
        {"action": "generate_draft_program", "_selected_action": [patient.pk]},
        follow=True,
    )
    assert "red flag" in response.content.decode()
    assert row_counts() == before


def test_approve_action_lays_out_the_schedule_shown_on_the_program(client, clinician, draft):
    login(client, clinician.user)
    client.post(
        reverse("admin:planner_program_changelist"),
        {"action": "approve", "_selected_action": [draft.pk]},
    )
    draft.refresh_from_db()
    assert draft.status == "active"
    page = client.get(reverse("admin:planner_program_change", args=[draft.pk])).content.decode()
    assert "next: supervised session" in page  # nothing mastered yet
    assert "#1 10:00 (Planned)" in page  # clinic times as the patient's clock shows them
    assert "Pause the program" in page


def test_another_clinician_cannot_see_or_act_on_the_program(client, colleague, draft):
    login(client, colleague.user)
    listing = client.get(reverse("admin:planner_program_changelist")).content.decode()
    assert "Sofia" not in listing
    response = client.get(reverse("admin:planner_program_change", args=[draft.pk]))
    assert response.status_code == 302  # the admin's answer for an object outside the queryset
    before = row_counts()
    client.post(
        reverse("admin:planner_program_changelist"),
        {"action": "approve", "_selected_action": [draft.pk]},
    )
    assert client.post(
        reverse("admin:planner_program_pause", args=[draft.pk]), {"reason": "x"}
    ).status_code in (403, 404)
    assert row_counts() == before
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_anonymous_is_sent_to_sign_in(client, draft):
    response = client.get(reverse("admin:planner_program_change", args=[draft.pk]))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_pausing_needs_a_reason_the_patient_will_see(client, clinician, active):
    login(client, clinician.user)
    url = reverse("admin:planner_program_pause", args=[active.pk])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200 and "This field is required" in response.content.decode()
    active.refresh_from_db()
    assert active.status == "active"
    client.post(url, {"reason": "Pain flare: call Dr Owner on 555-0100."})
    active.refresh_from_db()
    assert active.status == "paused" and active.paused_reason.startswith("Pain flare")


def test_draft_doses_are_edited_within_the_exercise_bounds(client, clinician, draft):
    login(client, clinician.user)
    version = selectors.program_current_version(program=draft)
    items = selectors.program_exercises(version=version)
    url = reverse("admin:planner_programversion_change", args=[version.pk])
    data = {
        "exercises-TOTAL_FORMS": str(len(items)),
        "exercises-INITIAL_FORMS": str(len(items)),
        "exercises-MIN_NUM_FORMS": "0",
        "exercises-MAX_NUM_FORMS": "1000",
    }
    for index, item in enumerate(items):
        prefix = f"exercises-{index}-"
        data.update(
            {
                prefix + "id": str(item.pk),
                prefix + "version": str(version.pk),
                prefix + "position": str(item.position),
                prefix + "exercise": str(item.exercise_id),
                prefix + "sets": str(item.sets),
                prefix + "reps": str(item.reps),
                prefix + "hold_s": str(item.hold_s),
                prefix + "duration_s": str(item.duration_s),
            }
        )
    first = items[0]
    too_many = first.exercise.max_sets + 5
    data["exercises-0-sets"] = str(too_many)
    response = client.post(url, data)
    assert response.status_code == 200
    assert f"must be between {first.exercise.min_sets} and" in response.content.decode()
    first.refresh_from_db()
    assert first.sets != too_many

    data["exercises-0-sets"] = str(first.exercise.min_sets)
    response = client.post(url, data)
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.sets == first.exercise.min_sets


def test_recording_a_supervised_session_signs_off_mastery_and_unlocks_home(
    client, clinician, active
):
    login(client, clinician.user)
    session = SupervisedSession.objects.filter(program=active).order_by("number").first()
    items = selectors.program_exercises(version=selectors.program_current_version(program=active))
    url = reverse("admin:planner_supervisedsession_record", args=[session.pk])
    assert client.get(url).status_code == 200

    def form(technique: str, mastered: bool) -> dict[str, str]:
        data = {
            "form-TOTAL_FORMS": str(len(items)),
            "form-INITIAL_FORMS": str(len(items)),
            "form-MIN_NUM_FORMS": "0",
            "form-MAX_NUM_FORMS": "1000",
        }
        for index, item in enumerate(items):
            prefix = f"form-{index}-"
            data.update(
                {
                    prefix + "program_exercise_id": str(item.pk),
                    prefix + "technique": technique,
                    prefix + "sets": str(item.sets),
                    prefix + "reps": str(item.reps),
                    prefix + "hold_s": str(item.hold_s),
                    prefix + "duration_s": str(item.duration_s),
                }
            )
            if mastered:
                data[prefix + "mastered"] = "on"
        return data

    before = row_counts()
    response = client.post(url, form("9", True))
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert row_counts() == before

    response = client.post(url, form("5", True))
    assert response.status_code == 302
    session.refresh_from_db()
    active.refresh_from_db()
    assert session.status == "done" and session.records.count() == len(items)
    assert active.home_started_on is not None
    assert len(selectors.home_session_exercises(program=active, day=timezone.localdate())) == len(
        items
    )


def test_another_clinician_cannot_record_a_session(client, colleague, active):
    login(client, colleague.user)
    session = SupervisedSession.objects.filter(program=active).first()
    before = row_counts()
    response = client.post(reverse("admin:planner_supervisedsession_record", args=[session.pk]), {})
    assert response.status_code == 404
    assert row_counts() == before


def test_review_is_approved_from_the_admin(client, clinician, active):
    for item in selectors.program_exercises(
        version=selectors.program_current_version(program=active)
    ):
        services.mastery_sign_off(program_exercise=item, by=clinician.user, on=START)
    active.refresh_from_db()
    for offset in range(7):
        day = START + timedelta(days=offset)
        services.session_log_record(
            patient=active.patient,
            day=day,
            client_key=f"d{offset}",
            entries=[
                services.LogEntry(
                    i.exercise.slug,
                    True,
                    i.sets,
                    i.reps,
                    pain_during=1,
                    pain_after=1,
                    difficulty="easy",
                )
                for i in selectors.home_session_exercises(program=active, day=day)
            ],
        )
    proposal = services.review_propose(program=active, week_start=START)
    login(client, clinician.user)
    page = client.get(reverse("admin:planner_reviewproposal_change", args=[proposal.pk]))
    assert "V-PROGRESS" in page.content.decode()
    client.post(
        reverse("admin:planner_reviewproposal_changelist"),
        {"action": "approve", "_selected_action": [proposal.pk]},
    )
    proposal.refresh_from_db()
    assert proposal.status == "approved"
    assert selectors.program_current_version(program=active).number == 2


def test_rule_rows_are_editable_and_validated(client, clinician):
    login(client, clinician.user)
    rule = ContraindicationRule.objects.get(rule_id="R-HTN")
    url = reverse("admin:planner_contraindicationrule_change", args=[rule.pk])
    page = client.get(url)
    assert page.status_code == 200
    data = {
        "explanation": rule.explanation,
        "is_active": "on",
        "comorbidities": '["hypertension", "heart_failure"]',
        "diagnoses": "[]",
        "diagnosis_stages": "[]",
        "any_diagnosis_in_stages": "[]",
        "block_tags": '["breath_hold", "headstand"]',
        "caution_tags": "[]",
        "low_fitness_caution_tags": "[]",
        "caution_action": "easier_variant",
        "max_hold_s": "10",
        "adds_without_tags": "[]",
    }
    response = client.post(url, data)
    assert (
        response.status_code == 200
        and "Unknown movement tag headstand" in response.content.decode()
    )
    rule.refresh_from_db()
    assert "headstand" not in rule.block_tags


def test_program_list_costs_the_same_queries_for_many_programs(client, clinician):
    login(client, clinician.user)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("admin:planner_program_changelist")).status_code == 200
        return len(ctx.captured_queries)

    services.program_generate(patient=patient_with_sciatica(clinician, "A"), by=clinician.user)
    few = count()
    for n in range(10):
        services.program_generate(
            patient=patient_with_sciatica(clinician, f"B{n}"), by=clinician.user
        )
    assert count() == few


def test_the_clinic_can_set_reminder_preferences_on_the_patient_page(client, clinician):
    patient = patient_with_sciatica(clinician, "Lena")
    login(client, clinician.user)
    page = client.get(reverse("admin:rehab_patient_change", args=[patient.pk]))
    assert page.status_code == 200
    content = page.content.decode()
    assert "reminder_preferences-0-quiet_start" in content
    assert 'name="language"' in content  # the language is the patient's own field now


@pytest.mark.parametrize(
    ("start", "saved"),
    [("9999-12-25", False), ("2026-10-01", False), ("2026-12-01", True)],
)
def test_a_drafts_start_moved_on_its_page_stays_in_the_window(
    client, clinician, draft, start, saved
):
    login(client, clinician.user)
    before = draft.start_date
    response = client.post(
        reverse("admin:planner_program_change", args=[draft.pk]),
        {
            "start_date": start,
            "weeks": draft.weeks,
            "supervised_per_week": draft.supervised_per_week,
            "supervised_course_length": draft.supervised_course_length,
        },
    )
    draft.refresh_from_db()
    if saved:
        assert response.status_code == 302
        assert draft.start_date.isoformat() == start
    else:
        assert response.status_code == 200
        assert "A program starts between" in response.content.decode()
        assert draft.start_date == before
