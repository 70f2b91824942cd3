"""Authentication that loads a user together with their patient or clinician record.

Every request of the patient app and the API asks who the user is as a patient or a
clinician; loading both with the user saves those queries on every request.
"""

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
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

from rehab.models import UserSession

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
        user = _user_read_already.get()
        if user is None or user.pk != user_id:
            user = user_with_records(SESSION_WITH_RECORDS, "user", user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


# A user that the request's own query read already (`user_read_already`), for get_user.
_user_read_already: ContextVar[Any] = ContextVar("user_read_already", default=None)


@contextmanager
def user_read_already(user: Any) -> Iterator[None]:
    """Within the block, `UserWithRecordsBackend.get_user` takes `user` (with its records)
    as the user of that id instead of reading it again: for a request whose one query read
    the session together with its user (`session_with_user`). Django's checks of the
    session (the backend named, the password's hash) run as ever."""
    token = _user_read_already.set(user)
    try:
        yield
    finally:
        _user_read_already.reset(token)


# What a view reads with the token's query (`TokenWithRecordsAuthentication`): the SQL
# expressions, their named parameters, and what to do with their values once the token
# and its user are checked.
TokenRead = tuple[tuple[str, ...], dict[str, Any], Callable[[Any, tuple[Any, ...]], None]]


class TokenWithRecordsAuthentication(authentication.TokenAuthentication):
    """DRF's token authentication; the token's user comes with their records in one query.

    A view with a `read_with_token()` method (returning a `TokenRead`) has what it shows
    read by that same query: the API's Today reads its day's stamp so (one query a call).
    """

    # DRF makes the authenticators anew for every request.
    reader: Callable[[], TokenRead] | None = None

    def authenticate(self, request: Any) -> tuple[Any, Any] | None:
        context = getattr(request, "parser_context", None) or {}
        self.reader = getattr(context.get("view"), "read_with_token", None)
        return super().authenticate(request)

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        if self.reader is None:
            return self.token_checked(user_with_records(WITH_RECORDS, "token", key))
        also, params, received = self.reader()
        token, values = user_with_records_and(WITH_RECORDS, "token", key, also=also, params=params)
        user, token = self.token_checked(token)
        received(user, values)
        return user, token

    def token_checked(self, token: Any) -> tuple[Any, Any]:
        """The (user, token) pair of a token read with its user, or the refusal."""
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
    found, _also = user_with_records_and(records, by, value)
    return found


def user_with_records_and(
    records: tuple[str, ...],
    by: str,
    value: Any,
    *,
    also: tuple[str, ...] = (),
    params: dict[str, Any] | None = None,
) -> tuple[Any, tuple[Any, ...]]:
    """`user_with_records`, and the values of the SQL expressions `also` read by the same
    query (with their named `params`): what the request will show, read in the same round
    trip. They may use the user's row as `u` and the patient's (when "patient" is one of
    the `records`) as `p`; they are NULL when there is no user or no patient.

    `by="session"`: by the key of a signed-in session that has not expired
    (`rehab.UserSession`); the result is the session's data (encoded, as stored) with its
    user, or with None when the session signs in nobody.
    """
    user_model = get_user_model()
    alias = router.db_for_read(user_model)
    sql, parts, converters = _user_with_records_sql(alias, records, by, also)
    connection = connections[alias]
    arguments = {**(params or {}), "value": value}
    if by == "session":
        arguments["session_now"] = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(sql, arguments)
        raw = cursor.fetchone()
    if raw is None:
        return None, ()
    row = list(raw)
    also_values = tuple(row[len(row) - len(also) :]) if also else ()
    for index, column_converters in enumerate(converters):
        for converter, col in column_converters:
            row[index] = converter(row[index], col, connection)
    instances: dict[str, Any] = {}
    start = 1 if by == "session" else 0
    for name, model, attnames in parts:
        values = row[start : start + len(attnames)]
        start += len(attnames)
        # A missing record comes back as NULLs: its primary key is None.
        missing = values[attnames.index(model._meta.pk.attname)] is None
        instances[name] = None if missing else model.from_db(alias, attnames, values)
    user = instances["user"]
    if user is not None:
        for name in records:
            user._state.fields_cache[name] = instances[name]
            if instances[name] is not None:
                instances[name]._state.fields_cache["user"] = user
    if by == "token":
        token = instances["token"]
        token._state.fields_cache["user"] = user
        return token, also_values
    if by == "session":
        return (row[0], user), also_values
    return user, also_values


@functools.cache
def _user_with_records_sql(
    alias: str, records: tuple[str, ...], by: str, also: tuple[str, ...] = ()
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
    user_pk = f"u.{quote(user_model._meta.pk.column)}"
    if by == "token":
        token_columns, token_attnames = columns(Token, "t")
        selected += token_columns
        parts.append(("token", Token, token_attnames))
        joins.append(
            f"FROM {quote(Token._meta.db_table)} t "
            f"JOIN {quote(user_model._meta.db_table)} u "
            f"ON {user_pk} = t.{quote(Token._meta.get_field('user').column)}"
        )
        where = f"t.{quote(Token._meta.pk.column)} = %(value)s"
    elif by == "session":
        # Only the data is read: the key is the one asked for, the expiry is checked here.
        data: Any = UserSession._meta.get_field("session_data")
        selected.append(f"us.{quote(data.column)}")  # first: read apart from the parts
        converters.append([])
        key: Any = UserSession._meta.get_field("session_key")
        expires: Any = UserSession._meta.get_field("expire_date")
        user_id: Any = UserSession._meta.get_field("user")
        # LEFT: a session that signs in nobody is still read (with NULLs for the user).
        joins.append(
            f"FROM {quote(UserSession._meta.db_table)} us "
            f"LEFT JOIN {quote(user_model._meta.db_table)} u "
            f"ON {user_pk} = us.{quote(user_id.column)}"
        )
        where = (
            f"us.{quote(key.column)} = %(value)s AND us.{quote(expires.column)} > %(session_now)s"
        )
    else:
        joins.append(f"FROM {quote(user_model._meta.db_table)} u")
        where = f"{user_pk} = %(value)s"
    user_columns, user_attnames = columns(user_model, "u")
    selected += user_columns
    parts.append(("user", user_model, user_attnames))
    for index, name in enumerate(records):
        relation: Any = user_model._meta.get_field(name)
        model = relation.related_model
        # The patient as `p`, for the expressions of `also`.
        table = "p" if name == "patient" else f"r{index}"
        record_columns, record_attnames = columns(model, table)
        selected += record_columns
        parts.append((name, model, record_attnames))
        joins.append(
            f"LEFT JOIN {quote(model._meta.db_table)} {table} "
            f"ON {table}.{quote(relation.field.column)} = u.{quote(user_model._meta.pk.column)}"
        )
    sql = f"SELECT {', '.join([*selected, *also])} {' '.join(joins)} WHERE {where}"
    return sql, parts, converters


def token_expired(token: Token) -> bool:
    """Whether the API token was issued API_TOKEN_TTL_DAYS days ago or longer."""
    return timezone.now() - token.created >= timedelta(days=settings.API_TOKEN_TTL_DAYS)


def tokens_revoke(*, user_id: Any) -> int:
    """Delete every API token of the user (a password change or reset); how many."""
    deleted, _ = Token.objects.filter(user_id=user_id).delete()
    return deleted
