"""The in-app list in the patient app: /app/notifications/ and the unread count in the header.

Each patient sees their own notifications, newest first, at their own wall-clock time and
in their language; seeing the list marks it read (never another person's rows); the
header of every page says how many are unread, for one query.
"""

import re
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from notifications import delivery
from notifications.models import Notification, Reminder, ReminderKind
from planner import selectors
from rehab import services as rehab_services
from tests.conftest import PASSWORD, make_patient, program_for
from tests.web.conftest import with_login

pytestmark = pytest.mark.django_db

URL = "/app/notifications/"
TABLE = Notification._meta.db_table
LA, AUCKLAND = "America/Los_Angeles", "Pacific/Auckland"
APP_PAGES = ["/app/today/", "/app/history/", "/app/progress/", "/app/symptoms/", "/app/settings/"]


def notify(user: Any, title: str, *, at: datetime | None = None, **fields: Any) -> Notification:
    """A notification as the in-app channel makes it, created at `at` (default: now)."""
    fields.setdefault("body", f"Body of {title}.")
    fields.setdefault("link", "/app/today/")
    row = Notification.objects.create(user=user, title=title, **fields)
    if at is not None:
        Notification.objects.filter(pk=row.pk).update(created_at=at)
        row.refresh_from_db()
    return row


def states() -> list[tuple[int, int, datetime | None]]:
    """Every notification's (id, user, read_at)."""
    return list(Notification.objects.order_by("pk").values_list("pk", "user_id", "read_at"))


def unread_of(user: Any) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def bell(page: str) -> str:
    """The header's notifications link."""
    links = re.findall(r'<a class="bell[^"]*"[^>]*>.*?</a>', page, re.S)
    assert len(links) == 1, links
    return links[0]


def label(page: str) -> str:
    match = re.search(r'aria-label="([^"]*)"', bell(page))
    assert match
    return match.group(1)


def titles(page: str) -> list[str]:
    found = re.findall(r'<li class="notice[^"]*">\s*<h2>(?:<a href="[^"]*">)?([^<]+)<', page)
    return [title.strip() for title in found]


def notifications_queries(captured: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if TABLE in q["sql"]]


# -- who may see what ----------------------------------------------------------------------------


def test_anonymous_visitors_are_asked_to_sign_in_and_nothing_changes(client, owner):
    notify(owner.user, "Time for today's exercises")
    before = states()
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == f"/app/login/?next={URL}"
    assert states() == before


def test_a_clinician_is_refused_and_their_own_alerts_stay_unread(client, clinician, owner):
    notify(clinician.user, "Red flag reported by Vera", link="/admin/")
    notify(owner.user, "Time for today's exercises")
    before = states()
    client.force_login(clinician.user)
    response = client.get(URL)
    assert response.status_code == 403
    assert "Red flag reported" not in response.content.decode()
    assert states() == before


def test_each_patient_sees_only_their_own(client, owner, other_patient):
    mine = notify(owner.user, "For Vera only")
    notify(other_patient.user, "For Oleg only")
    client.force_login(other_patient.user)
    page = client.get(URL).content.decode()
    assert titles(page) == ["For Oleg only"]
    # Oleg's visit marked his own read, and nothing of Vera's.
    assert Notification.objects.get(pk=mine.pk).read_at is None
    assert unread_of(owner.user) == 1 and unread_of(other_patient.user) == 0


def test_post_is_not_allowed_and_changes_nothing(owner_client, owner):
    notify(owner.user, "Time for today's exercises")
    before = states()
    assert owner_client.post(URL, {"up_to": 10**6}).status_code == 405
    assert states() == before


# -- the list ------------------------------------------------------------------------------------


