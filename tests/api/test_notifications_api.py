"""The patient's notifications in the API: GET /api/v1/notifications/ and
POST /api/v1/notifications/read/.

Each patient reads and marks only their own; reading marks nothing; a refused or bad
request changes nothing. Who may call at all is in test_permissions.py, the queries in
test_query_counts.py.
"""

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from notifications import delivery
from notifications.models import Notification, Reminder, ReminderKind
from planner import selectors
from tests.api.conftest import Clinic, client_for, with_sciatica
from tests.api.test_patient_api import patient_client

V1 = "/api/v1"
LIST, READ = f"{V1}/notifications/", f"{V1}/notifications/read/"


def states() -> list[tuple[int, int, datetime | None]]:
    return list(Notification.objects.order_by("pk").values_list("pk", "user_id", "read_at"))


def unread_ids(user: Any) -> set[int]:
    return set(
        Notification.objects.filter(user=user, read_at__isnull=True).values_list("pk", flat=True)
    )


def notify(user: Any, title: str, *, at: datetime | None = None) -> Notification:
    row = Notification.objects.create(user=user, title=title, body=f"{title}.", link="/app/")
    if at is not None:
        Notification.objects.filter(pk=row.pk).update(created_at=at)
        row.refresh_from_db()
    return row


# -- the list -------------------------------------------------------------------------------------


def test_the_list_is_my_own_newest_first_and_reading_it_marks_nothing(world: Clinic):
    latest = notify(world.home.user, "Newest", at=timezone.now() + timedelta(minutes=1))
    before = states()
    page = client_for(world, "owner_patient").get(LIST).json()
    assert page["count"] == 3
    assert [row["title"] for row in page["results"]] == [
        "Newest",
        "Shall we start again today?",
        "Time for today's exercises",
    ]
    assert page["results"][0] == {
        "id": latest.pk,
        "title": "Newest",
        "body": "Newest.",
        "link": "/app/",
        # In Moscow, the owner's zone.
        "created_at": latest.created_at.astimezone(ZoneInfo("Europe/Moscow")).isoformat(),
        "read": False,
        "read_at": None,
    }
    assert states() == before
    other = client_for(world, "other_patient").get(LIST).json()
    assert [row["title"] for row in other["results"]] == ["Clinic session at 10:00"]


def test_unread_only_and_its_count(world: Clinic):
    client = client_for(world, "owner_patient")
    first = Notification.objects.filter(user=world.home.user).order_by("pk").first()
    Notification.objects.filter(pk=first.pk).update(read_at=timezone.now())
    page = client.get(LIST, {"unread": "true", "page_size": 1}).json()
    assert page["count"] == 1
    assert page["results"][0]["title"] == "Shall we start again today?"
    everything = client.get(LIST).json()["results"]
    assert [row["read"] for row in everything] == [False, True]
    assert everything[1]["read_at"] is not None


@pytest.mark.parametrize("query", [{"unread": "maybe"}, {"page": "x"}, {"page": 9}])
def test_a_bad_query_is_refused(world: Clinic, query):
    response = client_for(world, "owner_patient").get(LIST, query)
    assert response.status_code in (400, 404)


@pytest.mark.parametrize(
    ("zone", "shown"),
    [
        ("America/Los_Angeles", "2026-11-24T21:30:00-08:00"),
        ("Pacific/Auckland", "2026-11-25T18:30:00+13:00"),
    ],
)
def test_times_are_in_the_patients_own_zone(world: Clinic, zone, shown):
    patient = with_sciatica(world.clinician, "Zoe", time_zone=zone)
    client = patient_client(patient, f"zoe-{zone.split('/')[1].lower()}")
    notify(patient.user, "Clinic session at 10:00", at=datetime(2026, 11, 25, 5, 30, tzinfo=UTC))
    row = client.get(LIST).json()["results"][0]
    assert row["created_at"] == shown


def test_a_russian_patient_gets_her_reminder_as_it_was_sent_in_russian(world: Clinic):
    home = world.home
    home.language = "ru"
    home.save(update_fields=["language"])
    reminder = Reminder.objects.create(
        patient=home,
        kind=ReminderKind.DAILY_HOME,
        for_date=selectors.patient_local_today(patient=home),
        due_at=timezone.now() - timedelta(minutes=1),
        context={"exercises": 5, "minutes": 15},
    )
    assert delivery.reminder_send(reminder_id=reminder.pk) == "sent"
    newest = client_for(world, "owner_patient").get(LIST).json()["results"][0]
    assert newest["title"] == "Пора сделать упражнения"
    assert newest["link"] == "/app/today/" and not newest["read"]


# -- marking read ---------------------------------------------------------------------------------


def test_marking_by_id_changes_only_my_own(world: Clinic):
    mine = sorted(unread_ids(world.home.user))
    theirs = sorted(unread_ids(world.learner.user))
    response = client_for(world, "owner_patient").post(
        READ, {"ids": [mine[0], *theirs]}, format="json"
    )
    assert response.status_code == 200
    assert response.json() == {"marked": 1, "unread": 1}
    assert unread_ids(world.home.user) == {mine[1]}
    assert sorted(unread_ids(world.learner.user)) == theirs


def test_another_patient_cannot_mark_mine(world: Clinic):
    mine = unread_ids(world.home.user)
    before = states()
    response = client_for(world, "other_patient").post(READ, {"ids": sorted(mine)}, format="json")
    assert response.status_code == 200
    assert response.json() == {"marked": 0, "unread": 1}
    assert states() == before


def test_marking_up_to_the_newest_shown_leaves_what_came_later_and_is_idempotent(world: Clinic):
    client = client_for(world, "owner_patient")
    shown = client.get(LIST).json()["results"]
    later = notify(world.home.user, "Arrived after the list was shown")
    response = client.post(READ, {"up_to": shown[0]["id"]}, format="json")
    assert response.json() == {"marked": 2, "unread": 1}
    assert unread_ids(world.home.user) == {later.pk}
    read_at = dict(Notification.objects.values_list("pk", "read_at"))
    again = client.post(READ, {"up_to": shown[0]["id"]}, format="json")
    assert again.json() == {"marked": 0, "unread": 1}
    assert dict(Notification.objects.values_list("pk", "read_at")) == read_at


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"ids": [1], "up_to": 1},
        {"ids": []},
        {"ids": list(range(1, 102))},
        {"ids": [0]},
        {"ids": ["one"]},
        {"ids": 5},
        {"up_to": 0},
        {"up_to": "all"},
        {"up_to": 2**63},
        {"up_to": None},
    ],
    ids=repr,
)
def test_bad_input_is_refused_with_field_messages_and_marks_nothing(world: Clinic, body):
    before = states()
    response = client_for(world, "owner_patient").post(READ, body, format="json")
    assert response.status_code == 400, response.content
    errors = response.json()
    assert errors and all(isinstance(m, list) and m for m in errors.values())
    assert states() == before


@pytest.mark.parametrize(("actor", "code"), [("anonymous", 401), ("clinician", 403)])
def test_refused_callers_mark_nothing(world: Clinic, actor, code):
    before = states()
    response = client_for(world, actor).post(READ, {"up_to": 2**62}, format="json")
    assert response.status_code == code
    assert client_for(world, actor).get(LIST).status_code == code
    assert states() == before
