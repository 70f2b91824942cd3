"""Throwaway databases, so that no run writes to a developer's or the suite's database."""

import os
import tempfile
from pathlib import Path


def sqlite_url(path: Path) -> str:
    """The `DATABASE_URL` of an SQLite file (dj-database-url's form)."""
    return f"sqlite:///{path}"


def setup_django() -> Path | None:
    """Configure Django in this process, migrate and load the exercise library.

    The database is a fresh SQLite file in a new temporary directory, which is returned for the
    caller to remove, unless `DATABASE_URL` is set (PostgreSQL, say): then that one is used and
    None is returned.
    """
    scratch = None
    if "DATABASE_URL" not in os.environ:
        scratch = Path(tempfile.mkdtemp(prefix="rehab-bench-"))
        os.environ["DATABASE_URL"] = sqlite_url(scratch / "bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    # Imported only now: the settings read the environment set just above.
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    call_command("load_library", verbosity=0)
    return scratch
