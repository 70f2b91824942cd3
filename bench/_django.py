"""Imported first by every benchmark: puts the project on the path (a script's path starts at
bench/) and sets Django up on a throwaway database (see `testsupport.database.setup_django`).

`bench_database` is the whole choice of database for a benchmark that runs on both: a fresh
PostgreSQL database when `DATABASE_URL` names a server (dropped at the end), else a throwaway
SQLite file; never a developer's own settings or database.
"""

import os
import shutil
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from testsupport.database import setup_django as setup  # noqa: E402


@contextmanager
def bench_database(settings_module: str, environ: Mapping[str, str] = {}) -> Iterator[bool]:
    """Django set up with `settings_module` (and the environment variables `environ`) on a
    fresh database; yields whether it is PostgreSQL."""
    server_url = os.environ.get("DATABASE_URL", "")
    for name in [n for n in os.environ if n.startswith(("DJANGO_", "DATABASE_"))]:
        del os.environ[name]
    postgres = server_url.startswith(("postgres://", "postgresql://"))
    if server_url and not postgres:
        raise SystemExit("DATABASE_URL must name a PostgreSQL server (or be unset: SQLite)")
    database_name = ""
    if postgres:
        os.environ["DATABASE_URL"], database_name = fresh_postgres(server_url)
    os.environ["DJANGO_SETTINGS_MODULE"] = settings_module
    os.environ.update(environ)
    scratch = None
    try:
        scratch = setup()
        yield postgres
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
        if database_name:
            from django.db import connections

            connections.close_all()
            drop_postgres(server_url, database_name)


def fresh_postgres(url: str) -> tuple[str, str]:
    """A new, empty database on the server `url` names: its URL and name."""
    import psycopg

    name = f"rehab_bench_{os.getpid()}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}")), name


def drop_postgres(url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


__all__ = ["ROOT", "bench_database", "drop_postgres", "fresh_postgres", "setup"]
