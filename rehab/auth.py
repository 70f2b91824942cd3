"""Authentication that loads a user together with their patient or clinician record.

Every request of the patient app and the API asks who the user is as a patient or a
clinician; loading both with the user saves those queries on every request.
"""

import functools
from datetime import timedelta
from typing import Any

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import connections, models, router
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

# The user's own records. (Not more: on the busiest requests, Today from the cache, each
# joined table costs more than it saves.)
WITH_RECORDS = ("patient", "clinician")
# Signed-in sessions are the patient app's (clinicians' admin pages are not the hot path).
SESSION_WITH_RECORDS = ("patient",)


class AccountLockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout, first of the backends: a locked account is refused before its
    password is checked.

    Every sign-in over the web (the patient app, the admin, the API's token endpoint)
    passes its request, and those are the ones counted and locked. A check of a password
    with no request (the test client's `login()`, a shell) has no client to lock out, and
    is let through to the next backend instead of failing as axes' own backend does.
    """

    def authenticate(
        self,
        request: Any,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class UserWithRecordsBackend(ModelBackend):
    """Django's model backend; a signed-in user comes with their records in one query.

    The query is written once as plain SQL (`user_with_records`): built by the ORM on
    every request, as select_related does, it cost a third of a cached Today page
    (bench/today_throughput.py, profiled); the instances are the ORM's own (`from_db`).
    """

    def get_user(self, user_id: Any) -> Any:
        user = user_with_records(SESSION_WITH_RECORDS, "user", user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class TokenWithRecordsAuthentication(authentication.TokenAuthentication):
    """DRF's token authentication; the token's user comes with their records in one query."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        token = user_with_records(WITH_RECORDS, "token", key)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        if token_expired(token):
            token.delete()
            raise exceptions.AuthenticationFailed(_("Token has expired; sign in again."))
        return (token.user, token)


def user_with_records(records: tuple[str, ...], by: str, value: Any) -> Any:
    """The user (`by="user"`: by id) or the API token with its user (`by="token"`: by key),
    the user's `records` (reverse one-to-one relations: "patient", "clinician") loaded
    with it in one plain-SQL query, as select_related would; None when there is none.

    A user without one of the records gets it cached as missing, so `user.patient` raises
    RelatedObjectDoesNotExist without a query, as after select_related.
    """
    user_model = get_user_model()
    alias = router.db_for_read(user_model)
    sql, parts, converters = _user_with_records_sql(alias, records, by)
    connection = connections[alias]
    with connection.cursor() as cursor:
        cursor.execute(sql, [value])
        raw = cursor.fetchone()
    if raw is None:
        return None
    row = list(raw)
    for index, column_converters in enumerate(converters):
        for converter, col in column_converters:
            row[index] = converter(row[index], col, connection)
    instances: dict[str, Any] = {}
    start = 0
    for name, model, attnames in parts:
        values = row[start : start + len(attnames)]
        start += len(attnames)
        # A missing record comes back as NULLs: its primary key is None.
        missing = values[attnames.index(model._meta.pk.attname)] is None
        instances[name] = None if missing else model.from_db(alias, attnames, values)
    user = instances["user"]
    for name in records:
        user._state.fields_cache[name] = instances[name]
        if instances[name] is not None:
            instances[name]._state.fields_cache["user"] = user
    if by == "token":
        token = instances["token"]
        token._state.fields_cache["user"] = user
        return token
    return user


@functools.cache
def _user_with_records_sql(
    alias: str, records: tuple[str, ...], by: str
) -> tuple[str, list[tuple[str, type[models.Model], list[str]]], list[list[tuple[Any, Any]]]]:
    connection = connections[alias]
    quote = connection.ops.quote_name
    user_model = get_user_model()
    converters: list[list[tuple[Any, Any]]] = []

    def columns(model: type[models.Model], table: str) -> tuple[list[str], list[str]]:
        # In the model's own order, which from_db expects of a full row.
        fields = model._meta.concrete_fields
        for field in fields:
            # What the ORM does to each value read (an aware datetime from SQLite's text).
            col: Any = field.get_col(table)
            converters.append(
                [(c, col) for c in connection.ops.get_db_converters(col)]
                + [(c, col) for c in col.get_db_converters(connection)]
            )
        return [f"{table}.{quote(f.column)}" for f in fields], [f.attname for f in fields]

    parts: list[tuple[str, type[models.Model], list[str]]] = []
    selected: list[str] = []
    joins: list[str] = []
    if by == "token":
        token_columns, token_attnames = columns(Token, "t")
        selected += token_columns
        parts.append(("token", Token, token_attnames))
        joins.append(
            f"FROM {quote(Token._meta.db_table)} t "
            f"JOIN {quote(user_model._meta.db_table)} u ON u.{quote(user_model._meta.pk.column)}"
            f" = t.{quote(Token._meta.get_field('user').column)}"
        )
        where = f"t.{quote(Token._meta.pk.column)} = %s"
    else:
        joins.append(f"FROM {quote(user_model._meta.db_table)} u")
        where = f"u.{quote(user_model._meta.pk.column)} = %s"
    user_columns, user_attnames = columns(user_model, "u")
    selected += user_columns
    parts.append(("user", user_model, user_attnames))
    for index, name in enumerate(records):
        relation: Any = user_model._meta.get_field(name)
        model = relation.related_model
        table = f"r{index}"
        record_columns, record_attnames = columns(model, table)
        selected += record_columns
        parts.append((name, model, record_attnames))
        joins.append(
            f"LEFT JOIN {quote(model._meta.db_table)} {table} "
            f"ON {table}.{quote(relation.field.column)} = u.{quote(user_model._meta.pk.column)}"
        )
    sql = f"SELECT {', '.join(selected)} {' '.join(joins)} WHERE {where}"
    return sql, parts, converters


def token_expired(token: Token) -> bool:
    """Whether the API token was issued API_TOKEN_TTL_DAYS days ago or longer."""
    return timezone.now() - token.created >= timedelta(days=settings.API_TOKEN_TTL_DAYS)


def tokens_revoke(*, user_id: Any) -> int:
    """Delete every API token of the user (a password change or reset); how many."""
    deleted, _ = Token.objects.filter(user_id=user_id).delete()
    return deleted
