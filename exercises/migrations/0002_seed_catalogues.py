from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from exercises.vocabulary import MOVEMENT_TAGS


def seed(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    movement_tag = apps.get_model("exercises", "MovementTag")
    for code, description in MOVEMENT_TAGS.items():
        movement_tag.objects.update_or_create(code=code, defaults={"description": description})


class Migration(migrations.Migration):
    dependencies = [("exercises", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
