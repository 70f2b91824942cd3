"""The in-app list's reads and its one write: a person's notifications, their unread count,
and marking them read (only one's own, once, and nothing on bad input)."""

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.utils import timezone

from notifications.models import Notification
from notifications.selectors import notifications_list, notifications_unread_count
from notifications.services import MARK_READ_MAX_IDS, notifications_mark_read

pytestmark = pytest.mark.django_db


@pytest.fixture
def ana() -> Any:
    return get_user_model().objects.create_user("ana")


@pytest.fixture
def ben() -> Any:
    return get_user_model().objects.create_user("ben")


def notify(user: Any, title: str, *, at: datetime | None = None) -> Notification:
    row = Notification.objects.create(user=user, title=title, body="", link="/app/today/")
    if at is not None:
        Notification.objects.filter(pk=row.pk).update(created_at=at)
    return row


def read_times() -> dict[int, datetime | None]:
    return dict(Notification.objects.values_list("pk", "read_at"))


def test_the_list_is_ones_own_newest_first(ana, ben):
    now = timezone.now()
    notify(ana, "old", at=now - timedelta(days=1))
    notify(ana, "new", at=now)
    notify(ben, "not ana's", at=now + timedelta(minutes=1))
    assert [n.title for n in notifications_list(user=ana)] == ["new", "old"]
    Notification.objects.filter(title="new").update(read_at=now)
    assert [n.title for n in notifications_list(user=ana, unread_only=True)] == ["old"]


def test_the_unread_count_is_one_query_and_none_for_a_visitor(ana, ben, django_assert_num_queries):
    notify(ana, "a")
    notify(ana, "b")
    notify(ben, "c")
    with django_assert_num_queries(1):
        assert notifications_unread_count(user=ana) == 2
    with django_assert_num_queries(0):
        assert notifications_unread_count(user=AnonymousUser()) == 0


def test_marking_by_ids_touches_only_ones_own_unread_rows(ana, ben):
    mine, also_mine = notify(ana, "a"), notify(ana, "b")
    theirs = notify(ben, "c")
    moment = timezone.now()
    assert notifications_mark_read(user=ana, ids=[mine.pk, theirs.pk], now=moment) == 1
    times = read_times()
    assert times[mine.pk] == moment
    assert times[also_mine.pk] is None and times[theirs.pk] is None


def test_marking_up_to_an_id_leaves_what_came_after(ana, ben):
    first, second = notify(ana, "a"), notify(ana, "b")
    theirs = notify(ben, "c")
    later = notify(ana, "d")
    assert notifications_mark_read(user=ana, up_to=theirs.pk) == 2
    times = read_times()
    assert times[first.pk] and times[second.pk]
    assert times[theirs.pk] is None and times[later.pk] is None


def test_marking_again_changes_nothing_and_keeps_the_first_time(ana):
    row = notify(ana, "a")
    first = timezone.now() - timedelta(hours=1)
    assert notifications_mark_read(user=ana, ids=[row.pk], now=first) == 1
    assert notifications_mark_read(user=ana, ids=[row.pk]) == 0
    assert notifications_mark_read(user=ana, up_to=row.pk) == 0
    assert read_times()[row.pk] == first


@pytest.mark.parametrize(
    "arguments",
    [
        {},
        {"ids": [1], "up_to": 1},
        {"ids": []},
        {"ids": list(range(1, MARK_READ_MAX_IDS + 2))},
        {"ids": [0]},
        {"ids": [-3]},
        {"ids": ["1"]},
        {"ids": [True]},
        {"ids": [1.5]},
        {"up_to": 0},
        {"up_to": "all"},
        {"up_to": None, "ids": None},
        {"up_to": 2**63},
    ],
    ids=repr,
)
def test_bad_input_is_refused_and_marks_nothing(ana, arguments):
    notify(ana, "a")
    before = read_times()
    with pytest.raises(ValidationError):
        notifications_mark_read(user=ana, **arguments)
    assert read_times() == before