def test_the_list_is_newest_first_with_title_body_link_and_time(owner_client, owner):
    now = timezone.now()
    notify(owner.user, "Older", at=now - timedelta(days=2), body="Slow and steady.")
    notify(owner.user, "Newest", at=datetime(2026, 11, 25, 8, 55, tzinfo=UTC), link="/app/history/")
    notify(owner.user, "Middle", at=now - timedelta(days=1))
    page = owner_client.get(URL).content.decode()
    assert titles(page) == ["Newest", "Middle", "Older"]
    assert '<a href="/app/history/">Newest</a>' in page
    assert "<p>Slow and steady.</p>" in page
    # Moscow, the owner's zone: 08:55 UTC is 11:55 there.
    assert ">Wednesday, 25 November, 11:55</time>" in page


def test_new_ones_are_shown_as_new_then_read(owner_client, owner):
    read = notify(owner.user, "Seen before", at=timezone.now() - timedelta(days=1))
    Notification.objects.filter(pk=read.pk).update(read_at=timezone.now() - timedelta(hours=1))
    notify(owner.user, "Fresh")
    page = owner_client.get(URL).content.decode()
    new = re.findall(
        r'<li class="notice unread">\s*<h2><a href="[^"]*">([^<]+)</a> '
        r'<span class="new">New</span>',
        page,
    )
    assert new == ["Fresh"]
    assert unread_of(owner.user) == 0
    again = owner_client.get(URL).content.decode()
    assert 'class="new"' not in again and titles(again) == ["Fresh", "Seen before"]


def test_seeing_the_list_again_keeps_the_first_reading_time(owner_client, owner):
    row = notify(owner.user, "Time for today's exercises")
    owner_client.get(URL)
    first = Notification.objects.get(pk=row.pk).read_at
    assert first is not None
    owner_client.get(URL)
    assert Notification.objects.get(pk=row.pk).read_at == first


def test_only_a_link_within_the_site_is_followed(owner_client, owner):
    notify(owner.user, "Outside", link="https://example.com/")
    notify(owner.user, "Protocol-relative", link="//example.com/")
    notify(owner.user, "No link", link="")
    page = owner_client.get(URL).content.decode()
    assert "example.com" not in page
    assert titles(page) == ["No link", "Protocol-relative", "Outside"]


def test_with_nothing_yet_the_page_says_so(owner_client):
    page = owner_client.get(URL).content.decode()
    assert "Nothing here yet" in page
    assert label(page) == "Notifications"


def test_twenty_a_page_and_seeing_one_marks_it_and_the_older_ones_read(owner_client, owner):
    start = timezone.now() - timedelta(days=30)
    rows = [notify(owner.user, f"Note {n:02}", at=start + timedelta(hours=n)) for n in range(25)]
    second = owner_client.get(URL, {"page": 2}).content.decode()
    assert titles(second) == [f"Note {n:02}" for n in range(4, -1, -1)]
    assert "Page 2 of 2" in second and "?page=1" in second
    # The newer page stays unread until it is seen.
    assert unread_of(owner.user) == 20
    assert all(
        r.read_at is None for r in Notification.objects.filter(pk__in=[r.pk for r in rows[5:]])
    )
    first = owner_client.get(URL).content.decode()
    assert titles(first) == [f"Note {n:02}" for n in range(24, 4, -1)]
    assert "?page=2" in first
    assert unread_of(owner.user) == 0
    for garbage in ("0", "99", "x"):
        assert owner_client.get(URL, {"page": garbage}).status_code == 200


def test_what_arrives_after_the_page_was_made_stays_unread(owner_client, owner):
    notify(owner.user, "Seen")
    owner_client.get(URL)
    later = notify(owner.user, "Arrived later")
    assert Notification.objects.get(pk=later.pk).read_at is None
    assert label(owner_client.get("/app/history/").content.decode()) == "Notifications, 1 unread"


