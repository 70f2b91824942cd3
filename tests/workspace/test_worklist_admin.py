"""The admin index opens with "Needs attention": the clinician's patients with their reasons,
a link to act and a "Mark handled" button each, then today's clinic sessions; in English or
Russian; nobody else's patients."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from planner import selectors
from planner.models import SupervisedSession, WorklistMark
from rehab import services as rehab_services
from tests.conftest import make_patient, program_for
from tests.rehab.test_admin import login

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("library")]
INDEX = "/admin/"
HANDLE = "/admin/planner/worklistmark/handle/"


@pytest.fixture
def flagged(clinician):
    patient = make_patient(clinician, first_name="Flora", last_name="Flag")
    rehab_services.patient_diagnosis_add(
        patient=patient, code="sciatica", side="left", stage="subacute"
    )
    rehab_services.red_flag_raise(patient=patient, code="fever", noted_by=clinician.user)
    return patient


@pytest.fixture
def learner(clinician):
    """In the supervised course, a clinic session later today."""
    patient = make_patient(clinician, first_name="Lena", last_name="Learner")
    rehab_services.patient_diagnosis_add(
        patient=patient, code="sciatica", side="left", stage="subacute"
    )
    program = program_for(patient, clinician, days_ago=0, master=False)
    SupervisedSession.objects.filter(program=program).delete()
    SupervisedSession.objects.create(
        program=program, number=1, scheduled_for=timezone.now() + timedelta(hours=2)
    )
    return patient


def test_the_index_opens_with_the_worklist_and_todays_sessions(client, clinician, flagged, learner):
    login(client, clinician.user)
    response = client.get(INDEX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index('id="needs-attention"') < html.index('id="clinic-today"')
    assert html.index('id="clinic-today"') < html.index("app-planner")  # above the admin's
    # The name opens the overview (what she did and reported); a red flag her record.
    overview = reverse("admin:rehab_patient_overview", args=[flagged.pk])
    assert f'<a href="{overview}">Flora Flag</a>' in html
    record = reverse("admin:rehab_patient_change", args=[flagged.pk])
    assert f'<a href="{record}">Open</a>' in html
    assert "Red flag recorded by the clinic" in html
    assert "Recorded by the clinic: Fever." in html
    assert 'name="kind" value="red_flag_recorded"' in html
    assert "csrfmiddlewaretoken" in html
    assert "Mark handled" in html
    clinic_today = html[html.index('id="clinic-today"') :]
    assert "Lena Learner" in clinic_today and "Clinic session at" in clinic_today


def test_mark_handled_takes_the_reason_off_and_shows_who_and_when(client, clinician, flagged):
    login(client, clinician.user)
    reason = selectors.worklist_rows(user=clinician.user)[0].reasons[0]
    response = client.post(
        HANDLE,
        {"patient": flagged.pk, "kind": reason.kind, "since": reason.since.isoformat()},
        follow=True,
    )
    assert response.redirect_chain == [(reverse("admin:index"), 302)]
    html = response.content.decode()
    assert "Marked handled: Red flag recorded by the clinic, Flora Flag." in html
    assert "Handled by Owner Doctor" in html
    assert 'name="kind" value="red_flag_recorded"' not in html  # no button any more
    mark = WorklistMark.objects.get()
    assert (mark.patient, mark.kind, mark.by) == (flagged, reason.kind, clinician.user)
    marks = client.get(reverse("admin:planner_worklistmark_changelist")).content.decode()
    assert "Flora Flag" in marks and "Owner Doctor" in marks


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"kind": "not_a_reason"}, "Unknown reason not_a_reason"),
        ({"since": "not a time"}, "This reason is not on the worklist now"),
        ({"patient": "x"}, "No patient of yours has this id."),
    ],
)
def test_bad_input_is_told_and_writes_nothing(client, clinician, flagged, change, message):
    login(client, clinician.user)
    reason = selectors.worklist_rows(user=clinician.user)[0].reasons[0]
    body = {"patient": flagged.pk, "kind": reason.kind, "since": reason.since.isoformat()}
    response = client.post(HANDLE, {**body, **change}, follow=True)
    assert message in response.content.decode()
    assert not WorklistMark.objects.exists()


def test_a_colleague_neither_sees_nor_marks_anothers_patient(client, colleague, flagged):
    login(client, colleague.user)
    html = client.get(INDEX).content.decode()
    assert "Flora Flag" not in html and "Nobody needs attention now." in html
    reason = selectors.worklist_rows(user=flagged.clinician.user)[0].reasons[0]
    body = {"patient": flagged.pk, "kind": reason.kind, "since": reason.since.isoformat()}
    response = client.post(HANDLE, body, follow=True)
    assert "No patient of yours has this id." in response.content.decode()
    assert not WorklistMark.objects.exists()
    assert (
        "Flora Flag"
        not in client.get(reverse("admin:planner_worklistmark_changelist")).content.decode()
    )


def test_handle_takes_only_a_post_from_a_signed_in_clinician(client, clinician, flagged):
    login(client, clinician.user)
    assert client.get(HANDLE).status_code == 405
    client.logout()
    response = client.post(HANDLE, {"patient": flagged.pk})
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert not WorklistMark.objects.exists()


def test_the_worklist_in_russian(client, clinician, flagged):
    login(client, clinician.user)
    html = client.get(INDEX, headers={"accept-language": "ru"}).content.decode()
    assert "Требует внимания" in html
    assert "Записано клиникой: температура." in html
    assert "Отметить как решённое" in html
    assert "Занятия в клинике сегодня" in html


def test_the_index_costs_the_same_for_more_patients(
    client, clinician, flagged, django_assert_max_num_queries
):
    login(client, clinician.user)
    client.get(INDEX)
    with CaptureQueriesContext(connection) as few:
        client.get(INDEX)
    for index in range(10):
        patient = make_patient(clinician, first_name=f"Extra{index}")
        rehab_services.red_flag_raise(patient=patient, code="fever", noted_by=clinician.user)
    with django_assert_max_num_queries(len(few)):
        response = client.get(INDEX)
    assert response.content.decode().count('value="red_flag_recorded"') == 11
