from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from rehab.clinical_catalogue import seed_catalogues


def seed(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    seed_catalogues(
        apps.get_model("rehab", "Diagnosis"),
        apps.get_model("rehab", "Comorbidity"),
        apps.get_model("rehab", "RedFlag"),
    )


class Migration(migrations.Migration):
    dependencies = [("rehab", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
