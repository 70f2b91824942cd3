from typing import Any

from django.db import migrations

from notifications.beat_schedule import PERIODIC_TASKS
from planner.beat_schedule import sync_periodic_tasks


def create(apps: Any, schema_editor: Any) -> None:
    # The reminders' tick row (made by planner's 0005 before the move, made here on a new
    # database); the task keeps its name, so an existing row is left as it was.
    sync_periodic_tasks(apps, PERIODIC_TASKS)


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0002_language_on_patient_alert_events"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
