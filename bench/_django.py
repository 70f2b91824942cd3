"""Django set up for a benchmark: its own throwaway SQLite database unless DATABASE_URL is set."""

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup() -> Path | None:
    """Configure Django, migrate a fresh database and load the library; returns the temp dir."""
    sys.path.insert(0, str(ROOT))
    scratch = None
    if "DATABASE_URL" not in os.environ:
        scratch = Path(tempfile.mkdtemp(prefix="rehab-bench-"))
        os.environ["DATABASE_URL"] = f"sqlite:///{scratch / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    call_command("load_library", verbosity=0)
    return scratch
