"""The clinician's notifications in the admin: the unread count in every page's header (one
query), their own list only (newest first, read-only, each with its link), marked read
when seen, in English and Russian."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification, Reminder, ReminderKind
from notifications.selectors import notifications_unread_count
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LIST = reverse("admin:notifications_notification_changelist")


def notify(user, title: str, **values) -> Notification:
    return Notification.objects.create(
        user=user, title=title, body=f"{title}, in full.", link="/admin/", **values
    )


def alert_for(patient, *, kind=ReminderKind.ALERT_PAIN, context=None) -> Reminder:
    return Reminder.objects.create(
        kind=kind,
        patient=patient,
        for_date=timezone.localdate(),
        due_at=timezone.now(),
        context=context or {"pain": 7},
    )


def sign_in(client, user) -> None:
    assert client.login(username=user.username, password=PASSWORD)


def badge(html: str) -> str:
    start = html.index('class="notifications-link"')
    return html[start : html.index("</a>", start)]


def queries_on(captured, table: str) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if table in q["sql"]]


def test_every_admin_page_shows_the_unread_count_in_one_query(client, clinician, colleague):
    for number in range(3):
        notify(clinician.user, f"Alert {number}")
    notify(clinician.user, "Already read").__class__.objects.filter(title="Already read").update(
        read_at="2026-11-24T10:00:00Z"
    )
    notify(colleague.user, "The colleague's")
    sign_in(client, clinician.user)
    for url in (reverse("admin:index"), reverse("admin:rehab_patient_changelist")):
        with CaptureQueriesContext(connection) as captured:
            html = client.get(url).content.decode()
        assert '<span class="notifications-badge">3<' in badge(html)
        assert f'href="{LIST}"' in badge(html)
        assert len(queries_on(captured, "planner_notification")) == 1


def test_no_badge_number_without_unread_notifications(client, colleague):
    sign_in(client, colleague.user)
    html = client.get(reverse("admin:index")).content.decode()
    assert "Notifications" in badge(html)
    assert "notifications-badge" not in badge(html)


def test_the_sign_in_page_asks_nothing_about_notifications(client):
    with CaptureQueriesContext(connection) as captured:
        html = client.get(reverse("admin:login")).content.decode()
    assert "notifications-link" not in html
    assert not queries_on(captured, "planner_notification")


def test_the_list_shows_only_ones_own_newest_first_and_marks_the_page_read(
    client, clinician, colleague
):
    old = notify(clinician.user, "Older alert")
    Notification.objects.filter(pk=old.pk).update(created_at=old.created_at - timedelta(hours=2))
    new = notify(clinician.user, "Newer alert")
    theirs = notify(colleague.user, "Colleague's alert")
    sign_in(client, clinician.user)
    response = client.get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Newer alert") < html.index("Older alert")
    assert "Colleague&#x27;s alert" not in html and "Colleague's alert" not in html
    assert html.count('class="notification-new"') == 2  # shown as new on the page that marks them
    assert '<a class="button" href="/admin/">Open</a>' in html
    # Read-only: no add button, no actions, no change links.
    assert reverse("admin:notifications_notification_add") not in html
    assert 'name="action"' not in html
    assert reverse("admin:notifications_notification_change", args=[new.pk]) not in html
    for row in (old, new):
        row.refresh_from_db()
        assert row.read_at is not None
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert '<span class="notifications-badge">' not in badge(html)  # counted after marking
    # Seen again: nothing new, and the time first read is kept.
    first_read = new.read_at
    html = client.get(LIST).content.decode()
    assert 'class="notification-new"' not in html
    new.refresh_from_db()
    assert new.read_at == first_read


def test_only_the_page_shown_is_marked_read(client, clinician):
    Notification.objects.bulk_create(
        Notification(user=clinician.user, title=f"Alert {n}", body="") for n in range(53)
    )
    sign_in(client, clinician.user)
    client.get(LIST)
    assert notifications_unread_count(user=clinician.user) == 3


def test_the_list_reads_a_fixed_number_of_queries(
    client, clinician, patient, django_assert_max_num_queries
):
    for _ in range(3):
        notify(clinician.user, "Plain")
    sign_in(client, clinician.user)
    client.get(LIST)  # the session and the caches warmed
    Notification.objects.update(read_at=None)
    with django_assert_max_num_queries(9):
        client.get(LIST)
    for number in range(20):
        Notification.objects.create(
            user=clinician.user,
            reminder=alert_for(patient, context={"pain": 6 + number % 4})
            if number == 0
            else Reminder.objects.create(
                kind=ReminderKind.ALERT_PAIN,
                patient=patient,
                for_date=f"2026-10-{number + 1:02d}",
                due_at="2026-11-24T10:00:00Z",
                context={"pain": 7},
            ),
            title="Pain",
            body="",
        )
    with django_assert_max_num_queries(9):
        client.get(LIST)


@pytest.mark.parametrize("who", ["colleague", "owner_patient", "anonymous"])
def test_nobody_else_sees_or_marks_the_clinicians_notifications(
    client, clinician, colleague, patient, who
):
    mine = notify(clinician.user, "Pain of 7/10 reported by Owner")
    if who == "colleague":
        sign_in(client, colleague.user)
    elif who == "owner_patient":
        patient_user = get_user_model().objects.create_user("ient", password=PASSWORD)
        patient.user = patient_user
        patient.save(update_fields=["user"])
        client.force_login(patient_user)
    for url in (LIST, reverse("admin:notifications_notification_change", args=[mine.pk])):
        response = client.get(url)
        if who == "colleague":
            assert "Pain of 7/10" not in response.content.decode()
        else:
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("admin:login"))
    mine.refresh_from_db()
    assert mine.read_at is None


def test_nothing_can_be_added_changed_or_deleted(client, clinician):
    mine = notify(clinician.user, "An alert")
    sign_in(client, clinician.user)
    assert client.get(reverse("admin:notifications_notification_add")).status_code == 403
    delete = reverse("admin:notifications_notification_delete", args=[mine.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    change = reverse("admin:notifications_notification_change", args=[mine.pk])
    client.post(change, {"title": "Changed", "body": "x"})
    mine.refresh_from_db()
    assert mine.title == "An alert"
    assert Notification.objects.count() == 1


def test_a_russian_speaking_doctor_reads_the_list_and_the_alerts_in_russian(
    client, clinician, patient
):
    alert = alert_for(patient, context={"pain": 7})
    # Frozen in English when it was sent (the clinic's language).
    notify(clinician.user, f"Pain of 7/10 reported by {patient}", reminder=alert)
    sign_in(client, clinician.user)
    html = client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Уведомления" in badge(html)
    html = client.get(LIST, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Ваши уведомления" in html
    assert "Боль 7/10" in html and "Pain of 7/10" not in html
    assert "Новое" in html and ">Открыть<" in html


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_SEC_PURPOSE": "prefetch"},
        {"HTTP_SEC_PURPOSE": "prefetch;prerender"},
        {"HTTP_PURPOSE": "prefetch"},
        {"HTTP_X_MOZ": "prefetch"},
    ],
)
def test_a_prefetch_of_the_list_marks_nothing_read(client, clinician, headers):
    notify(clinician.user, "Pain 7")
    sign_in(client, clinician.user)
    assert client.get(LIST, **headers).status_code == 200
    assert notifications_unread_count(user=clinician.user) == 1
    client.head(LIST)
    assert notifications_unread_count(user=clinician.user) == 1
    client.get(LIST)  # someone looks
    assert notifications_unread_count(user=clinician.user) == 0
