"""Database sessions, loaded with one ready-made query.

Django's database session engine builds its lookup with the ORM on every request;
for the patient app's busiest page that costs more than the rest of a cached Today.
This store reads the same row (the key, not expired) with plain SQL and is otherwise
Django's own (`load()` is the documented hook of a session engine).

Django's `cached_db` engine was measured in its place (issue 15, a cached Today page
through the Redis cache, SQLite, 2,000 requests in one process): it saves this query but
costs more than it saves, 1,396 and 1,343 µs a page against 1,345 and 1,282 µs with this
store (a Redis round trip and unpickling against one prepared-SQL read). Not kept.
"""

import functools
from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import connections, router
from django.utils import timezone


class SessionStore(DatabaseSessionStore):
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


@functools.cache
def _load_sql(alias: str) -> str:
    from django.contrib.sessions.models import Session

    quote = connections[alias].ops.quote_name

    def column(name: str) -> str:
        field: Any = Session._meta.get_field(name)
        return str(quote(field.column))

    return (
        f"SELECT {column('session_data')} FROM {quote(Session._meta.db_table)} "
        f"WHERE {column('session_key')} = %s AND {column('expire_date')} > %s"
    )