def test_the_page_costs_the_same_for_3_or_20_notifications(
    owner_client, owner, django_assert_max_num_queries
):
    for n in range(3):
        notify(owner.user, f"Few {n}")
    # session, user with patient, count, page, mark read, the header's unread count
    with django_assert_max_num_queries(6):
        assert owner_client.get(URL).status_code == 200
    for n in range(17):
        notify(owner.user, f"Many {n}")
    with django_assert_max_num_queries(6):
        assert len(titles(owner_client.get(URL).content.decode())) == 20


# -- the unread count in the header --------------------------------------------------------------


def exercise_url(patient: Any) -> str:
    return f"/app/exercises/{selectors.patient_today(patient=patient).home[0].item.exercise.slug}/"


def test_every_app_page_says_how_many_are_unread_for_one_query(owner_client, owner, other_patient):
    for n in range(3):
        notify(owner.user, f"Unread {n}")
    notify(owner.user, "Read", read_at=timezone.now())
    notify(other_patient.user, "Oleg's")
    before = states()
    for url in [*APP_PAGES, exercise_url(owner), "/app/offline/"]:
        with CaptureQueriesContext(connection) as captured:
            page = owner_client.get(url).content.decode()
        assert label(page) == "Notifications, 3 unread", url
        assert '<span class="badge" aria-hidden="true">3</span>' in bell(page)
        assert len(notifications_queries(captured)) == 1, url
    assert states() == before  # pages other than the list only read


def test_the_count_drops_once_the_list_is_seen(owner_client, owner):
    notify(owner.user, "One")
    notify(owner.user, "Two")
    assert label(owner_client.get("/app/today/").content.decode()) == "Notifications, 2 unread"
    page = owner_client.get(URL).content.decode()
    assert label(page) == "Notifications"  # read now
    assert 'aria-current="page"' in bell(page)
    assert 'class="badge"' not in bell(owner_client.get("/app/today/").content.decode())


def test_cached_today_shows_the_current_count(owner_client, owner, django_assert_max_num_queries):
    assert label(owner_client.get("/app/today/").content.decode()) == "Notifications"
    notify(owner.user, "Time for today's exercises")
    # The day is unchanged, so Today comes from the cache; the count is this request's,
    # read by the day's stamp query.
    with django_assert_max_num_queries(3):  # session, user with patient, day's stamp
        page = owner_client.get("/app/today/").content.decode()
    assert label(page) == "Notifications, 1 unread"
    assert "<!--notifications-link-->" not in page


def test_cached_today_follows_the_count_down_and_up_again(owner_client, owner, other_patient):
    # The count is no part of the day's cache key and goes back to earlier values: each
    # visit shows its own, whatever the cached page was made with.
    notify(owner.user, "One")
    notify(other_patient.user, "Oleg's")
    assert label(owner_client.get("/app/today/").content.decode()) == "Notifications, 1 unread"
    owner_client.get(URL)  # read
    assert label(owner_client.get("/app/today/").content.decode()) == "Notifications"
    notify(owner.user, "Two")
    assert label(owner_client.get("/app/today/").content.decode()) == "Notifications, 1 unread"


def test_a_large_count_is_shortened_on_the_badge_only(owner_client, owner):
    Notification.objects.bulk_create(
        Notification(user=owner.user, title=f"N{n}", body="") for n in range(120)
    )
    page = owner_client.get("/app/history/").content.decode()
    assert label(page) == "Notifications, 120 unread"
    assert '<span class="badge" aria-hidden="true">99+</span>' in bell(page)


def test_clinic_staff_and_visitors_see_no_count(client, clinician):
    notify(clinician.user, "Alert")
    assert 'class="bell' not in client.get("/app/login/").content.decode()
    client.force_login(clinician.user)
    with CaptureQueriesContext(connection) as captured:
        page = client.get("/app/today/").content.decode()
    assert 'class="bell' not in page
    # Only Today's one query (the session with its user, web.today_read) names the table,
    # for a patient's count; a clinician has none, and no query of its own counts theirs.
    assert [q for q in notifications_queries(captured) if "rehab_user_session" not in q] == []


