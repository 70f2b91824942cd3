from typing import Any

from django.db import migrations

from planner.beat_schedule import sync_periodic_tasks


def create(apps: Any, schema_editor: Any) -> None:
    sync_periodic_tasks(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("planner", "0009_alert_pain_rising"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
