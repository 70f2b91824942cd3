"""The reminders' list in the admin: a clinician sees their own patients' rows and their own
digest, a superuser all, staff who are not clinicians none."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.utils import timezone

from notifications.models import Reminder, ReminderKind
from tests.conftest import PASSWORD, make_patient

pytestmark = pytest.mark.django_db

URL = "/admin/notifications/reminder/"


@pytest.fixture
def rows(clinician, colleague):
    now = timezone.now()
    mine = make_patient(clinician, first_name="Vera", last_name="Mine")
    theirs = make_patient(colleague, first_name="Olga", last_name="Theirs")
    made = {}
    for name, patient in (("mine", mine), ("theirs", theirs)):
        made[name] = Reminder.objects.create(
            kind=ReminderKind.DAILY_HOME, patient=patient, for_date=now.date(), due_at=now
        )
        made[f"{name}_alert"] = Reminder.objects.create(
            kind=ReminderKind.ALERT_PAIN,
            patient=patient,
            for_date=now.date(),
            due_at=now + timedelta(minutes=1),
        )
    for name, who in (("my_digest", clinician), ("their_digest", colleague)):
        made[name] = Reminder.objects.create(
            kind=ReminderKind.WEEKLY_DIGEST, clinician=who, for_date=now.date(), due_at=now
        )
    return made


def listed(client, username):
    assert client.login(username=username, password=PASSWORD)
    response = client.get(URL)
    assert response.status_code == 200
    return {row.pk for row in response.context["cl"].result_list}


def test_a_clinician_sees_their_own_patients_and_digest(client, clinician, rows):
    assert listed(client, clinician.user.username) == {
        rows["mine"].pk,
        rows["mine_alert"].pk,
        rows["my_digest"].pk,
    }


def test_a_colleague_sees_theirs_only(client, colleague, rows):
    assert listed(client, colleague.user.username) == {
        rows["theirs"].pk,
        rows["theirs_alert"].pk,
        rows["their_digest"].pk,
    }


def test_a_superuser_sees_every_row(client, rows):
    get_user_model().objects.create_superuser("root", password=PASSWORD)
    assert listed(client, "root") == {row.pk for row in rows.values()}


def test_staff_who_are_not_clinicians_see_no_reminder(client, outsider, rows):
    outsider.user_permissions.add(Permission.objects.get(codename="view_reminder"))
    assert listed(client, outsider.username) == set()
    # Nor one row by its address.
    response = client.get(f"{URL}{rows['mine'].pk}/change/")
    assert response.status_code == 302


def test_anonymous_is_sent_to_sign_in(client, rows):
    response = client.get(URL)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_list_is_read_only_and_a_refused_change_changes_nothing(client, colleague, rows):
    assert client.login(username=colleague.user.username, password=PASSWORD)
    mine = rows["mine"]
    response = client.post(f"{URL}{mine.pk}/change/", {"status": "sent"})
    assert response.status_code in (302, 403)
    mine.refresh_from_db()
    assert mine.status == "pending"
    assert client.post(f"{URL}{mine.pk}/delete/", {"post": "yes"}).status_code in (302, 403)
    assert Reminder.objects.filter(pk=mine.pk).exists()


def test_the_list_costs_the_same_queries_for_more_rows(
    client, clinician, rows, django_assert_max_num_queries
):
    assert client.login(username=clinician.user.username, password=PASSWORD)
    patient = rows["mine"].patient
    now = timezone.now()
    for day in range(1, 40):
        Reminder.objects.create(
            kind=ReminderKind.DAILY_HOME,
            patient=patient,
            for_date=now.date() + timedelta(days=day),
            due_at=now + timedelta(days=day),
        )
    with django_assert_max_num_queries(12):
        assert client.get(URL).status_code == 200