# -- time zones and language ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "shown"),
    [
        # 05:30 UTC on 25 November is still the evening of the 24th in Los Angeles...
        (LA, "Tuesday, 24 November, 21:30"),
        # ...and already the evening of the 25th in Auckland (NZDT, UTC+13).
        (AUCKLAND, "Wednesday, 25 November, 18:30"),
    ],
)
def test_the_time_is_the_patients_own(client, clinician, zone, shown):
    patient = make_patient(clinician, time_zone=zone)
    user = with_login(patient, f"app-{zone.split('/')[1].lower()}")
    row = notify(user, "Clinic session at 10:00", at=datetime(2026, 11, 25, 5, 30, tzinfo=UTC))
    client.force_login(user)
    page = client.get(URL).content.decode()
    local = row.created_at.astimezone(ZoneInfo(zone))
    assert f'<time datetime="{local.isoformat()}">{shown}</time>' in page


def sign_in(client, username: str) -> None:
    """Sign in through the form, as the phone does: the patient's language comes with it."""
    response = client.post("/app/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302


@pytest.fixture
def russian(clinician, library) -> Any:
    """A Russian-speaking patient in Auckland, at home, sent today's reminder."""
    patient = make_patient(
        clinician, first_name="Ольга", time_zone=AUCKLAND, email="olga@mail.test"
    )
    patient.language = "ru"
    patient.save(update_fields=["language"])
    rehab_services.patient_diagnosis_add(
        patient=patient, code="sciatica", side="left", stage="subacute"
    )
    with_login(patient, "olga")
    program_for(patient, clinician)
    return patient


def send_daily_reminder(patient: Any) -> Notification:
    """Today's home reminder, through the real delivery (claim, in-app copy, email)."""
    today = selectors.patient_local_today(patient=patient)
    reminder = Reminder.objects.create(
        patient=patient,
        kind=ReminderKind.DAILY_HOME,
        for_date=today,
        due_at=timezone.now() - timedelta(minutes=1),
        context={"exercises": 5, "minutes": 15},
    )
    assert delivery.reminder_send(reminder_id=reminder.pk) == "sent"
    return Notification.objects.get(reminder=reminder)


def test_a_russian_patient_reads_her_reminder_in_russian(client, russian):
    with time_machine.travel(datetime(2026, 11, 25, 9, 0, tzinfo=UTC), tick=False):
        sent = send_daily_reminder(russian)
    sign_in(client, "olga")
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ru"
    today = client.get("/app/today/").content.decode()
    assert label(today) == "Уведомления, 1 непрочитанное"
    page = client.get(URL).content.decode()
    assert '<html lang="ru">' in page
    assert "<h1>Уведомления</h1>" in page
    assert titles(page) == [sent.title] and "упражнения" in sent.title
    assert '<span class="new">Новое</span>' in page
    # 09:00 UTC is 22:00 on Wednesday in Auckland.
    assert ">Среда, 25 ноября, 22:00</time>" in page
    assert label(page) == "Уведомления"


@pytest.mark.parametrize(
    ("count", "words"),
    [
        (1, "1 непрочитанное"),
        (3, "3 непрочитанных"),
        (5, "5 непрочитанных"),
        (21, "21 непрочитанное"),
    ],
)
def test_the_russian_count_agrees_with_its_number(client, russian, count, words):
    for n in range(count):
        notify(russian.user, f"Напоминание {n}")
    sign_in(client, "olga")
    assert label(client.get("/app/history/").content.decode()) == f"Уведомления, {words}"


def test_a_prefetch_of_the_list_marks_nothing_read(owner_client, owner):
    notify(owner.user, "Time for today's exercises")
    assert owner_client.get(URL, HTTP_SEC_PURPOSE="prefetch").status_code == 200
    assert unread_of(owner.user) == 1
    owner_client.get(URL)
    assert unread_of(owner.user) == 0
