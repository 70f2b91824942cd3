from typing import Any

from django.db import migrations

from planner.beat_schedule import sync_periodic_tasks


def update(apps: Any, schema_editor: Any) -> None:
    # The weekly reviews' row goes from once a day (01:15 UTC) to every hour at :15.
    sync_periodic_tasks(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("planner", "0013_notifications_moved_out"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(update, migrations.RunPython.noop)]
