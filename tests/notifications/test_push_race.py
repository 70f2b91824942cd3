"""Two first registrations of one push endpoint at the same moment (two tabs, a browser's
retry, two accounts on one phone): one row, one owner, and the other is told so, never a
server error.

Only PostgreSQL lets two writers race: SQLite takes its write lock at BEGIN (the suite's
settings), so the second registration simply starts after the first has committed."""

import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models.signals import pre_save

from notifications.models import PushSubscription
from notifications.services import PushEndpointTaken, push_subscription_register
from tests.notifications.push_keys import AUTH, P256DH

ENDPOINT = "https://fcm.googleapis.com/fcm/send/raced-registration"


@pytest.mark.django_db(transaction=True)
def test_two_registrations_racing_for_one_endpoint_end_in_one_row_and_a_refusal():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers at BEGIN: no two registrations can race")
    users = [get_user_model().objects.create_user(f"racer-{n}") for n in (1, 2)]
    # Both have looked for the endpoint and found nothing before either inserts it.
    both_looked = threading.Barrier(2, timeout=10)

    def insert_together(sender, instance, **kwargs):
        if instance.pk is None:
            both_looked.wait()

    outcomes: dict[str, str] = {}

    def register(user) -> None:
        try:
            push_subscription_register(user=user, endpoint=ENDPOINT, p256dh=P256DH, auth=AUTH)
            outcomes[user.username] = "registered"
        except PushEndpointTaken as taken:
            outcomes[user.username] = "taken: " + " ".join(taken.messages)
        except Exception as error:  # the failure this test is about: reported, not lost
            outcomes[user.username] = f"error: {error!r}"
        finally:
            connection.close()  # this thread's own connection

    pre_save.connect(insert_together, sender=PushSubscription)
    try:
        threads = [threading.Thread(target=register, args=(user,)) for user in users]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    finally:
        pre_save.disconnect(insert_together, sender=PushSubscription)

    assert sorted(outcome.split(":")[0] for outcome in outcomes.values()) == [
        "registered",
        "taken",
    ], outcomes
    owner = next(name for name, outcome in outcomes.items() if outcome == "registered")
    assert list(PushSubscription.objects.values_list("user__username", flat=True)) == [owner]
