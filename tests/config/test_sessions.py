"""Sessions (rehab.UserSession, with their user's id) load with plain SQL and behave exactly
like Django's database sessions."""

from datetime import timedelta

import pytest
from django.utils import timezone

from config.sessions import SessionStore
from rehab.models import UserSession

pytestmark = pytest.mark.django_db


def test_a_saved_session_loads_back():
    store = SessionStore()
    store["answer"] = 42
    store.create()
    again = SessionStore(store.session_key)
    assert again["answer"] == 42
    assert again.session_key == store.session_key


def test_an_expired_or_unknown_session_loads_empty_and_gets_a_new_key():
    store = SessionStore()
    store["answer"] = 42
    store.create()
    UserSession.objects.filter(session_key=store.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    expired = SessionStore(store.session_key)
    assert expired.load() == {}
    assert expired.session_key is None
    assert SessionStore("no-such-session-key").load() == {}


def test_signing_in_and_out_still_works(client, clinician):
    from tests.conftest import PASSWORD

    assert client.login(username="owner", password=PASSWORD)
    assert client.get("/admin/").status_code == 200
    client.logout()
    assert client.get("/admin/").status_code == 302
