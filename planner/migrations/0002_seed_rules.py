from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from planner.rule_seed import rules_seed


def seed(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    rules_seed(apps.get_model("planner", "ContraindicationRule"))


class Migration(migrations.Migration):
    dependencies = [("planner", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
