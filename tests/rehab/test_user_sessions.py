"""Sessions keep their user's id (rehab.UserSession): the migration copies the live ones."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore as DjangoSessionStore
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from config.sessions import SessionStore
from rehab.models import UserSession


@pytest.mark.django_db(transaction=True)
def test_the_migration_copies_live_sessions_with_their_user_and_leaves_expired_ones(library):
    executor = MigrationExecutor(connection)
    before = [("rehab", "0010_questionnaires")]
    executor.migrate(before)
    user = get_user_model().objects.create_user("migrating-session", password="x-2026-long")

    def django_session(data: dict, *, expired: bool = False) -> str:
        store = DjangoSessionStore()
        store.update(data)
        store.create()
        if expired:
            store.model.objects.filter(session_key=store.session_key).update(
                expire_date=timezone.now() - timedelta(days=1)
            )
        return store.session_key

    signed_in = django_session({"_auth_user_id": str(user.pk), "_auth_user_backend": "x"})
    visitor = django_session({"django_language": "ru"})
    gone = django_session({"_auth_user_id": str(user.pk)}, expired=True)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    rows = {s.session_key: s for s in UserSession.objects.all()}
    assert rows[signed_in].user_id == user.pk
    assert rows[visitor].user_id is None
    assert gone not in rows
    # The copied data reads as it did: nobody is signed out by the change.
    assert SessionStore(session_key=signed_in)["_auth_user_id"] == str(user.pk)


@pytest.mark.django_db
def test_deleting_a_user_ends_their_sessions():
    user = get_user_model().objects.create_user("leaving", password="x-2026-long")
    store = SessionStore()
    store["_auth_user_id"] = str(user.pk)
    store.create()
    assert UserSession.objects.get(session_key=store.session_key).user_id == user.pk
    user.delete()
    assert not UserSession.objects.filter(session_key=store.session_key).exists()


@pytest.mark.django_db
def test_a_session_whose_data_names_no_user_keeps_no_user():
    for data in ({}, {"_auth_user_id": "not-a-number"}, {"_auth_user_id": None}):
        store = SessionStore()
        store.update(data)
        store.create()
        assert UserSession.objects.get(session_key=store.session_key).user_id is None
