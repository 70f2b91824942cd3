"""Database sessions that keep the signed-in user's id in a column (`rehab.UserSession`).

The store is Django's database session engine with the two documented hooks of an
extended engine (`get_model_class`, `create_model_instance`), plus:

- `load()` reads the row with one ready-made plain-SQL query: Django builds its lookup
  with the ORM on every request, which cost more than the rest of a cached Today page;
- `preload()` takes the session's data read by someone else's query: the patient app's
  Today reads the session, its user and the day in one query (`web.today_request`).

Django's `cached_db` engine was measured in its place (issue 15, a cached Today page
through the Redis cache, SQLite, 2,000 requests in one process): it saves this query but
costs more than it saves, 1,396 and 1,343 µs a page against 1,345 and 1,282 µs with this
store (a Redis round trip and unpickling against one prepared-SQL read). Not kept.
"""

import functools
from typing import Any

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import connections, router
from django.utils import timezone

from rehab.models import UserSession


class SessionStore(DatabaseSessionStore):
    @classmethod
    def get_model_class(cls) -> type[UserSession]:
        return UserSession

    def create_model_instance(self, data: dict[str, Any]) -> UserSession:
        session = super().create_model_instance(data)
        assert isinstance(session, UserSession)
        session.user_id = session_user_id(data)
        return session

    def load(self) -> dict[str, Any]:
        alias = router.db_for_read(self.model)
        connection = connections[alias]
        with connection.cursor() as cursor:
            cursor.execute(
                _load_sql(alias),
                [self.session_key, connection.ops.adapt_datetimefield_value(timezone.now())],
            )
            row = cursor.fetchone()
        if row is None:
            self._session_key = None  # as Django does: a new session key on save
            return {}
        return self.decode(row[0])

    def preload(self, session_data: str) -> None:
        """Take the data of this session's row (its key, not expired), read by another query,
        as `load()` would have read it."""
        self._session_cache = self.decode(session_data)


def session_user_id(data: dict[str, Any]) -> int | None:
    """The id of the user a session's data signs in, if any."""
    try:
        return int(data[SESSION_KEY])
    except (KeyError, TypeError, ValueError):
        return None


@functools.cache
def _load_sql(alias: str) -> str:
    quote = connections[alias].ops.quote_name

    def column(name: str) -> str:
        field: Any = UserSession._meta.get_field(name)
        return str(quote(field.column))

    return (
        f"SELECT {column('session_data')} FROM {quote(UserSession._meta.db_table)} "
        f"WHERE {column('session_key')} = %s AND {column('expire_date')} > %s"
    )
