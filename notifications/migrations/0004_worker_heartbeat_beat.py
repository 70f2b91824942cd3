from typing import Any

from django.db import migrations

from notifications.beat_schedule import PERIODIC_TASKS
from planner.beat_schedule import sync_periodic_tasks


def create(apps: Any, schema_editor: Any) -> None:
    # The workers' heartbeat row, read by the readiness check (/api/v1/health/); the rows that
    # are there already are left as they were.
    sync_periodic_tasks(apps, PERIODIC_TASKS)


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0003_periodic_tasks"),
    ]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
